import type { SecurityEventLog } from '../events/ports.js'
import type { Outbox } from '../mail/ports.js'
import type { SessionRepository } from '../sessions/ports.js'
import type { OneTimeTokens } from '../tokens/ports.js'

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
  role: 'user' | 'admin'
  emailVerifiedAt: number | null
  mustChangePassword: boolean
  passwordChangedAt: number
  createdAt: number
  /** The holder asked for a second factor before any reset message is sent. */
  resetLock: boolean
  /** Set by "this wasn't me": no login until recovery completes. */
  lockedAt: number | null
}

export type NewAccount = Omit<
  AccountRecord,
  'phoneVerifiedAt' | 'emailVerifiedAt' | 'resetLock' | 'lockedAt'
> & {
  emailVerifiedAt?: number | null
}

export type CreateAccountResult = { ok: true } | { ok: false; conflict: 'username' | 'email' }

export interface AccountRepository {
  /** Inserts the account; a unique collision is a value naming the identifier, and writes nothing. */
  create(account: NewAccount): Promise<CreateAccountResult>
  findById(id: string): Promise<AccountRecord | null>
  findByUsername(usernameNorm: string): Promise<AccountRecord | null>
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
  setResetLock(ids: string[], on: boolean, at: number): Promise<number>
  /** Locks (a time) or unlocks (null) the account for login. */
  setLocked(id: string, lockedAt: number | null, at: number): Promise<void>
  /** Removes accounts whose email was never verified and that were created before `cutoff`. */
  deleteUnverifiedBefore(cutoff: number): Promise<number>
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
