import { type Kysely, type Selectable, type SqlBool, sql } from 'kysely'
import { newId } from '../../kernel/tokens.js'
import type {
  BudgetScope,
  Channel,
  ClaimedMessage,
  DeadLetterView,
  LedgerMessage,
  MessageKind,
  MessageLedger,
  OutboxQueue,
  TallyBucket,
  TallyScope,
} from '../../modules/mail/ports.js'
import type { Dialect } from './dialect.js'
import type { Database, OutboxTable } from './schema.js'

const toClaimed = (r: Selectable<OutboxTable>): ClaimedMessage => ({
  id: r.id,
  channel: r.channel as Channel,
  recipient: r.recipient,
  template: r.template,
  payload: JSON.parse(r.payload) as ClaimedMessage['payload'],
  accountId: r.account_id,
  attempts: r.attempts,
  createdAt: r.created_at,
  kind: r.kind as MessageKind | null,
  destination: r.destination,
  region: r.region,
  ...(r.dedupe_key ? { dedupeKey: r.dedupe_key } : {}),
})

/** The outbox row of a message the gate let through (or, for campaign notices, budgets at send time). */
export const outboxRow = (m: LedgerMessage, now: number, id = newId()) => ({
  id,
  channel: m.channel,
  recipient: m.recipient,
  template: m.template,
  payload: JSON.stringify(m.payload),
  account_id: m.accountId,
  dedupe_key: m.dedupeKey ?? null,
  kind: m.kind,
  destination: m.destination,
  region: m.region,
  status: 'queued',
  attempts: 0,
  next_attempt_at: now,
  locked_until: null,
  last_error: null,
  created_at: now,
  sent_at: null,
})

/** Outbox rows per INSERT (`insertMany`, campaign notices): 17 parameters each stays far below SQLite's and PostgreSQL's limits. */
export const OUTBOX_ROWS_PER_INSERT = 500

/** The states in which a message counts against a budget. */
const COUNTED = ['queued', 'processing', 'sent']

const scopeFilter = (scope: TallyScope) =>
  'destination' in scope
    ? sql<SqlBool>`destination = ${scope.destination}`
    : 'accountId' in scope
      ? sql<SqlBool>`account_id = ${scope.accountId}`
      : sql<SqlBool>`channel = ${scope.channel}`

const bucketFilter = (b: TallyBucket, time: 'created_at' | 'sent_at') =>
  sql.join(
    [
      sql`${sql.ref(time)} >= ${b.since}`,
      ...(b.kind ? [sql`kind = ${b.kind}`] : []),
      ...(b.region ? [sql`region = ${b.region}`] : []),
    ],
    sql` and `,
  )

/** Sent messages may have been queued well before their window: how far back a delivered tally looks. */
const QUEUED_BEFORE_SENT_MS = 3 * 24 * 3600 * 1000

/**
 * The outbox table as the outbound gate's ledger (src/modules/mail/gate.ts). On PostgreSQL,
 * `exclusive` takes transaction-scoped advisory locks (in key order, so that two callers never
 * wait on each other crosswise); on SQLite a transaction already has the database to itself.
 */
export class SqlMessageLedger implements MessageLedger {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  async exclusive<T>(keys: string[], fn: (ledger: MessageLedger) => Promise<T>): Promise<T> {
    const run = async (db: Kysely<Database>) => {
      if (this.dialect.name === 'postgres') {
        for (const key of [...new Set(keys)].sort()) {
          await sql`select pg_advisory_xact_lock(hashtextextended(${`gatehouse:outbound:${key}`}, 0))`.execute(
            db,
          )
        }
      }
      return fn(new SqlMessageLedger(db, this.dialect))
    }
    return this.db.isTransaction ? run(this.db) : this.db.transaction().execute(run)
  }

  async hasDedupeKey(key: string): Promise<boolean> {
    const r = await this.db.selectFrom('outbox').select('id').where('dedupe_key', '=', key).executeTakeFirst()
    return r !== undefined
  }

