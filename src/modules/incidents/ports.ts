import type { NewAuditEntry } from '../audit/ports.js'
/** Incidents, the leaked data sets imported into them, and the accounts they exposed. */

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const
export type Severity = (typeof SEVERITIES)[number]

/**
 * What a leak can hold about an account; `location` is recorded but never matched. The one list of
 * them: sorted, the order stored field lists (incident_exposures.fields) and reports follow.
 */
export const EXPOSED_FIELDS = ['email', 'location', 'phone', 'username'] as const
export type ExposedField = (typeof EXPOSED_FIELDS)[number]

export const IMPORT_FORMATS = ['csv', 'jsonl'] as const
export type ImportFormat = (typeof IMPORT_FORMATS)[number]

export interface IncidentRecord {
  id: string
  title: string
  summary: string
  severity: Severity
  status: 'open' | 'closed'
  risks: string
  mitigations: string
  createdBy: string
  createdAt: number
  updatedAt: number
  closedAt: number | null
}

export type IncidentPatch = Partial<
  Pick<IncidentRecord, 'title' | 'summary' | 'severity' | 'risks' | 'mitigations'>
>

/** Which column (CSV header name) or key (JSONL) holds each field. */
export type ColumnMapping = Partial<Record<ExposedField, string>>

export interface ImportCounts {
  /** Data rows read so far (the CSV header is not one). */
  rowsRead: number
  /** Rows whose identifiers named at least one account. */
  rowsMatched: number
  /** Rows that could not be parsed or held no mapped identifier. */
  rowsUnparseable: number
  /** Distinct accounts this import matched (known when it ends). */
  accountsMatched: number
}

export interface ImportProblem {
  line: number
  reason: string
}

export interface ImportRecord extends ImportCounts {
  id: string
  incidentId: string
  sourceName: string
  format: ImportFormat
  mapping: ColumnMapping
  status: 'running' | 'done' | 'failed'
  /** Why it failed; null otherwise. */
  error: string | null
  /** The first unparseable rows: line number and reason, never their content. */
  problems: ImportProblem[]
  createdBy: string
  startedAt: number
  finishedAt: number | null
}

export interface ExposureRecord {
  accountId: string
  username: string
  fields: ExposedField[]
  rows: number
  firstImportId: string
  firstSeenAt: number
}

/** One account's share of a batch: the fields the leak held about it, and in how many rows. */
export interface ExposureDelta {
  accountId: string
  fields: ExposedField[]
  rows: number
}

/** One leak row as staged: its normalised identifiers (null when it has none) and the fields it held. */
export interface StagedLeakRow {
  username: string | null
  email: string | null
  phone: string | null
  /** The row's fields, one bit each in EXPOSED_FIELDS order. */
  bits: number
}

/** The identifier kinds a leak row is matched by. */
export const LEAK_KEYS = ['username', 'email', 'phone'] as const
export type LeakKey = (typeof LEAK_KEYS)[number]

/**
 * One import's rows kept by the database while the leak is read, then matched against the accounts
 * in each identifier's order: the accounts' indexes are walked once, front to back, whatever the
 * leak's size and order, and the exposures written in account order. Each walk's step reads about
 * `limit` rows; sealing indexes the whole stage. Call order: `add` (any number of times),
 * `sealRows`, per key `chunkEnd` and `match` until a chunk ends at null, `sealHits`, `exposures`
 * until it answers none.
 */
export interface LeakStage {
  /** Adds rows, numbered from 0 in the order they are added (calls may overlap). */
  add(rows: StagedLeakRow[]): Promise<void>
  /** After the last `add`: which keys any row has. */
  sealRows(): Promise<LeakKey[]>
  /**
   * Where the chunk of `key` after `after` (null: from the first) ends: its `limit`-th key (the chunk
   * takes every row of that key), or null when fewer than `limit` rows are left (it runs to the end).
   */
  chunkEnd(key: LeakKey, after: string | null, limit: number): Promise<string | null>
  /**
   * Matches the rows whose `key` is after `after` and up to `through` (null: from the first, to the
   * last): usernames and email lookup forms as stored, phones only where the account has verified
   * them. Returns the numbers of the rows that named an account. Chunks may be matched at once.
   */
  match(key: LeakKey, after: string | null, through: string | null): Promise<number[]>
  /** After the last `match`. */
  sealHits(): Promise<void>
  /**
   * The next `limit` accounts named, by id after `after` (null: from the first): the union of the
   * fields of the rows that named each, and how many rows did.
   */
  exposures(after: string | null, limit: number): Promise<ExposureDelta[]>
}

export interface IncidentRepository {
  create(incident: IncidentRecord): Promise<void>
  get(id: string): Promise<IncidentRecord | null>
  /** Newest first; with `before` (an id), older than that incident. */
  list(limit: number, before?: string): Promise<IncidentRecord[]>
  update(id: string, patch: IncidentPatch, at: number): Promise<void>
  close(id: string, at: number): Promise<void>

  createImport(record: ImportRecord): Promise<void>
  getImport(incidentId: string, importId: string): Promise<ImportRecord | null>
  listImports(incidentId: string): Promise<ImportRecord[]>
  /** The counts so far; also a heartbeat (`at`). */
  updateImportCounts(
    importId: string,
    counts: ImportCounts,
    problems: ImportProblem[],
    at: number,
  ): Promise<void>
  /** Records that the instance running a running import is alive at `at`. */
  beatImport(importId: string, at: number): Promise<void>
  /**
   * Marks failed, with `error`, every running import whose last heartbeat is older than `staleBefore`
   * (its instance died), and appends the audit entry `entry` makes of each in the same transaction;
   * returns them as they are now.
   */
  failStaleImports(
    staleBefore: number,
    at: number,
    error: string,
    entry: (stopped: ImportRecord) => NewAuditEntry,
  ): Promise<ImportRecord[]>
  finishImport(
    importId: string,
    outcome: {
      status: 'done' | 'failed'
      counts: ImportCounts
      problems: ImportProblem[]
      error: string | null
      at: number
    },
  ): Promise<void>

  /** Creates the stage of a running import's rows (see LeakStage). */
  openLeakStage(importId: string): Promise<LeakStage>
  /**
   * Drops the stages of every import not running (done, failed, or unknown: a stage whose import
   * was never recorded); returns how many. Safe to call while other imports run.
   */
  dropIdleLeakStages(): Promise<number>
  /** Drops one import's stage (nothing when it has none). */
  dropLeakStage(importId: string): Promise<void>
  /**
   * Adds the deltas to the incident's exposures at once (one statement on PostgreSQL, one
   * transaction on SQLite): new accounts get a row, known ones get the union of fields and their
   * row count increased. Each account at most once. Returns
   * how many of the accounts the import had not met before (their exposure was last touched by
   * another import, or did not exist): summed over its batches, the distinct accounts it matched.
   */
  recordExposures(incidentId: string, importId: string, at: number, deltas: ExposureDelta[]): Promise<number>
  /** By account id; with `after`, those after that id. */
  listExposures(incidentId: string, limit: number, after?: string): Promise<ExposureRecord[]>
  countExposures(incidentId: string): Promise<number>
}
