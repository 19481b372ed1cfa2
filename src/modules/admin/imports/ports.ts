import type { ImportedHash } from '../../accounts/legacy/index.js'

/** The fields an account import reads, each from a column (CSV header name) or key (JSONL). */
export const IMPORT_FIELDS = [
  'external_id',
  'username',
  'email',
  'email_verified',
  'phone',
  'phone_verified',
  'role',
  'locale',
  'created_at',
  'password_hash',
  'password_format',
  'salt',
  'totp_secret',
] as const
export type ImportField = (typeof IMPORT_FIELDS)[number]

/** Which column or key holds each field; unmapped fields are absent. */
export type AccountImportMapping = Partial<Record<ImportField, string>>

export const ACCOUNT_IMPORT_FORMATS = ['csv', 'jsonl'] as const
export type AccountImportFormat = (typeof ACCOUNT_IMPORT_FORMATS)[number]

export const ACCOUNT_IMPORT_STATUSES = ['running', 'completed', 'failed', 'interrupted'] as const
export type AccountImportStatus = (typeof ACCOUNT_IMPORT_STATUSES)[number]

/** A bad row: its line and why, never its content. */
export interface AccountImportProblem {
  line: number
  reason: string
}

export interface AccountImportCounts {
  rowsRead: number
  rowsCreated: number
  /** Rows whose account was there already (same external id, or same email without one): skipped. */
  rowsPresent: number
  rowsBad: number
}

export interface AccountImportRecord extends AccountImportCounts {
  id: string
  status: AccountImportStatus
  sourceName: string
  format: AccountImportFormat
  mapping: AccountImportMapping
  problems: AccountImportProblem[]
  error: string | null
  createdBy: string
  startedAt: number
  heartbeatAt: number
  finishedAt: number | null
}

/** One account an import creates, ready to be written. */
export interface ImportedAccount {
  id: string
  externalId: string | null
  username: string
  email: string
  emailNorm: string
  emailVerifiedAt: number | null
  phone: string | null
  phoneVerifiedAt: number | null
  role: string
  locale: string | null
  createdAt: number
  passwordHash: string
  /** The TOTP secret, sealed for the account (a confirmed factor), or null. */
  totpSealed: string | null
}

/** What a batch's identifiers already belong to (value → account id). */
export interface ExistingIdentifiers {
  externalIds: Map<string, string>
  usernames: Map<string, string>
  emails: Map<string, string>
  /** Verified phone numbers. */
  phones: Map<string, string>
  /** Usernames a pending sign-up holds. */
  reserved: Set<string>
}

export interface AccountImportRepository {
  createImport(r: AccountImportRecord): Promise<void>
  getImport(id: string): Promise<AccountImportRecord | null>
  listImports(limit: number): Promise<AccountImportRecord[]>
  /** Writes the counts so far and the heartbeat. */
  updateImport(
    id: string,
    counts: AccountImportCounts,
    problems: AccountImportProblem[],
    at: number,
  ): Promise<void>
  beatImport(id: string, at: number): Promise<void>
  finishImport(
    id: string,
    o: {
      status: 'completed' | 'failed'
      counts: AccountImportCounts
      problems: AccountImportProblem[]
      error: string | null
      at: number
    },
  ): Promise<void>
  /** Marks interrupted the running imports whose heartbeat is older than `staleBefore`; returns them. */
  interruptStale(staleBefore: number, at: number, error: string): Promise<AccountImportRecord[]>
  /** One query per kind of identifier, whatever the batch's size. */
  lookup(
    o: { externalIds: string[]; usernames: string[]; emails: string[]; phones: string[] },
    now: number,
  ): Promise<ExistingIdentifiers>
  /**
   * Writes a batch of accounts (and their TOTP factors) with one statement per table, in one
   * transaction. A row whose external id, username, email or verified phone an account holds, or
   * whose username a pending sign-up holds, is left out. Returns the ids written.
   */
  insertAccounts(accounts: ImportedAccount[], now: number): Promise<Set<string>>
  /**
   * After an import that created many accounts: brings what the database knows of the accounts
   * table up to date. PostgreSQL: VACUUM (ANALYZE) accounts marks the new pages all-visible, so that
   * lookups by username or email (a leak import's) read the index alone instead of a page of the
   * table for each, and refreshes the planner's statistics; SQLite: PRAGMA optimize. Called after
   * a write that waited for the disk (`updateImport`): the batches' commits do not wait, and VACUUM
   * leaves the pages of commits not yet on disk unmarked.
   */
  afterBulkLoad(): Promise<void>
}

export type { ImportedHash }
