import { type Kysely, type Selectable, sql } from 'kysely'
import { subnetOf } from '../../kernel/net.js'
import type {
  EventFilter,
  SecurityEvent,
  SecurityEventLog,
  StoredSecurityEvent,
} from '../../modules/events/ports.js'
import type { SecurityEventType } from '../../modules/events/vocabulary.js'
import type { Dialect } from './dialect.js'
import type { Database, SecurityEventsTable } from './schema.js'
import { statement } from './statement.js'

const toStored = (r: Selectable<SecurityEventsTable>): StoredSecurityEvent => ({
  id: Number(r.id),
  type: r.type as SecurityEventType,
  accountId: r.account_id,
  subnet: r.subnet,
  context: {
    ip: r.ip,
    userAgent: r.user_agent,
    clientVersion: r.client_version,
    requestId: r.request_id,
  },
  details: JSON.parse(r.details) as Record<string, unknown>,
  at: r.created_at,
})

/** Most requests that change something record an event: compiled once. */
const append = statement(
  (
    db,
    v: {
      type: string
      accountId: string | null
      ip: string | null
      subnet: string | null
      userAgent: string | null
      clientVersion: string | null
      requestId: string | null
      details: string
      at: number
    },
  ) =>
    db.insertInto('security_events').values({
      type: v.type,
      account_id: v.accountId,
      ip: v.ip,
      subnet: v.subnet,
      user_agent: v.userAgent,
      client_version: v.clientVersion,
      request_id: v.requestId,
      details: v.details,
      created_at: v.at,
    }),
)

/** Rows per INSERT of `appendMany`: 9 parameters each stays far below SQLite's and PostgreSQL's limits. */
const ROWS_PER_INSERT = 1000

/** The row of an event. `detailsText` is its details as JSON (given when already written). */
const rowOf = (e: SecurityEvent, detailsText: string) => ({
  type: e.type,
  account_id: e.accountId,
  ip: e.context.ip,
  subnet: subnetOf(e.context.ip),
  user_agent: e.context.userAgent?.slice(0, 512) ?? null,
  client_version: e.context.clientVersion?.slice(0, 64) ?? null,
  request_id: e.context.requestId,
  details: detailsText,
  created_at: e.at,
})

/** The columns of `rowOf`'s row, in the order the array insert binds them. */
const EVENT_COLUMNS = [
  'type',
  'account_id',
  'ip',
  'subnet',
  'user_agent',
  'client_version',
  'request_id',
  'details',
  'created_at',
] as const satisfies ReadonlyArray<keyof ReturnType<typeof rowOf>>

/**
 * The one place that writes `security_events` (a test keeps it so): everything recorded reaches
 * the log through the EventRecorder, which counts it and tells the webhooks.
 */
export class SqlSecurityEventLog implements SecurityEventLog {
  readonly afterCommit?: (fn: () => void) => void

  /**
   * `afterCommit`: given for the log of a transaction (see SecurityEventLog). `dialect`: where it
   * takes array parameters, `appendMany` binds one array per column instead of a parameter per value.
   */
  constructor(
    private readonly db: Kysely<Database>,
    afterCommit?: (fn: () => void) => void,
    private readonly dialect?: Dialect,
  ) {
    if (afterCommit) this.afterCommit = afterCommit
  }

  async append(e: SecurityEvent): Promise<void> {
    await append.run(this.db, {
      type: e.type,
      accountId: e.accountId,
      ip: e.context.ip,
      subnet: subnetOf(e.context.ip),
      userAgent: e.context.userAgent?.slice(0, 512) ?? null,
      clientVersion: e.context.clientVersion?.slice(0, 64) ?? null,
      requestId: e.context.requestId,
      details: JSON.stringify(e.details),
      at: e.at,
    })
  }

  async appendMany(events: readonly SecurityEvent[]): Promise<void> {
    // Events of one batch usually share their details object: written to JSON once.
    const written = new Map<object, string>()
    const json = (d: Record<string, unknown>) => {
      let text = written.get(d)
      if (text === undefined) {
        text = JSON.stringify(d)
        written.set(d, text)
      }
      return text
    }
    if (this.dialect?.arrayParameters) return this.#appendColumns(events, json)
    for (let i = 0; i < events.length; i += ROWS_PER_INSERT) {
      const rows = events.slice(i, i + ROWS_PER_INSERT).map((e) => rowOf(e, json(e.details)))
      await this.db.insertInto('security_events').values(rows).execute()
    }
  }

  /**
   * PostgreSQL: `INSERT … SELECT … FROM unnest(…)`, nine array parameters for a whole batch. The
   * rows are inserted in the arrays' order (`with ordinality`), so ids grow in the order given.
   */
  async #appendColumns(events: readonly SecurityEvent[], json: (d: Record<string, unknown>) => string) {
    const rows = events.map((e) => rowOf(e, json(e.details)))
    const column = <K extends keyof (typeof rows)[number]>(k: K) => rows.map((r) => r[k])
    await this.db
      .insertInto('security_events')
      .columns([...EVENT_COLUMNS])
      .expression(
        sql`select ${sql.join(EVENT_COLUMNS.map((k) => sql.ref(k)))} from unnest(${sql.join(
          EVENT_COLUMNS.map(
            (k) => sql`cast(${column(k)} as ${sql.raw(k === 'created_at' ? 'bigint[]' : 'text[]')})`,
          ),
        )}) with ordinality as u(${sql.join(EVENT_COLUMNS.map((k) => sql.ref(k)))}, n) order by n`,
      )
      .execute()
  }

  async listForAccount(accountId: string, limit: number, beforeId?: number): Promise<StoredSecurityEvent[]> {
    let q = this.db.selectFrom('security_events').selectAll().where('account_id', '=', accountId)
    if (beforeId !== undefined) q = q.where('id', '<', beforeId)
    // Ids grow with every append: newest first, and a stable cursor.
    const rows = await q.orderBy('id', 'desc').limit(limit).execute()
    return rows.map(toStored)
  }

  async deleteBefore(cutoff: number): Promise<number> {
    const r = await this.db.deleteFrom('security_events').where('created_at', '<', cutoff).executeTakeFirst()
    return Number(r.numDeletedRows)
  }

  async search(filter: EventFilter, limit: number, beforeId?: number): Promise<StoredSecurityEvent[]> {
    let q = this.db.selectFrom('security_events').selectAll()
    if (filter.type !== undefined) q = q.where('type', '=', filter.type)
    if (filter.accountId !== undefined) q = q.where('account_id', '=', filter.accountId)
    if (filter.ip !== undefined) q = q.where('ip', '=', filter.ip)
    if (filter.since !== undefined) q = q.where('created_at', '>=', filter.since)
    if (filter.until !== undefined) q = q.where('created_at', '<', filter.until)
    if (beforeId !== undefined) q = q.where('id', '<', beforeId)
    const rows = await q.orderBy('id', 'desc').limit(limit).execute()
    return rows.map(toStored)
  }
}
