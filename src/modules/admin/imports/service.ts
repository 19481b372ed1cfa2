import type { Readable } from 'node:stream'
import { AppError, isAppError } from '../../../kernel/errors.js'
import { newId } from '../../../kernel/tokens.js'
import type { ImportedHash } from '../../accounts/legacy/index.js'
import type { AuditService } from '../../audit/service.js'
import type { RequestContext } from '../../events/ports.js'
import type { Administrator } from '../lifecycle.js'
import type {
  AccountImportCounts,
  AccountImportFormat,
  AccountImportMapping,
  AccountImportProblem,
  AccountImportRecord,
  AccountImportRepository,
} from './ports.js'
import { openAccountRows } from './readers.js'
import { AccountImportRun } from './run.js'

/**
 * Rows per batch: one lookup per kind of identifier and one insert per table each. 5,000 rows of
 * accounts are a few MB; the next batch is read while two are written.
 */
export const ACCOUNT_IMPORT_BATCH_ROWS = 5_000

/** A running import writes that it is alive every 20 s; one silent this long died with its instance. */
export const ACCOUNT_IMPORT_STALE_MS = 2 * 60_000
const INTERRUPTED =
  'the import stopped: the process running it went away before it ended; import the file again to resume'

type Ctx = Pick<RequestContext, 'ip' | 'requestId'>

export interface AccountImportInput {
  format: AccountImportFormat
  mapping: AccountImportMapping
  /** The format of every row's hash when no column names it (bcrypt, argon2, scrypt, firebase-scrypt, pbkdf2, md5, sha1, sha256). */
  hashFormat?: string | undefined
  /** The import's hash parameters: Firebase signerKey, saltSeparator, rounds, memCost; scrypt n, r, p; pbkdf2 digest, iterations; encodings. */
  hashParams?: Record<string, string | number> | undefined
  /** The uploaded file's name or the CLI's path. */
  sourceName: string
  input: Readable
  /** Called after each batch with the counts so far. */
  onProgress?: ((counts: AccountImportCounts) => void) | undefined
}

export interface AccountImportsDeps {
  repo: AccountImportRepository
  hasher: { storedFromImport(h: ImportedHash): Promise<string> }
  sealTotp: (secret: string, accountId: string) => string
  audit: Pick<AuditService, 'record'>
  now: () => number
  batchSize?: number
  /** Accounts still holding an imported password hash, by scheme, counted now. */
  importedHashesLeft?: () => Promise<Record<string, number>>
}

/** The details of an `account.import` audit entry: counts and field names, never a row or the file's name. */
const auditDetails = (r: AccountImportRecord, status: string, counts: AccountImportCounts) => ({
  import_id: r.id,
  status,
  format: r.format,
  fields: Object.keys(r.mapping).sort(),
  rows_read: counts.rowsRead,
  rows_created: counts.rowsCreated,
  rows_present: counts.rowsPresent,
  rows_bad: counts.rowsBad,
})

/**
 * Account imports from another system: a CSV or JSONL file streams through in batches (see
 * AccountImportRun), memory stays flat whatever its size, and bad rows are counted and reported by
 * line and reason only. Importing the same file again skips the accounts already there, which is
 * also how an interrupted import resumes. Imported accounts get no mail.
 */
export class AccountImports {
  constructor(private readonly deps: AccountImportsDeps) {}

  async get(id: string): Promise<AccountImportRecord> {
    const r = await this.deps.repo.getImport(id)
    if (!r) throw new AppError('not_found', { detail: 'No such import' })
    return r
  }

  /** Accounts still holding an imported password hash, by scheme (each login replaces one). */
  async importedHashesLeft(): Promise<Record<string, number>> {
    return (await this.deps.importedHashesLeft?.()) ?? {}
  }

  list(limit: number): Promise<AccountImportRecord[]> {
    return this.deps.repo.listImports(limit)
  }

