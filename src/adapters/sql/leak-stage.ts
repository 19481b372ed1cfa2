import { type Kysely, sql } from 'kysely'
import {
  EXPOSED_FIELDS,
  type ExposedField,
  type ExposureDelta,
  LEAK_KEYS,
  type LeakKey,
  type LeakStage,
  type StagedLeakRow,
} from '../../modules/incidents/ports.js'
import type { SqlDatabase } from './database.js'
import type { Dialect } from './dialect.js'
import type { Database } from './schema.js'

/*
 * A leak import matched row by row probes the accounts' username and email indexes at random: at
 * 17.5 million accounts they outgrow the shared buffers, and each batch's probes land on pages read
 * from the page cache or the disk, as do its exposures' writes. Staged, the rows are matched in each
 * key's order: the probes of one chunk fall on neighbouring index pages, each page is read once for
 * the whole leak, and the exposures are written in account order. A stage is two tables of the
 * import's own (unlogged on PostgreSQL: they are dropped when the import ends, and a crash leaves
 * nothing worth keeping): its rows, and the rows' matches ("hits").
 */

/** The accounts' column that each key is matched against. */
const ACCOUNT_COLUMN: Record<LeakKey, string> = { username: 'username', email: 'email_norm', phone: 'phone' }

const STAGE_PREFIX = 'leak_rows_'
const HITS_PREFIX = 'leak_hits_'

