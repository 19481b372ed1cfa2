import type { MfaMethod } from '../mfa/deps.js'
import type { PasskeyUse } from '../mfa/passkeys.js'

/*
 * What a session's login proved, as RFC 8176 authentication method references (`amr`), kept with
 * the session so that relying parties (the OpenID Connect provider's ID tokens) can ask for more
 * than a password:
 *
 *   pwd  the account's password
 *   otp  a one-time code: TOTP, a recovery code, or a code mailed to the account's address (RFC 8176
 *        has no value for email; `otp` is the closest and the one relying parties know)
 *   sms  a one-time code sent by text message
 *   hwk  a passkey bound to one device (not backed up)
 *   swk  a passkey that may be synced between devices (backed up, "multi-device")
 *   mfa  more than one factor: a password and a second factor, or a passkey with user verification
 */

/** The RFC 8176 values a Gatehouse session may hold. */
export type AuthMethod = 'pwd' | 'otp' | 'sms' | 'hwk' | 'swk' | 'mfa'

/** Sessions opened before their methods were recorded: password logins, as nearly all were. */
export const UNRECORDED_AMR: readonly AuthMethod[] = ['pwd']

/** The password alone (a remembered device skips the second factor, and proves nothing more). */
export const PASSWORD_AMR: readonly AuthMethod[] = ['pwd']

/** The kind of passkey an assertion came from: synced (`swk`) or bound to one device (`hwk`). */
export const passkeyMethod = (use: PasskeyUse): AuthMethod => (use.multiDevice ? 'swk' : 'hwk')

/** A login by password and then a second factor of a login challenge. */
export const secondFactorAmr = (method: MfaMethod, passkey: PasskeyUse | null): AuthMethod[] => {
  if (method === 'webauthn') return passkey ? ['pwd', passkeyMethod(passkey), 'mfa'] : ['pwd', 'mfa']
  if (method === 'sms') return ['pwd', 'sms', 'mfa']
  // TOTP, a recovery code, or a mailed code (a second factor, or a new device's step-up).
  return ['pwd', 'otp', 'mfa']
}

/** A passwordless passkey login: possession, and a second factor when the authenticator verified the user. */
export const passwordlessAmr = (use: PasskeyUse): AuthMethod[] =>
  use.userVerified ? [passkeyMethod(use), 'mfa'] : [passkeyMethod(use)]

/** What a re-authentication proves: the method alone (two proofs at different times are not `mfa`). */
export const reauthAmr = (
  proof: { password: string } | { method: 'totp' | 'recovery_code' } | { method: 'webauthn' },
  passkey: PasskeyUse | null,
): AuthMethod[] => {
  if ('password' in proof) return ['pwd']
  if (proof.method === 'webauthn') return passkey ? [passkeyMethod(passkey)] : []
  return ['otp']
}

/** The methods of `held` followed by those of `added` it lacks. */
export const mergeAmr = (held: readonly string[], added: readonly string[]): string[] => [
  ...new Set([...held, ...added]),
]