  async tally(scope: TallyScope, buckets: TallyBucket[]): Promise<number[]> {
    if (buckets.length === 0) return []
    const since = Math.min(...buckets.map((b) => b.since))
    const sums = buckets.map((b, i) =>
      sql<number>`sum(case when ${bucketFilter(b, 'created_at')} then 1 else 0 end)`.as(`c${i}`),
    )
    const r = await this.db
      .selectFrom('outbox')
      .select(sums)
      .where(scopeFilter(scope))
      .where('created_at', '>=', since)
      .where('status', 'in', COUNTED)
      .executeTakeFirst()
    const row = (r ?? {}) as Record<string, unknown>
    return buckets.map((_, i) => Number(row[`c${i}`] ?? 0))
  }

  async tallyDelivered(
    scope: TallyScope,
    buckets: TallyBucket[],
    now: number,
    self: { id: string; createdAt: number },
  ): Promise<number[]> {
    if (buckets.length === 0) return []
    const since = Math.min(...buckets.map((b) => b.since))
    const earlier = sql`(created_at < ${self.createdAt} or (created_at = ${self.createdAt} and id < ${self.id}))`
    const inFlight = sql`status = 'processing' and locked_until > ${now} and ${earlier}`
    const sums = buckets.map((b, i) =>
      sql<number>`sum(case when (${inFlight}${b.kind ? sql` and kind = ${b.kind}` : sql``}${b.region ? sql` and region = ${b.region}` : sql``}) or (status = 'sent' and ${bucketFilter(b, 'sent_at')}) then 1 else 0 end)`.as(
        `c${i}`,
      ),
    )
    const r = await this.db
      .selectFrom('outbox')
      .select(sums)
      .where(scopeFilter(scope))
      .where('created_at', '>=', since - QUEUED_BEFORE_SENT_MS)
      .where('id', '!=', self.id)
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'sent'), eb('sent_at', '>=', since)]),
          eb.and([eb('status', '=', 'processing'), eb('locked_until', '>', now)]),
        ]),
      )
      .executeTakeFirst()
    const row = (r ?? {}) as Record<string, unknown>
    return buckets.map((_, i) => Number(row[`c${i}`] ?? 0))
  }

  async insert(m: LedgerMessage, now: number): Promise<boolean> {
    const row = await this.db
      .insertInto('outbox')
      .values(outboxRow(m, now))
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .returning('id')
      .executeTakeFirst()
    return row !== undefined
  }

  async insertMany(messages: readonly LedgerMessage[], now: number): Promise<number> {
    let queued = 0
    for (let i = 0; i < messages.length; i += OUTBOX_ROWS_PER_INSERT) {
      const rows = await this.db
        .insertInto('outbox')
        .values(messages.slice(i, i + OUTBOX_ROWS_PER_INSERT).map((m) => outboxRow(m, now)))
        .onConflict((oc) => oc.column('dedupe_key').doNothing())
        .returning('id')
        .execute()
      queued += rows.length
    }
    return queued
  }
}