/** The hexadecimal of an import id (a UUID), which names its stage's tables. */
const stageHex = (importId: string): string => {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(importId))
    throw new Error('a leak stage is named by its import id, a lowercase UUID')
  return importId.replaceAll('-', '')
}
const importIdOf = (hex: string): string =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`

/** `max(bits & 1) | max(bits & 2) | …`: the union of the rows' fields, in SQL both databases run. */
const BITS_UNION = sql.raw(EXPOSED_FIELDS.map((_, i) => `max(bits & ${1 << i})`).join(' | '))

/** The staged keys after `after` (null: from the first) through `through` (null: to the last). */
const keyRange = (column: ReturnType<typeof sql.ref>, after: string | null, through: string | null) =>
  sql.join(
    [
      after === null ? sql`${column} is not null` : sql`${column} > ${after}`,
      ...(through === null ? [] : [sql`${column} <= ${through}`]),
    ],
    sql` and `,
  )

const bitFields = (bits: number): ExposedField[] => EXPOSED_FIELDS.filter((_, i) => bits & (1 << i))

export class SqlLeakStage implements LeakStage {
  #next = 0
  readonly #keys = new Set<LeakKey>()
  readonly #rows: ReturnType<typeof sql.table>
  readonly #hits: ReturnType<typeof sql.table>

  private constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
    private readonly maintain: SqlDatabase['maintain'],
    private readonly names: { rows: string; hits: string },
  ) {
    this.#rows = sql.table(names.rows)
    this.#hits = sql.table(names.hits)
  }

  static async create(
    db: Kysely<Database>,
    dialect: Dialect,
    maintain: SqlDatabase['maintain'],
    importId: string,
  ): Promise<SqlLeakStage> {
    const hex = stageHex(importId)
    const stage = new SqlLeakStage(db, dialect, maintain, {
      rows: STAGE_PREFIX + hex,
      hits: HITS_PREFIX + hex,
    })
    const pg = dialect.name === 'postgres'
    // Compared byte by byte, as the accounts' usernames and email lookup forms are (migration 0034).
    const key = sql.raw(pg ? 'text collate "C"' : 'text')
    const unlogged = sql.raw(pg ? 'unlogged' : '')
    await sql`create ${unlogged} table ${stage.#rows} (
      row_no integer not null, username ${key}, email ${key}, phone text, bits integer not null)`.execute(db)
    await sql`create ${unlogged} table ${stage.#hits} (
      account_id text not null, row_no integer not null, bits integer not null)`.execute(db)
    return stage
  }

  async add(rows: StagedLeakRow[]): Promise<void> {
    if (rows.length === 0) return
    const first = this.#next
    this.#next += rows.length
    for (const r of rows) {
      if (r.username !== null) this.#keys.add('username')
      if (r.email !== null) this.#keys.add('email')
      if (r.phone !== null) this.#keys.add('phone')
    }
    if (this.dialect.name === 'postgres') {
      await sql`insert into ${this.#rows} (row_no, username, email, phone, bits)
        select t.n, t.u, t.e, t.p, t.b from unnest(
          ${rows.map((_, i) => first + i)}::integer[], ${rows.map((r) => r.username)}::text[],
          ${rows.map((r) => r.email)}::text[], ${rows.map((r) => r.phone)}::text[],
          ${rows.map((r) => r.bits)}::integer[]) as t(n, u, e, p, b)`.execute(this.db)
      return
    }
    const json = JSON.stringify(rows.map((r, i) => [first + i, r.username, r.email, r.phone, r.bits]))
    await sql`insert into ${this.#rows} (row_no, username, email, phone, bits)
      select j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4
        from json_each(${json}) as j`.execute(this.db)
  }

  /** Indexes each key present with the row's number and fields beside it (see #index). */
  async sealRows(): Promise<LeakKey[]> {
    const keys = LEAK_KEYS.filter((k) => this.#keys.has(k))
    await this.#index(
      this.names.rows,
      keys.map(
        (k) =>
          `create index ${this.names.rows}_${k} on ${this.names.rows} (${k}, row_no, bits) where ${k} is not null`,
      ),
    )
    return keys
  }

  async chunkEnd(key: LeakKey, after: string | null, limit: number): Promise<string | null> {
    const column = sql.ref(key)
    const bound = await sql<{ k: string }>`select ${column} as k from ${this.#rows}
      where ${keyRange(column, after, null)} order by ${column} limit 1 offset ${limit - 1}`.execute(this.db)
    return bound.rows[0]?.k ?? null
  }

  async match(key: LeakKey, after: string | null, through: string | null): Promise<number[]> {
    const staged = sql.ref(`s.${key}`)
    const account = sql.ref(`a.${ACCOUNT_COLUMN[key]}`)
    const verified = key === 'phone' ? sql` and a.phone_verified_at is not null` : sql``
    // One account at most per key (each is unique): looked up per row, in key order.
    const hits = await sql<{ row_no: number }>`insert into ${this.#hits} (account_id, row_no, bits)
      select m.account_id, m.row_no, m.bits from (
        select (select a.id from accounts a where ${account} = ${staged}${verified}) as account_id,
          s.row_no, s.bits
        from ${this.#rows} s where ${keyRange(staged, after, through)}) as m
      where m.account_id is not null
      returning row_no`.execute(this.db)
    return hits.rows.map((r) => Number(r.row_no))
  }

  async sealHits(): Promise<void> {
    await this.#index(this.names.hits, [
      `create index ${this.names.hits}_account on ${this.names.hits} (account_id, row_no, bits)`,
    ])
  }

  async exposures(after: string | null, limit: number): Promise<ExposureDelta[]> {
    const from = after === null ? sql`true` : sql`account_id > ${after}`
    const rows = await sql<{ account_id: string; bits: number; n: number }>`
      select account_id, ${BITS_UNION} as bits, count(distinct row_no) as n from ${this.#hits}
      where ${from} group by account_id order by account_id limit ${limit}`.execute(this.db)
    return rows.rows.map((r) => ({
      accountId: r.account_id,
      fields: bitFields(Number(r.bits)),
      rows: Number(r.n),
    }))
  }

  /**
   * Builds a table's indexes, which carry what a walk reads so that it reads the index alone. On
   * PostgreSQL on a connection of its own (an index over millions of rows takes longer than a
   * statement may), then the table is vacuumed (an index-only read needs its visibility map) and
   * analysed.
   */
  async #index(table: string, indexes: string[]): Promise<void> {
    if (this.dialect.name !== 'postgres') {
      for (const statement of indexes) await sql.raw(statement).execute(this.db)
      return
    }
    for (const statement of indexes) await this.maintain(statement)
    await this.maintain(`vacuum (analyze) ${table}`)
  }
}

/** The stage tables there are, by the import id that names them. */
export const stagedImports = async (db: Kysely<Database>, dialect: Dialect): Promise<string[]> => {
  const pattern = `${STAGE_PREFIX}%`
  const rows =
    dialect.name === 'postgres'
      ? await sql<{ name: string }>`select tablename as name from pg_tables
          where schemaname = current_schema() and tablename like ${pattern}`.execute(db)
      : await sql<{ name: string }>`select name from sqlite_master
          where type = 'table' and name like ${pattern}`.execute(db)
  return rows.rows
    .map((r) => r.name.slice(STAGE_PREFIX.length))
    .filter((hex) => /^[0-9a-f]{32}$/.test(hex))
    .map(importIdOf)
}

export const dropLeakStage = async (db: Kysely<Database>, importId: string): Promise<void> => {
  const hex = stageHex(importId)
  await sql`drop table if exists ${sql.table(STAGE_PREFIX + hex)}`.execute(db)
  await sql`drop table if exists ${sql.table(HITS_PREFIX + hex)}`.execute(db)
}
