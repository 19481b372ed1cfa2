import type { RequestContext } from '../../kernel/context.js'
import type { SecurityEventType } from './vocabulary.js'

export type { RequestContext } from '../../kernel/context.js'

export interface SecurityEvent {
  type: SecurityEventType
  accountId: string | null
  context: RequestContext
  /** Never a secret or a contact address. */
  details: Record<string, unknown>
  at: number
}

export interface StoredSecurityEvent extends SecurityEvent {
  id: number
  subnet: string | null
}

export interface EventFilter {
  type?: string
  accountId?: string
  ip?: string
  /** Recorded at or after (epoch ms). */
  since?: number
  /** Recorded before (epoch ms). */
  until?: number
}

export interface SecurityEventLog {
  /** Append-only: events are never updated, only pruned by age. */
  append(event: SecurityEvent): Promise<void>
  /** Appends many events, in order, with a few statements whatever their number. */
  appendMany(events: readonly SecurityEvent[]): Promise<void>
  /** The account's events, newest first; with `beforeId`, only those older than that event. */
  listForAccount(accountId: string, limit: number, beforeId?: number): Promise<StoredSecurityEvent[]>
  /** Every account's events matching the filter, newest first; with `beforeId`, older than that event. */
  search(filter: EventFilter, limit: number, beforeId?: number): Promise<StoredSecurityEvent[]>
  /** Deletes events recorded before `cutoff` (the retention period); returns how many. */
  deleteBefore(cutoff: number): Promise<number>
  /**
   * Only on the log of a transaction: runs `fn` once that transaction has committed, and never
   * when it rolls back.
   */
  afterCommit?(fn: () => void): void
}
