import type { Locale } from '../../kernel/locale.js'
import { isRole, type Role } from '../../kernel/roles.js'
import type { SecurityEventLog } from '../events/ports.js'
import type { Outbox } from '../mail/ports.js'
import type { SessionRepository } from '../sessions/ports.js'
import type { OneTimeTokens, TokenPurpose } from '../tokens/ports.js'

export { ROLES, type Role } from '../../kernel/roles.js'

export const toRole = (value: string): Role => (isRole(value) ? value : 'user')

export interface AccountRecord {
  id: string
  username: string
  /** As the owner typed it; mail goes only here. */
  email: string
  /** Lookup form (ASCII-lowercased). */
  emailNorm: string
  phone: string | null
  phoneVerifiedAt: number | null
  passwordHash: string
  role: Role
  emailVerifiedAt: number | null
  mustChangePassword: boolean
  passwordChangedAt: number
  createdAt: number
  /** The holder asked for a second factor before any reset message is sent. */
  resetLock: boolean
  /** Set by "this wasn't me": no login until recovery completes. */
  lockedAt: number | null
  /**
   * Set by a force_password_reset campaign (a right password opens no session until recovery
   * completes), and for as long as the account is disabled (recovery does not lift that).
   */
  passwordResetRequired: boolean
  /** Set by a require_mfa_enrollment campaign: without a confirmed factor, sessions may only enrol one. */
  mfaEnrolmentRequired: boolean
  /** The language of the account's mails and texts; null until sign-up or the holder names one. */
  locale: Locale | null
  /** A staff member disabled the account: a right password answers like a required reset until enabled. */
  disabledAt: number | null
}

export type NewAccount = Omit<
  AccountRecord,
  | 'phoneVerifiedAt'
  | 'emailVerifiedAt'
  | 'resetLock'
  | 'lockedAt'
  | 'passwordResetRequired'
  | 'mfaEnrolmentRequired'
  | 'locale'
  | 'disabledAt'
> & {
  emailVerifiedAt?: number | null
  locale?: Locale | null
}

export type CreateAccountResult = { ok: true } | { ok: false; conflict: 'username' | 'email' }

/**
 * Thrown (out of the surrounding transaction, which then rolls back) when another account
 * already holds the phone number verified: the unique index refused it.
 */
export class PhoneTakenConflict extends Error {
  override readonly name = 'PhoneTakenConflict'
}

/** The newest live one-time token of a purpose, as the phone-code check needs it. */
export interface LiveTokenRef {
  tokenHash: string
  attempts: number
}

