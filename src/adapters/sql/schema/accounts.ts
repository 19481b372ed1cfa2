import type { Generated } from 'kysely'

/* Accounts, the usernames sign-ups hold, email changes and the one-time tokens sent to them. */

/**
 * Row types of every table. Times are epoch milliseconds (bigint columns, read
 * back as numbers on both dialects); booleans are 0/1 integers.
 */
export interface AccountsTable {
  id: string
  username: string
  email: string
  email_norm: string
  phone: string | null
  phone_verified_at: number | null
  password_hash: string
  role: string
  email_verified_at: number | null
  must_change_password: number
  password_changed_at: number
  created_at: number
  updated_at: number
  reset_lock: Generated<number>
  locked_at: number | null
  /** Set by a force_password_reset campaign: no session opens until recovery sets a new password. */
  password_reset_required_at: number | null
  /** 1: set by a require_mfa_enrollment campaign: logins without a confirmed factor may only enrol one. */
  mfa_enrolment_required: Generated<number>
  /** `en`, `de` …: the language of the account's mails and texts; null when none was named. */
  locale: string | null
  /** The client a partner account belongs to (access review). */
  client_id: string | null
  /** An administrator revoked this external account's access: login stays locked until reinstated. */
  access_revoked_at: number | null
  /** A staff member disabled the account: no session opens until it is enabled again. */
  disabled_at: number | null
  /** Who disabled it, as the audit log names actors. */
  disabled_by: string | null
  /** When the account's deletion is due (the purge removes it then); null when none is pending. */
  deletion_due_at: number | null
  /** Who asked for the deletion, as the audit log names actors. */
  deletion_requested_by: string | null
  /** The account's id in the system it was imported from (unique where set). */
  external_id: Generated<string | null>
}

export interface AccountImportsTable {
  id: string
  /** running, completed, failed, interrupted */
  status: string
  source_name: string
  /** csv, jsonl */
  format: string
  /** JSON: which column or key holds each field. */
  mapping: string
  rows_read: number
  rows_created: number
  rows_present: number
  rows_bad: number
  /** JSON: the first bad rows as {line, reason}. */
  problems: string
  error: string | null
  created_by: string
  started_at: number
  heartbeat_at: number
  finished_at: number | null
}

export interface UsernameReservationsTable {
  username: string
  expires_at: number
  created_at: number
  /** The sign-up's password hash (null for reservations made before it was kept). */
  password_hash: string | null
}

export interface EmailChangesTable {
  id: string
  account_id: string
  new_email: string
  new_email_norm: string
  token_hash: string
  expires_at: number
  used_at: number | null
  created_at: number
}

export interface OneTimeTokensTable {
  id: string
  token_hash: string
  account_id: string
  purpose: string
  expires_at: number
  used_at: number | null
  created_at: number
  attempts: Generated<number>
  channel: string | null
}
