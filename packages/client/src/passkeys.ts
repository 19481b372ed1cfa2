/*
 * Passkeys: signing in without a password, adding a passkey to the signed-in account, and
 * confirming a sensitive change with one. A module of its own, so that a page that signs in with
 * passwords only does not carry the WebAuthn ceremony. Each call runs the browser's ceremony with
 * @simplewebauthn/browser, between Gatehouse's options and its check.
 */
import { startAuthentication, startRegistration } from '@simplewebauthn/browser'
import type { Gatehouse } from './client.js'
import {
  createPasskeySession,
  finishPasskeyRegistration,
  getPasskeyRegistrationOptions,
  getPasskeySignInOptions,
  getReauthPasskeyOptions,
  reauthenticate,
} from './operations.js'
import type { operations } from './schema.js'
import { type Assertion, type SignedIn, signedIn } from './signin.js'

type RequestOptions = Parameters<typeof startAuthentication>[0]['optionsJSON']
type CreationOptions = Parameters<typeof startRegistration>[0]['optionsJSON']
type Registration =
  operations['finishPasskeyRegistration']['requestBody']['content']['application/json']['response']

const assert = async (options: Record<string, unknown>, autofill = false): Promise<Assertion> =>
  (await startAuthentication({
    optionsJSON: options as unknown as RequestOptions,
    useBrowserAutofill: autofill,
  })) as unknown as Assertion

/**
 * Signs in with a passkey alone (discoverable credential: the authenticator names the account).
 * `autofill: true` offers the passkeys in the browser's autofill of an
 * `<input autocomplete="username webauthn">` instead of a dialog (conditional mediation).
 */
export const signInWithPasskey = async (
  gh: Gatehouse,
  opts: { autofill?: boolean } = {},
): Promise<SignedIn> => {
  const { challenge_id, options } = await getPasskeySignInOptions(gh)
  const assertion = await assert(options, opts.autofill)
  return signedIn(gh, await createPasskeySession(gh, { body: { challenge_id, assertion } }))
}

/** A passkey added to the account. */
export interface RegisteredPasskey {
  id: string
  name: string | null
  createdAt: string
  /** Recovery codes, when this was the account's first second factor: show them once. */
  recoveryCodes?: string[]
}

/** Adds a passkey (or security key) to the signed-in account; `name` labels it in the account's list. */
export const registerPasskey = async (
  gh: Gatehouse,
  opts: { name?: string } = {},
): Promise<RegisteredPasskey> => {
  const { challenge_id, options } = await getPasskeyRegistrationOptions(gh)
  const response = (await startRegistration({
    optionsJSON: options as unknown as CreationOptions,
  })) as unknown as Registration
  const done = await finishPasskeyRegistration(gh, {
    body: { challenge_id, response, ...(opts.name ? { name: opts.name } : {}) },
  })
  return {
    id: done.factor.id,
    name: done.factor.name,
    createdAt: done.factor.created_at,
    ...(done.recovery_codes ? { recoveryCodes: done.recovery_codes } : {}),
  }
}

/**
 * Confirms it is still the account's owner with a passkey, before a sensitive change (a new
 * password, removing a factor); resolves with the new authentication time.
 */
export const reauthenticateWithPasskey = async (gh: Gatehouse): Promise<{ authenticatedAt: string }> => {
  const { options, webauthn_challenge_id } = await getReauthPasskeyOptions(gh)
  const assertion = await assert(options)
  const done = await reauthenticate(gh, { body: { method: 'webauthn', webauthn_challenge_id, assertion } })
  return { authenticatedAt: done.authenticated_at }
}
