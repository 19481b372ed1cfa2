import { type Kysely, type Selectable, sql } from 'kysely'
import { newId } from '../../kernel/tokens.js'
import type {
  Channel,
  ClaimedMessage,
  Outbox,
  OutboxQueue,
  OutgoingMessage,
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
  ...(r.dedupe_key ? { dedupeKey: r.dedupe_key } : {}),
})

const rowOf = (m: OutgoingMessage, now: number) => ({
  id: newId(),
  channel: m.channel,
  recipient: m.recipient,
  template: m.template,
  payload: JSON.stringify(m.payload),
  account_id: m.accountId,
  dedupe_key: m.dedupeKey ?? null,
  status: 'queued',
  attempts: 0,
  next_attempt_at: now,
  locked_until: null,
  last_error: null,
  created_at: now,
  sent_at: null,
})

/** Rows per INSERT of `enqueueMany`: 14 parameters each stays far below SQLite's and PostgreSQL's limits. */
const ROWS_PER_INSERT = 500

/** Write side of the outbox: used inside the transaction of the change that causes the message. */
export class SqlOutbox implements Outbox {
  constructor(private readonly db: Kysely<Database>) {}

  async enqueue(m: OutgoingMessage, now: number): Promise<boolean> {
    const row = await this.db
      .insertInto('outbox')
      .values(rowOf(m, now))
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .returning('id')
      .executeTakeFirst()
    return row !== undefined
  }

  async enqueueMany(messages: readonly OutgoingMessage[], now: number): Promise<number> {
    let queued = 0
    for (let i = 0; i < messages.length; i += ROWS_PER_INSERT) {
      const rows = await this.db
        .insertInto('outbox')
        .values(messages.slice(i, i + ROWS_PER_INSERT).map((m) => rowOf(m, now)))
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
      .where('status', 'in', ['sent', 'abandoned'])
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
