import type { SecurityEventLog } from '../events/ports.js'
import type { Outbox } from '../mail/ports.js'
import type { OneTimeTokens } from '../tokens/ports.js'

/** The account's own record, as its export shows it. */
export interface ExportProfile {
  id: string
  username: string
  email: string
  emailVerifiedAt: number | null
  phone: string | null
  phoneVerifiedAt: number | null
  locale: string | null
  role: string
  createdAt: number
  passwordChangedAt: number
}

/**
 * Everything held about one account, for its export. Never a secret: no password hash, no factor
 * secret or public key, no token or code hash; recovery codes only as counts.
 */
export interface AccountData {
  profile: ExportProfile
  factors: Array<{
    kind: string
    label: string | null
    createdAt: number
    confirmedAt: number | null
    lastUsedAt: number | null
  }>
  passkeys: Array<{ label: string | null; createdAt: number; lastUsedAt: number | null }>
  recoveryCodes: { total: number; unused: number }
  devices: Array<{
    userAgent: string | null
    ip: string | null
    createdAt: number
    lastSeenAt: number
    rememberedUntil: number | null
  }>
  sessions: Array<{
    createdAt: number
    lastSeenAt: number
    expiresAt: number
    ip: string | null
    userAgent: string | null
    revokedAt: number | null
  }>
  events: Array<{
    type: string
    at: number
    ip: string | null
    userAgent: string | null
    details: Record<string, unknown>
  }>
  exposures: Array<{
    incidentId: string
    incident: string
    fields: string[]
    rows: number
    firstSeenAt: number
  }>
  applications: Array<{ clientId: string; name: string | null; expiresAt: number | null }>
  deletion: PendingDeletion | null
}

export interface PendingDeletion {
  dueAt: number
  /** `account:<id>` of the holder, or the staff actor. */
  requestedBy: string
}

export type ScheduleResult =
  /** Newly scheduled: the account is disabled, its sessions and outstanding tokens ended. */
  | { kind: 'scheduled'; dueAt: number; sessions: number }
  /** One was pending already (nothing changed). */
  | { kind: 'pending'; dueAt: number }
  | { kind: 'gone' }

/** The storage of deletions with a grace period, and of what an export reads. */
export interface AccountDeletionRepository {
  /** Everything held about the account; null when it is gone. */
  exportOf(id: string): Promise<AccountData | null>
  pending(id: string): Promise<PendingDeletion | null>
  /** True when the account owns a client of the admin API (which must always have an owner). */
  ownsClients(id: string): Promise<boolean>
  /**
   * Schedules the deletion at `dueAt`, atomically: under concurrent calls exactly one sees
   * `scheduled` (and disables the account unless it was, ends its sessions and kills its outstanding
   * one-time tokens), the rest `pending` with the same date.
   */
  schedule(id: string, dueAt: number, by: string, now: number): Promise<ScheduleResult>
  /**
   * Cancels a pending deletion and enables the account again when the request had disabled it
   * (staff's own disabling stays). False when none was pending.
   */
  cancel(id: string, now: number): Promise<boolean>
  /** Accounts whose deletion is due at `now`, oldest first. */
  due(now: number, limit: number): Promise<string[]>
  /**
   * Removes the account and every row of personal data about it, when its deletion is still due
   * (a conditional claim: of two instances purging the same account one removes it, the other gets
   * null). Returns who had asked for it.
   */
  purgeDue(id: string, now: number): Promise<{ requestedBy: string; role: string } | null>
}

export interface DeletionRepositories {
  deletions: AccountDeletionRepository
  tokens: OneTimeTokens
  outbox: Outbox
  events: SecurityEventLog
}

export interface DeletionStore extends DeletionRepositories {
  transaction<T>(fn: (tx: DeletionRepositories) => Promise<T>): Promise<T>
}
