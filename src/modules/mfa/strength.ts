import { isStaffRole, STAFF_ROLES } from '../../kernel/roles.js'
import type { MfaFactorRecord } from './ports.js'

/**
 * Factor strength: what a second factor proves, and so which policies it can satisfy. The one
 * place these classes are defined; every decision that depends on them (the staff MFA policy, the
 * methods a login challenge offers, what a reset needs, what the password policy counts) asks here.
 *
 * - `phishing_resistant`: a passkey (WebAuthn), bound to the relying party's origin.
 * - `app_based`: a TOTP authenticator app (possession of a secret on a device).
 * - `channel`: a code sent by email or SMS. It proves control of a mailbox or phone number, not of
 *   a device: NIST SP 800-63B forbids email for out-of-band authentication and restricts SMS.
 *
 * Recovery codes are not a class of their own: they are the backup of the account's factors and
 * are worth what the factors they back are.
 */
export type FactorStrength = 'channel' | 'app_based' | 'phishing_resistant'
export type FactorKind = MfaFactorRecord['kind']

const ORDER: readonly FactorStrength[] = ['channel', 'app_based', 'phishing_resistant']

export const FACTOR_STRENGTH: Readonly<Record<FactorKind, FactorStrength>> = {
  email: 'channel',
  sms: 'channel',
  totp: 'app_based',
  webauthn: 'phishing_resistant',
}

/** True when a factor of this kind is at least as strong as `floor`. */
export const atLeast = (kind: FactorKind, floor: FactorStrength): boolean =>
  ORDER.indexOf(FACTOR_STRENGTH[kind]) >= ORDER.indexOf(floor)

/** Every factor kind at least as strong as `floor`. */
export const kindsAtLeast = (floor: FactorStrength): FactorKind[] =>
  (Object.keys(FACTOR_STRENGTH) as FactorKind[]).filter((k) => atLeast(k, floor))

/** Staff roles (src/kernel/roles.ts): their MFA policy is satisfied by an app-based or phishing-resistant factor only. */
export { isStaffRole, STAFF_ROLES }

/** The weakest factor a staff account's policy accepts. */
export const STAFF_FLOOR: FactorStrength = 'app_based'

/** What the MFA policy asks of one account. */
export interface FactorPolicy {
  /**
   * The weakest factor that satisfies the policy. A login challenge of an account that holds a
   * factor this strong accepts nothing weaker (recovery codes aside).
   */
  floor: FactorStrength
  /** The account must hold a factor at the floor: until it does, its sessions may only enrol one. */
  required: boolean
}

/** Accounts without a required factor, and not staff: any factor they hold will do. */
export const NO_FACTOR_POLICY: FactorPolicy = { floor: 'channel', required: false }

/**
 * The policy of an account: staff roles have the app-based floor whatever the configuration says;
 * a factor is required for the roles in `requiredRoles` (GATEHOUSE_MFA_REQUIRED_ROLES) and for
 * accounts a require_mfa_enrollment campaign flagged.
 */
export const factorPolicyOf = (
  account: { role: string; mfaEnrolmentRequired: boolean },
  requiredRoles: readonly string[],
): FactorPolicy => ({
  floor: isStaffRole(account.role) ? STAFF_FLOOR : 'channel',
  required: requiredRoles.includes(account.role) || account.mfaEnrolmentRequired,
})

type FactorState = Pick<MfaFactorRecord, 'kind' | 'confirmedAt'>

const confirmedKinds = (factors: readonly FactorState[]): FactorKind[] => [
  ...new Set(factors.filter((f) => f.confirmedAt !== null).map((f) => f.kind)),
]

/** True when one of the confirmed factors is at least as strong as `floor`. */
export const satisfies = (factors: readonly FactorState[], floor: FactorStrength): boolean =>
  confirmedKinds(factors).some((k) => atLeast(k, floor))

/**
 * The factor kinds a login challenge accepts: the confirmed factors at or above the floor. An
 * account with none that strong (a staff account with only email or SMS codes, from before its
 * role or this policy) is still asked for the factors it has: they guard the way to a session
 * that may only enrol a stronger factor, never a full one (see `satisfies`).
 */
export const challengeKinds = (factors: readonly FactorState[], floor: FactorStrength): FactorKind[] => {
  const kinds = confirmedKinds(factors)
  const strong = kinds.filter((k) => atLeast(k, floor))
  return strong.length > 0 ? strong : kinds
}

/**
 * Whether completing a password reset whose token went through `resetChannel` must also be given a
 * second-factor code (a TOTP code or a recovery code):
 * - the account has an app-based or phishing-resistant factor: no reset channel proves it;
 * - its factors are email or SMS codes, none of them on the reset channel (an SMS factor and a
 *   reset by email, an email factor and a reset by SMS): the channel proves none of them. Resetting
 *   through the factor's own channel instead needs no code;
 * - one of its factors is the reset channel itself (email codes and a reset by email): the reset
 *   proves that factor, and nothing more is asked (the mailbox is the factor; an account with both
 *   email and SMS codes is as strong as either channel, at login as at recovery).
 */
export const resetNeedsFactor = (factors: readonly FactorState[], resetChannel: 'email' | 'sms'): boolean => {
  const kinds = confirmedKinds(factors)
  if (kinds.some((k) => atLeast(k, 'app_based'))) return true
  return kinds.length > 0 && !kinds.includes(resetChannel)
}

/**
 * The factors that count as a second factor for the password policy (NIST SP 800-63B rev. 4: a
 * password used with another factor may be shorter): app-based or phishing-resistant. Email codes
 * are no authenticator in NIST's terms and SMS is a restricted one, so neither lets a password be
 * shorter.
 */
export const PASSWORD_FACTOR_FLOOR: FactorStrength = 'app_based'
