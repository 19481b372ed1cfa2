import type { StoredAuditEntry } from './chain.js'

export interface NewAuditEntry {
  at: number
  /** Who: `account:<id>` for an administrator, `cli` for an operator command. */
  actor: string
  actorIp: string | null
  requestId: string | null
  /** What, as `<area>.<verb>`: `detection.lift`, `webhook.create`, `account.set_role` … */
  action: string
  /** On what: `detection:12`, `account:<id>` … */
  target: string | null
  /** Never a secret or contact data. */
  details: Record<string, unknown>
}

export interface AuditLog {
  /** Appends at the head of the chain (one writer at a time across instances); returns the entry. */
  append(entry: NewAuditEntry): Promise<StoredAuditEntry>
  /** Entries in chain order from `afterSeq` on (for verification), at most `limit`. */
  readFrom(afterSeq: number, limit: number): Promise<StoredAuditEntry[]>
  /** Entries newest first; with `beforeSeq`, older than that one. */
  list(limit: number, beforeSeq?: number): Promise<StoredAuditEntry[]>
  /**
   * Entries that concern `ref` (`incident:<id>` …), oldest first, at most `limit`: those whose
   * target is `ref`, and those whose details hold `<kind>_id: <id>`.
   */
  byRef(ref: string, limit: number): Promise<StoredAuditEntry[]>
  /** The newest entry, or null for an empty log. */
  head(): Promise<StoredAuditEntry | null>
}
