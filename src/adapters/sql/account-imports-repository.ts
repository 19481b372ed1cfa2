import { randomUUID } from 'node:crypto'
import { type Kysely, type RawBuilder, type Selectable, sql } from 'kysely'
import type {
  AccountImportCounts,
  AccountImportFormat,
  AccountImportMapping,
  AccountImportProblem,
  AccountImportRecord,
  AccountImportRepository,
  ExistingIdentifiers,
  ImportedAccount,
} from '../../modules/admin/imports/ports.js'
import type { SqlDatabase } from './database.js'
import type { Dialect } from './dialect.js'
import type { AccountImportsTable, Database } from './schema.js'

const toRecord = (r: Selectable<AccountImportsTable>): AccountImportRecord => ({
  id: r.id,
  status: r.status as AccountImportRecord['status'],
  sourceName: r.source_name,
  format: r.format as AccountImportFormat,
  mapping: JSON.parse(r.mapping) as AccountImportMapping,
  rowsRead: Number(r.rows_read),
  rowsCreated: Number(r.rows_created),
  rowsPresent: Number(r.rows_present),
  rowsBad: Number(r.rows_bad),
  problems: JSON.parse(r.problems) as AccountImportProblem[],
  error: r.error,
  createdBy: r.created_by,
  startedAt: Number(r.started_at),
  heartbeatAt: Number(r.heartbeat_at),
  finishedAt: r.finished_at === null ? null : Number(r.finished_at),
})

const countColumns = (c: AccountImportCounts) => ({
  rows_read: c.rowsRead,
  rows_created: c.rowsCreated,
  rows_present: c.rowsPresent,
  rows_bad: c.rowsBad,
})

/** Smallest half of a batch written apart (smaller batches are written by one transaction). */
const MIN_HALF = 500

/**
 * Times a batch is written again after PostgreSQL broke a deadlock by rolling it back. An insert
 * that meets a row another transaction is writing waits for that one's commit to know whether the
 * row is kept; two batches written at the same time whose rows collide on different identifiers
 * (the username of one row, the email of another) can each wait for the other. The batch written
 * again finds the other's accounts there and leaves them out.
 */
const DEADLOCK_RETRIES = 5

const isDeadlock = (e: unknown): boolean => (e as { code?: unknown } | null)?.code === '40P01'

/** The columns an imported account is written with, in the order of the insert below. */
const ACCOUNT_COLUMNS = [
  ['id', 'text'],
  ['external_id', 'text'],
  ['username', 'text'],
  ['email', 'text'],
  ['email_norm', 'text'],
  ['email_verified_at', 'bigint'],
  ['phone', 'text'],
  ['phone_verified_at', 'bigint'],
  ['role', 'text'],
  ['locale', 'text'],
  ['created_at', 'bigint'],
  ['password_hash', 'text'],
] as const

const accountValues = (a: ImportedAccount): Array<string | number | null> => [
  a.id,
  a.externalId,
  a.username,
  a.email,
  a.emailNorm,
  a.emailVerifiedAt,
  a.phone,
  a.phoneVerifiedAt,
  a.role,
  a.locale,
  a.createdAt,
  a.passwordHash,
]

/**
 * Account imports over SQL. Every statement takes its batch as one parameter per column (arrays on
 * PostgreSQL, one JSON document on SQLite): the SQL text stays the same whatever the batch, and no
 * batch runs into a limit on the number of parameters.
 */
