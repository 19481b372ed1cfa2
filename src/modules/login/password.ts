import { AppError } from '../../kernel/errors.js'
import { classifyIdentifier } from '../accounts/identifiers.js'
import type { LoginAccount } from '../accounts/lookup.js'
import type { PasswordHasher } from '../accounts/password-hasher.js'
import { normalizePassword } from '../accounts/password-policy.js'
import type { AccountRecord } from '../accounts/ports.js'

/** How a password login ended once the password was checked. */
export type LoginOutcome =
  | 'success'
  | 'unknown_identifier'
  | 'bad_password'
  | 'unverified'
  | 'locked'
  | 'reset_required'
  | 'disabled'

/** The outcome of a login as metrics count it: the failures a stranger could cause are one. */
export const loginMetricOutcome = (outcome: LoginOutcome): string =>
  outcome === 'unknown_identifier' || outcome === 'bad_password' ? 'invalid_credentials' : outcome

/** The answer to a right password on an account a campaign put under a required reset. */
export const resetRequired = () =>
  new AppError('password_reset_required', {
    detail:
      'A password reset is required for this account: request a reset message with POST /v1/recovery, then set a new password with POST /v1/recovery/complete',
  })

/**
 * The answer to a right password on an account whose email address is not verified yet. Never by
 * email address: sign-up with an address that has an account creates none, so that login would
 * tell whoever signed up whether the address has one. By the username it is safe: a sign-up with
 * a registered address keeps its password with the name it reserved, and answers alike.
 */
export const emailUnverified = () =>
  new AppError('email_unverified', {
    detail:
      'The email address of this account is not verified yet: follow the link in the verification mail, or ask for a new one with POST /v1/accounts/verify/resend, then log in again',
  })

export interface PasswordCheckDeps {
  hasher: Pick<PasswordHasher, 'verify' | 'verifyDummy'>
  settings: { requireVerifiedEmail: boolean; passwordMaxLength: number }
}

export interface PasswordCheck {
  outcome: LoginOutcome
  /** The account the identifier named, or null. */
  account: AccountRecord | null
  /** The password as checked (NFKC; empty for one longer than any accepted). */
  password: string
  /** True when the identifier was an email address (then `unverified` answers as a wrong password). */
  byEmail: boolean
}

/**
 * Checks the password against the account the identifier named (`named`, read already with a
 * username's reservation: `findLoginAccount`). Every path costs one argon2 verification: an unknown
 * identifier and an over-long password verify a dummy hash, so neither timing nor answer tells
 * whether the account exists.
 */
export const checkPassword = async (
  deps: PasswordCheckDeps,
  input: { identifier: string; password: string },
  named: LoginAccount,
): Promise<PasswordCheck> => {
  const { hasher, settings } = deps
  const { account, reservedHash } = named
  // A password longer than any we accept cannot match; do the same work on a bounded input.
  const tooLong = input.password.length > settings.passwordMaxLength * 4
  const password = tooLong ? '' : normalizePassword(input.password)
  const id = classifyIdentifier(input.identifier)
  const checked = (outcome: LoginOutcome): PasswordCheck => ({
    outcome,
    account,
    password,
    byEmail: id?.kind === 'email',
  })
  if (!account && !tooLong && reservedHash !== null) {
    // A sign-up whose address had an account reserved the name and created none: its password
    // answers as an unverified account's does, so the login tells nothing about the address.
    const right = await hasher.verify(reservedHash, password)
    return checked(right && settings.requireVerifiedEmail ? 'unverified' : 'unknown_identifier')
  }
  if (!account || tooLong) {
    // The same verification for a missing account and an over-long password, whoever it names.
    await hasher.verifyDummy(password)
    return checked(account ? 'bad_password' : 'unknown_identifier')
  }
  if (!(await hasher.verify(account.passwordHash, password))) return checked('bad_password')
  if (account.lockedAt !== null) return checked('locked')
  if (settings.requireVerifiedEmail && account.emailVerifiedAt === null) return checked('unverified')
  // Only once the password is checked: a wrong one is answered as before, so this is no oracle.
  // A disabled account answers exactly as one under a required reset; only the event says which.
  if (account.disabledAt !== null) return checked('disabled')
  if (account.passwordResetRequired) return checked('reset_required')
  return checked('success')
}
