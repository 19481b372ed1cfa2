import type { AccountRepository } from '../accounts/ports.js'
import type { RequestContext, SecurityEventLog } from '../events/ports.js'
import type { Outbox } from '../mail/ports.js'
import type { SessionRepository } from '../sessions/ports.js'
import type { OneTimeTokens } from '../tokens/ports.js'

export type RecoveryChannel = 'email' | 'sms'

/** A recovery request as taken on the request path: nothing about the account yet. */
export interface RecoveryRequest {
  id: string
  identifier: string
  channel: RecoveryChannel
  /** A second-factor code sent along (for accounts with the reset lock). */
  mfaCode: string | null
  context: RequestContext
  createdAt: number
}

export type RecoveryOutcome =
  | 'sent'
  | 'no_account'
  | 'suppressed_cap'
  | 'suppressed_recent_token'
  | 'suppressed_reset_lock'
  | 'suppressed_staff'
  | 'suppressed_disabled'

export interface RecoveryRequestQueue {
  enqueue(request: RecoveryRequest): Promise<void>
  /** Leases up to `limit` pending requests; under concurrent workers each goes to one of them. */
  claim(limit: number, now: number, leaseMs: number): Promise<RecoveryRequest[]>
  /** Records the outcome and blanks what the caller typed (identifier, code). */
  finish(id: string, outcome: RecoveryOutcome, now: number): Promise<void>
  release(ids: string[]): Promise<void>
  /** Deletes handled requests older than `cutoff`. */
  deleteHandledBefore(cutoff: number): Promise<number>
}

export interface DueDigest {
  accountId: string
  day: string
  suppressed: number
}

/** Per-account recovery bookkeeping: the lock of its decisions and the daily digest of blocked requests. */
export interface RecoveryLedger {
  /**
   * Serialises recovery work on one account until the surrounding transaction
   * ends (a row lock on PostgreSQL; SQLite has one writer anyway).
   */
  lockAccount(accountId: string): Promise<void>
  /** Counts one blocked request into the account's digest for `day`, due at `sendAfter`. */
  recordSuppression(accountId: string, day: string, sendAfter: number): Promise<void>
  dueDigests(now: number, limit: number): Promise<DueDigest[]>
  /** True once per (account, day): marks the digest sent. */
  markDigestSent(accountId: string, day: string, now: number): Promise<boolean>
}

export interface RecoveryRepositories {
  accounts: AccountRepository
  tokens: OneTimeTokens
  sessions: SessionRepository
  outbox: Outbox
  events: SecurityEventLog
  recoveryLedger: RecoveryLedger
}

export interface RecoveryStore extends RecoveryRepositories {
  recoveryRequests: RecoveryRequestQueue
  transaction<T>(fn: (tx: RecoveryRepositories) => Promise<T>): Promise<T>
}

/** The templates of recovery messages (the outbound gate budgets them as kind `recovery`). */
export const RECOVERY_TEMPLATES = ['recovery_email', 'recovery_sms'] as const
