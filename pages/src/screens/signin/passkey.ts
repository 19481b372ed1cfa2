import {
  browserSupportsWebAuthnAutofill,
  startAuthentication,
  WebAuthnAbortService,
} from '@simplewebauthn/browser'
import { api, data } from '../../api'

type OptionsJSON = Parameters<typeof startAuthentication>[0]['optionsJSON']
type Assertion = Awaited<ReturnType<typeof startAuthentication>>

/** The assertion as the API's schema takes it (plain objects, no class instances). */
const plain = (a: Assertion) => ({
  ...a,
  response: { ...a.response },
  clientExtensionResults: { ...a.clientExtensionResults },
})

type PasskeyOptions = { challenge_id: string; options: Record<string, unknown> }

/**
 * The options for the autofill, asked for as the page opens — not at the person's word: a refusal
 * (the guard challenging the address, a limit) is not solved nor shown; the autofill is just not
 * offered this time, and the button still is.
 */
const quietOptions = async (): Promise<PasskeyOptions | null> => {
  try {
    const res = await fetch('/v1/sessions/passkey/options', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: '{}',
      credentials: 'same-origin',
      cache: 'no-store',
    })
    return res.ok ? ((await res.json()) as PasskeyOptions) : null
  } catch {
    return null
  }
}

/**
 * A passwordless sign-in with a discoverable passkey. `autofill`: the browser offers the passkeys
 * among the username field's suggestions (conditional mediation) and this waits until one is
 * picked; else the browser's own passkey prompt opens at once.
 */
export const passkeySignIn = async (autofill: boolean): Promise<void> => {
  const o = autofill ? await quietOptions() : await data(api.POST('/v1/sessions/passkey/options'))
  if (!o) throw new DOMException('No passkey autofill now', 'AbortError')
  const assertion = await startAuthentication({
    optionsJSON: o.options as unknown as OptionsJSON,
    useBrowserAutofill: autofill,
  })
  await data(
    api.POST('/v1/sessions/passkey', { body: { challenge_id: o.challenge_id, assertion: plain(assertion) } }),
  )
}

/** Whether this browser offers passkeys in the username field's autofill. */
export const autofillAvailable = (): Promise<boolean> => browserSupportsWebAuthnAutofill().catch(() => false)

/** Stops a pending autofill ceremony (leaving the password step). */
export const stopAutofill = () => WebAuthnAbortService.cancelCeremony()

/** A passkey as the second factor of a login challenge. */
export const passkeySecondFactor = async (challengeId: string, remember: boolean): Promise<void> => {
  const o = await data(api.POST('/v1/sessions/mfa/webauthn/options', { body: { challenge_id: challengeId } }))
  const assertion = await startAuthentication({ optionsJSON: o.options as unknown as OptionsJSON })
  await data(
    api.POST('/v1/sessions/mfa', {
      body: {
        challenge_id: challengeId,
        method: 'webauthn',
        webauthn_challenge_id: o.webauthn_challenge_id,
        assertion: plain(assertion),
        ...(remember ? { remember_device: true } : {}),
      },
    }),
  )
}