  /**
   * Streams the file into accounts. A mapping without username, email and password hash, or naming a
   * column the CSV header lacks, is refused (400) before anything is written. Resolves with the final
   * counts when the stream ends; a failing stream or database marks the import failed and rejects.
   */
  async importAccounts(input: AccountImportInput, by: Administrator, ctx: Ctx): Promise<AccountImportRecord> {
    const mapping = Object.fromEntries(
      Object.entries(input.mapping).filter(([, c]) => c !== undefined && c !== ''),
    ) as AccountImportMapping
    let rows: Awaited<ReturnType<typeof openAccountRows>>
    try {
      if (!mapping.username || !mapping.email || !mapping.password_hash)
        throw new AppError('invalid_request', { detail: 'Map username, email and password_hash to columns' })
      if (!mapping.password_format && !input.hashFormat)
        throw new AppError('invalid_request', {
          detail: "Name the hashes' format: map password_format to a column or give one for the whole file",
        })
      rows = await openAccountRows(input.format, input.input, mapping)
    } catch (e) {
      input.input.resume()
      throw e
    }
    const now = this.deps.now()
    const record: AccountImportRecord = {
      id: newId(),
      status: 'running',
      sourceName: input.sourceName.slice(0, 256),
      format: input.format,
      mapping,
      rowsRead: 0,
      rowsCreated: 0,
      rowsPresent: 0,
      rowsBad: 0,
      problems: [],
      error: null,
      createdBy: by.actor,
      startedAt: now,
      heartbeatAt: now,
      finishedAt: null,
    }
    await this.deps.repo.createImport(record)
    await this.deps.audit.record(by.actor, ctx, 'account.import', `account_import:${record.id}`, {
      ...auditDetails(record, 'running', record),
    })
    const run = new AccountImportRun(
      {
        repo: this.deps.repo,
        hasher: this.deps.hasher,
        sealTotp: this.deps.sealTotp,
        now: this.deps.now,
        batchSize: this.deps.batchSize ?? ACCOUNT_IMPORT_BATCH_ROWS,
        rules: { rank: by.rank, hashFormat: input.hashFormat, hashParams: input.hashParams },
        onProgress: input.onProgress,
      },
      record.id,
    )
    try {
      await run.run(rows, () => input.input.resume())
    } catch (e) {
      const error = isAppError(e) ? e.message : 'the import stopped: the data could not be read or stored'
      await this.#finish(record, 'failed', run, error, by, ctx)
      throw e
    }
    return this.#finish(record, 'completed', run, null, by, ctx)
  }

  async #finish(
    record: AccountImportRecord,
    status: 'completed' | 'failed',
    run: { counts: AccountImportCounts; problems: AccountImportProblem[] },
    error: string | null,
    by: Administrator,
    ctx: Ctx,
  ): Promise<AccountImportRecord> {
    const at = this.deps.now()
    const { counts, problems } = run
    await this.deps.repo.finishImport(record.id, { status, counts, problems, error, at })
    await this.deps.audit.record(
      by.actor,
      ctx,
      'account.import',
      `account_import:${record.id}`,
      auditDetails(record, status, counts),
    )
    return { ...record, ...counts, status, problems: [...problems], error, finishedAt: at, heartbeatAt: at }
  }

  /**
   * Marks interrupted the imports whose process died while running them (no heartbeat for
   * ACCOUNT_IMPORT_STALE_MS), each audited (actor `system`). The accounts they wrote stay; importing
   * the file again resumes. Returns how many.
   */
  async sweepInterrupted(): Promise<number> {
    const now = this.deps.now()
    const stopped = await this.deps.repo.interruptStale(now - ACCOUNT_IMPORT_STALE_MS, now, INTERRUPTED)
    for (const r of stopped) {
      await this.deps.audit.record(
        'system',
        { ip: null, requestId: null },
        'account.import',
        `account_import:${r.id}`,
        { ...auditDetails(r, 'interrupted', r), reason: 'interrupted' },
      )
    }
    return stopped.length
  }
}