export class SqlAccountImports implements AccountImportRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
    private readonly maintain: SqlDatabase['maintain'],
  ) {}

  afterBulkLoad(): Promise<void> {
    return this.maintain(this.dialect.name === 'postgres' ? 'vacuum (analyze) accounts' : 'pragma optimize')
  }

  async createImport(r: AccountImportRecord): Promise<void> {
    await this.db
      .insertInto('account_imports')
      .values({
        id: r.id,
        status: r.status,
        source_name: r.sourceName,
        format: r.format,
        mapping: JSON.stringify(r.mapping),
        ...countColumns(r),
        problems: JSON.stringify(r.problems),
        error: r.error,
        created_by: r.createdBy,
        started_at: r.startedAt,
        heartbeat_at: r.heartbeatAt,
        finished_at: r.finishedAt,
      })
      .execute()
  }

  async getImport(id: string): Promise<AccountImportRecord | null> {
    const r = await this.db.selectFrom('account_imports').selectAll().where('id', '=', id).executeTakeFirst()
    return r ? toRecord(r) : null
  }

  async listImports(limit: number): Promise<AccountImportRecord[]> {
    const rows = await this.db
      .selectFrom('account_imports')
      .selectAll()
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute()
    return rows.map(toRecord)
  }

  async updateImport(
    id: string,
    counts: AccountImportCounts,
    problems: AccountImportProblem[],
    at: number,
  ): Promise<void> {
    await this.db
      .updateTable('account_imports')
      .set({ ...countColumns(counts), problems: JSON.stringify(problems), heartbeat_at: at })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .execute()
  }

  async beatImport(id: string, at: number): Promise<void> {
    await this.db
      .updateTable('account_imports')
      .set({ heartbeat_at: at })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .execute()
  }

  async finishImport(
    id: string,
    o: {
      status: 'completed' | 'failed'
      counts: AccountImportCounts
      problems: AccountImportProblem[]
      error: string | null
      at: number
    },
  ): Promise<void> {
    await this.db
      .updateTable('account_imports')
      .set({
        status: o.status,
        ...countColumns(o.counts),
        problems: JSON.stringify(o.problems),
        error: o.error,
        heartbeat_at: o.at,
        finished_at: o.at,
      })
      .where('id', '=', id)
      .execute()
  }

  async interruptStale(staleBefore: number, at: number, error: string): Promise<AccountImportRecord[]> {
    const rows = await this.db
      .updateTable('account_imports')
      .set({ status: 'interrupted', error, finished_at: at })
      .where('status', '=', 'running')
      .where('heartbeat_at', '<', staleBefore)
      .returningAll()
      .execute()
    return rows.map(toRecord)
  }

  /** `column` is one of `values` (one parameter, whatever their number). */
  #among(column: string, values: string[]): RawBuilder<boolean> {
    return this.dialect.name === 'postgres'
      ? sql<boolean>`${sql.ref(column)} = any(${values}::text[])`
      : sql<boolean>`${sql.ref(column)} in (select value from json_each(${JSON.stringify(values)}))`
  }

  /**
   * One statement for every kind of identifier. On PostgreSQL it runs with sequential scans off:
   * the planner, misled by a table that grows under the import (statistics of the empty table),
   * would otherwise read the whole table once per batch instead of probing the indexes.
   */
  async lookup(
    o: { externalIds: string[]; usernames: string[]; emails: string[]; phones: string[] },
    now: number,
  ): Promise<ExistingIdentifiers> {
    const query = sql<{ k: string; v: string; id: string | null }>`
      select 'x' as k, external_id as v, id from accounts where ${this.#among('external_id', o.externalIds)}
      union all select 'u', username, id from accounts where ${this.#among('username', o.usernames)}
      union all select 'e', email_norm, id from accounts where ${this.#among('email_norm', o.emails)}
      union all select 'p', phone, id from accounts
        where ${this.#among('phone', o.phones)} and phone_verified_at is not null
      union all select 'r', username, null from username_reservations
        where ${this.#among('username', o.usernames)} and expires_at > ${now}`
    const rows =
      this.dialect.name === 'postgres'
        ? await this.db.transaction().execute(async (trx) => {
            await sql`set local enable_seqscan = off`.execute(trx)
            return (await query.execute(trx)).rows
          })
        : (await query.execute(this.db)).rows
    const found: ExistingIdentifiers = {
      externalIds: new Map(),
      usernames: new Map(),
      emails: new Map(),
      phones: new Map(),
      reserved: new Set(),
    }
    const maps = { x: found.externalIds, u: found.usernames, e: found.emails, p: found.phones }
    for (const r of rows) {
      if (r.k === 'r') found.reserved.add(r.v)
      else maps[r.k as keyof typeof maps].set(r.v, r.id!)
    }
    return found
  }

  /**
   * On PostgreSQL a batch is written by two transactions at once, each with half of it: the
   * database's work per row (the indexes) then uses two cores. The halves cannot wait on each
   * other: a batch holds no identifier twice. A crash between them leaves half a batch written,
   * which the next run of the file skips as present.
   */
  async insertAccounts(accounts: ImportedAccount[], now: number): Promise<Set<string>> {
    if (this.dialect.name !== 'postgres' || accounts.length < 2 * MIN_HALF) return this.#insert(accounts, now)
    const half = Math.ceil(accounts.length / 2)
    const [a, b] = await Promise.all([
      this.#insert(accounts.slice(0, half), now),
      this.#insert(accounts.slice(half), now),
    ])
    for (const id of b) a.add(id)
    return a
  }

  async #insert(accounts: ImportedAccount[], now: number): Promise<Set<string>> {
    if (accounts.length === 0) return new Set()
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#insertOnce(accounts, now)
      } catch (e) {
        if (!isDeadlock(e) || attempt > DEADLOCK_RETRIES) throw e
      }
    }
  }

  async #insertOnce(accounts: ImportedAccount[], now: number): Promise<Set<string>> {
    const names = sql.raw(ACCOUNT_COLUMNS.map(([c]) => c).join(', '))
    let source: RawBuilder<unknown>
    if (this.dialect.name === 'postgres') {
      const rows = accounts.map(accountValues)
      const arrays = ACCOUNT_COLUMNS.map(([, type], i) => sql`${rows.map((r) => r[i])}::${sql.raw(type)}[]`)
      // In the usernames' order: batches written at the same time that name the same accounts take
      // their rows' locks in one order, instead of each waiting for the other (a deadlock).
      source = sql`select ${names}, ${now}, ${now}, 0 from unnest(${sql.join(arrays)}) as t(${names})
        where not exists (select 1 from username_reservations r where r.username = t.username and r.expires_at > ${now})
        order by t.username collate "C"`
    } else {
      const picks = sql.raw(ACCOUNT_COLUMNS.map((_, i) => `j.value ->> ${i}`).join(', '))
      source = sql`select ${picks}, ${now}, ${now}, 0 from json_each(${JSON.stringify(accounts.map(accountValues))}) as j
        where not exists (select 1 from username_reservations r where r.username = j.value ->> 2 and r.expires_at > ${now})`
    }
    const factors = accounts.filter((a) => a.totpSealed !== null)
    return this.db.transaction().execute(async (trx) => {
      // A batch lost to a crash of the database server is written again by the next run of the
      // same file (it resumes): the import does not wait for each commit to reach the disk.
      if (this.dialect.name === 'postgres') await sql`set local synchronous_commit = off`.execute(trx)
      const inserted = await sql<{ id: string }>`
        insert into accounts (${names}, password_changed_at, updated_at, must_change_password)
        ${source}
        on conflict do nothing
        returning id`.execute(trx)
      const written = new Set(inserted.rows.map((r) => r.id))
      const sealed = factors.filter((a) => written.has(a.id))
      // Confirmed TOTP factors, 1,000 rows a statement (7 parameters each).
      for (let i = 0; i < sealed.length; i += 1000) {
        await trx
          .insertInto('mfa_factors')
          .values(
            sealed.slice(i, i + 1000).map((a) => ({
              id: randomUUID(),
              account_id: a.id,
              kind: 'totp',
              secret: a.totpSealed,
              last_used_step: null,
              confirmed_at: now,
              created_at: now,
            })),
          )
          .execute()
      }
      return written
    })
  }
}