/** Worker side of the outbox. */
export class SqlOutboxQueue implements OutboxQueue {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  async claim(limit: number, now: number, leaseMs: number): Promise<ClaimedMessage[]> {
    const due = this.db
      .selectFrom('outbox')
      .select('id')
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'queued'), eb('next_attempt_at', '<=', now)]),
          eb.and([eb('status', '=', 'processing'), eb('locked_until', '<=', now)]),
        ]),
      )
      .orderBy('next_attempt_at')
      .limit(limit)
    const rows = await this.db
      .updateTable('outbox')
      .set((eb) => ({
        status: 'processing',
        locked_until: now + leaseMs,
        attempts: eb('attempts', '+', 1),
      }))
      .where('id', 'in', this.dialect.skipLocked ? due.modifyEnd(sql`for update skip locked`) : due)
      .returningAll()
      .execute()
    return rows.map(toClaimed).sort((a, b) => a.createdAt - b.createdAt)
  }

  async markSent(id: string, now: number): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({ status: 'sent', sent_at: now, locked_until: null, payload: '{}', last_error: null })
      .where('id', '=', id)
      .execute()
  }

  async retryLater(id: string, _attempts: number, nextAttemptAt: number, error: string): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({
        status: 'queued',
        next_attempt_at: nextAttemptAt,
        locked_until: null,
        last_error: error.slice(0, 500),
      })
      .where('id', '=', id)
      .execute()
  }

  async abandon(id: string, _attempts: number, error: string, now: number): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({
        status: 'abandoned',
        locked_until: null,
        last_error: error.slice(0, 500),
        payload: '{}',
        next_attempt_at: now,
      })
      .where('id', '=', id)
      .execute()
  }

  async deadLetter(id: string, attempts: number, error: string, now: number): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({
        status: 'dead',
        attempts,
        locked_until: null,
        last_error: error.slice(0, 500),
        next_attempt_at: now,
      })
      .where('id', '=', id)
      .execute()
  }

  async expire(id: string, _attempts: number, now: number): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({
        status: 'expired',
        locked_until: null,
        last_error: 'expired before it could be delivered',
        payload: '{}',
        next_attempt_at: now,
      })
      .where('id', '=', id)
      .execute()
  }

  async redrive(channel: Channel, now: number, recipient?: string): Promise<number> {
    let q = this.db
      .updateTable('outbox')
      .set({ next_attempt_at: now })
      .where('status', '=', 'queued')
      .where('channel', '=', channel)
      .where('attempts', '>', 0)
      .where('next_attempt_at', '>', now)
    if (recipient !== undefined) q = q.where('recipient', '=', recipient)
    const r = await q.executeTakeFirst()
    return Number(r.numUpdatedRows)
  }

  async listDead(limit: number, before?: { at: number; id: string }): Promise<DeadLetterView[]> {
    let q = this.db
      .selectFrom('outbox')
      .select([
        'id',
        'channel',
        'template',
        'account_id',
        'attempts',
        'last_error',
        'created_at',
        'next_attempt_at',
      ])
      .where('status', '=', 'dead')
    if (before) {
      q = q.where((eb) =>
        eb.or([
          eb('next_attempt_at', '<', before.at),
          eb.and([eb('next_attempt_at', '=', before.at), eb('id', '<', before.id)]),
        ]),
      )
    }
    const rows = await q.orderBy('next_attempt_at', 'desc').orderBy('id', 'desc').limit(limit).execute()
    return rows.map((r) => ({
      id: r.id,
      channel: r.channel as Channel,
      template: r.template,
      accountId: r.account_id,
      attempts: r.attempts,
      lastError: r.last_error,
      createdAt: r.created_at,
      deadAt: r.next_attempt_at,
    }))
  }

  async retryDead(ids: readonly string[] | 'all', now: number): Promise<number> {
    if (ids !== 'all' && ids.length === 0) return 0
    let q = this.db
      .updateTable('outbox')
      .set({ status: 'queued', next_attempt_at: now, locked_until: null })
      .where('status', '=', 'dead')
    if (ids !== 'all') q = q.where('id', 'in', [...ids])
    const r = await q.executeTakeFirst()
    return Number(r.numUpdatedRows)
  }

  async suppress(id: string, budget: BudgetScope, now: number): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({
        status: 'suppressed',
        locked_until: null,
        last_error: `over the ${budget} budget`,
        payload: '{}',
        next_attempt_at: now,
      })
      .where('id', '=', id)
      .execute()
  }

  async release(ids: string[]): Promise<void> {
    if (ids.length === 0) return
    await this.db
      .updateTable('outbox')
      .set((eb) => ({ status: 'queued', locked_until: null, attempts: eb('attempts', '-', 1) }))
      .where('id', 'in', ids)
      .where('status', '=', 'processing')
      .execute()
  }

  async deleteFinishedBefore(cutoff: number): Promise<number> {
    const r = await this.db
      .deleteFrom('outbox')
      .where('status', 'in', ['sent', 'abandoned', 'suppressed', 'expired', 'dead'])
      .where('created_at', '<', cutoff)
      .executeTakeFirst()
    return Number(r.numDeletedRows)
  }

  async counts(): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom('outbox')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('status')
      .execute()
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]))
  }
}
