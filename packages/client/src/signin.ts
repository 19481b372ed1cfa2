/*
 * Signing in with a password: one call that either signs in or hands back the second step, typed
 * with the methods the account can use. In `token` mode the client keeps the session token (and a
 * remembered device's token) from the answer by itself; in `cookie` mode Gatehouse sets its
 * httpOnly cookies and the token never reaches script.
 *
 *   const result = await signIn(gh, { identifier, password })
 *   if (result.status === 'second_factor') await result.complete({ method: 'totp', code })
 */
import type { Gatehouse } from './client.js'
import {
  completeSession,
  createSession,
  getSecondFactorPasskeyOptions,
  sendSecondFactorCode,
} from './operations.js'
import type { operations } from './schema.js'

/** A second factor Gatehouse can ask for. `email` is also the code mailed to confirm a new device. */
export type SecondFactorMethod = 'totp' | 'webauthn' | 'email' | 'sms' | 'recovery_code'

const METHODS: readonly SecondFactorMethod[] = ['totp', 'webauthn', 'email', 'sms', 'recovery_code']

/** The session a sign-in opened. */
export interface SignedIn {
  status: 'signed_in'
  session: {
    /** The session token, in `token` mode only (the client keeps it too); absent in `cookie` mode. */
    token?: string
    /** When the session ends at the latest (ISO 8601). */
    expiresAt: string
  }
}

/** The password was right; a second proof is needed. */
export interface SecondFactorStep {
  status: 'second_factor'
  /** Names this sign-in attempt (valid for a few minutes). */
  challengeId: string
  /** What the account can answer with, in Gatehouse's order of preference. */
  methods: SecondFactorMethod[]
  /** Sends a one-time code by mail or text (a new one on every call). */
  sendCode(method: 'email' | 'sms'): Promise<void>
  /** Answers with a code: from the authenticator app, the mail or text, or a recovery code. */
  complete(answer: {
    method: Exclude<SecondFactorMethod, 'webauthn'>
    code: string
    /** Skip the second factor on this device for a while (when Gatehouse offers it). */
    rememberDevice?: boolean
  }): Promise<SignedIn>
  /** Answers with a passkey or security key: runs the browser's WebAuthn ceremony. */
  completeWithPasskey(options?: { rememberDevice?: boolean }): Promise<SignedIn>
}

export type SignInResult = SignedIn | SecondFactorStep

/** The body of a 201 sign-in answer. */
export type SessionAnswer = { token: string; expires_at: string; device_token?: string }

/** The public result of a sign-in answer: the token only where script is meant to hold it. */
export const signedIn = (gh: Gatehouse, answer: SessionAnswer): SignedIn => ({
  status: 'signed_in',
  session: {
    ...(gh.mode === 'token' ? { token: answer.token } : {}),
    expiresAt: answer.expires_at,
  },
})

/** A WebAuthn assertion as Gatehouse takes it. */
export type Assertion = NonNullable<
  operations['completeSession']['requestBody']['content']['application/json']['assertion']
>

/** Runs the WebAuthn ceremony of a request's options (loaded only when a passkey is used). */
export const passkeyAssertion = async (options: Record<string, unknown>): Promise<Assertion> => {
  const { startAuthentication } = await import('@simplewebauthn/browser')
  const assertion = await startAuthentication({
    optionsJSON: options as unknown as Parameters<typeof startAuthentication>[0]['optionsJSON'],
  })
  return assertion as unknown as Assertion
}

/** The second step of a sign-in, from the `mfa_required` answer. */
export const secondFactorStep = (
  gh: Gatehouse,
  challengeId: string,
  methods: readonly string[],
): SecondFactorStep => {
  const remember = (r: boolean | undefined) => (r === undefined ? {} : { remember_device: r })
  return {
    status: 'second_factor',
    challengeId,
    methods: methods.filter((m): m is SecondFactorMethod => METHODS.includes(m as SecondFactorMethod)),
    sendCode: async (method) => {
      await sendSecondFactorCode(gh, { body: { challenge_id: challengeId, method } })
    },
    complete: async ({ method, code, rememberDevice }) =>
      signedIn(
        gh,
        await completeSession(gh, {
          body: { challenge_id: challengeId, method, code, ...remember(rememberDevice) },
        }),
      ),
    completeWithPasskey: async (opts = {}) => {
      const { options, webauthn_challenge_id } = await getSecondFactorPasskeyOptions(gh, {
        body: { challenge_id: challengeId },
      })
      const assertion = await passkeyAssertion(options)
      return signedIn(
        gh,
        await completeSession(gh, {
          body: {
            challenge_id: challengeId,
            method: 'webauthn',
            webauthn_challenge_id,
            assertion,
            ...remember(opts.rememberDevice),
          },
        }),
      )
    },
  }
}

/**
 * Signs in with an identifier (username, email address or verified phone number) and password.
 * Resolves with the session, or with the second step when the account (or a device Gatehouse does
 * not know yet) needs one. A wrong password is a GatehouseError with code `invalid_credentials`.
 */
export const signIn = async (
  gh: Gatehouse,
  credentials: { identifier: string; password: string; secondFactor?: 'required' },
): Promise<SignInResult> => {
  const answer = await createSession(gh, {
    body: {
      identifier: credentials.identifier,
      password: credentials.password,
      ...(credentials.secondFactor ? { second_factor: credentials.secondFactor } : {}),
    },
  })
  return 'mfa_required' in answer
    ? secondFactorStep(gh, answer.challenge_id, answer.methods)
    : signedIn(gh, answer)
}