export interface AccountRepository {
  /** Inserts the account; a unique collision is a value naming the identifier, and writes nothing. */
  create(account: NewAccount): Promise<CreateAccountResult>
  /** True when an account has the username, or a sign-up reserved it until after `now`. */
  isUsernameTaken(usernameNorm: string, now: number): Promise<boolean>
  /**
   * Reserves the username until `until`, atomically: of concurrent callers for one free name exactly
   * one gets true; a reservation that ended by `now` is taken over. False when it is reserved. The
   * reservation keeps the sign-up's password hash (see `findByUsernameWithReservation`).
   */
  reserveUsername(usernameNorm: string, now: number, until: number, passwordHash: string): Promise<boolean>
  /** Deletes reservations that ended before `cutoff`. */
  deleteReservationsBefore(cutoff: number): Promise<number>
  findById(id: string): Promise<AccountRecord | null>
  findByUsername(usernameNorm: string): Promise<AccountRecord | null>
  /**
   * The account with the username, and the password hash the sign-up that reserved the name gave
   * (kept as long as the reservation is: an unverified account lasts as long, both go in the same
   * housekeeping; null without one), in one read that costs the same whether either exists.
   */
  findByUsernameWithReservation(
    usernameNorm: string,
  ): Promise<{ account: AccountRecord | null; reservedHash: string | null }>
  findByEmail(emailNorm: string): Promise<AccountRecord | null>
  /** Only a verified phone number identifies an account. */
  findByVerifiedPhone(e164: string): Promise<AccountRecord | null>
  /** Marks the email verified; false when the account is gone. */
  markEmailVerified(id: string, at: number): Promise<boolean>
  /** Stores a new hash. `changed` is true for a new password (not a rehash of the same one). */
  setPasswordHash(
    id: string,
    hash: string,
    at: number,
    opts: { changed: boolean; mustChange?: boolean },
  ): Promise<void>
  /**
   * Requires a password change (sessions then may only change it) while the stored hash is still
   * `passwordHash`, the one just checked; false (and nothing changes) when the password changed
   * meanwhile or the account is gone.
   */
  requirePasswordChange(id: string, passwordHash: string, at: number): Promise<boolean>
  /** Accounts whose password hash is still an imported one (`$gh$…`), by scheme; 0 for schemes with none. */
  countImportedHashes(): Promise<Record<string, number>>
  setResetLock(ids: string[], on: boolean, at: number): Promise<number>
  setRole(id: string, role: Role, at: number): Promise<void>
  /** Stores the language of the account's mails and texts; false when the account is gone. */
  setLocale(id: string, locale: Locale, at: number): Promise<boolean>
  /** Locks (a time) or unlocks (null) the account for login. */
  setLocked(id: string, lockedAt: number | null, at: number): Promise<void>
  /** Removes accounts whose email was never verified and that were created before `cutoff`. */
  deleteUnverifiedBefore(cutoff: number): Promise<number>
  /**
   * Locks the account's row until the surrounding transaction ends (so that checks and writes on
   * one account do not interleave) and returns it as it is now; null when it is gone.
   */
  lockById(id: string): Promise<AccountRecord | null>
  /**
   * One indexed statement whatever the outcome: locks and returns the account with this
   * normalised address whose email is NOT verified yet; null for a verified or unknown address.
   */
  lockUnverifiedByEmail(emailNorm: string): Promise<AccountRecord | null>
  /** Sets (or with null removes) the phone number, unverified: any earlier verification is gone. */
  setPhone(id: string, e164: string | null, at: number): Promise<void>
  /**
   * Marks the account's phone verified when it is still `e164`; false when it is not (changed
   * meanwhile). Throws PhoneTakenConflict when another account holds the number verified.
   */
  markPhoneVerified(id: string, e164: string, at: number): Promise<boolean>
  /** Creation times of the account's tokens of `purpose` (live or not) created at or after `since`. */
  tokenTimesSince(id: string, purpose: TokenPurpose, since: number): Promise<number[]>
  /** The newest live (unused, unexpired) token of `purpose` of the account, or null. */
  newestLiveToken(id: string, purpose: TokenPurpose, now: number): Promise<LiveTokenRef | null>
  /** True when any token (of any state and purpose) already has this hash. */
  tokenHashExists(tokenHash: string): Promise<boolean>
  /** Records a requested change of address, waiting for the link sent to the new one; earlier pending ones die. */
  createEmailChange(change: EmailChange): Promise<void>
  /** Creation times of the account's address-change requests at or after `since`. */
  emailChangeTimesSince(id: string, since: number): Promise<number[]>
  /**
   * Uses a pending address change atomically: exactly one caller per token gets it; null for an
   * unknown, used or expired token.
   */
  consumeEmailChange(tokenHash: string, now: number): Promise<EmailChange | null>
  /**
   * Makes `email` the account's verified address; false (and nothing changes) when another account
   * has it meanwhile.
   */
  setEmail(id: string, email: string, emailNorm: string, at: number): Promise<boolean>
  /** Deletes address-change requests created before `cutoff` (the cap looks back one hour). */
  deleteEmailChangesBefore(cutoff: number): Promise<number>
}

export interface EmailChange {
  id: string
  accountId: string
  newEmail: string
  newEmailNorm: string
  tokenHash: string
  expiresAt: number
  createdAt: number
}

export interface AccountsRepositories {
  accounts: AccountRepository
  tokens: OneTimeTokens
  sessions: SessionRepository
  outbox: Outbox
  events: SecurityEventLog
}

export interface AccountsStore extends AccountsRepositories {
  /** Runs `fn` in one database transaction: all of its writes land, or none. */
  transaction<T>(fn: (tx: AccountsRepositories) => Promise<T>): Promise<T>
}
