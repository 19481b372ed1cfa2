import { type Kysely, type Selectable, sql } from 'kysely'
import { entryHash, GENESIS, type StoredAuditEntry } from '../../modules/audit/chain.js'
import type { AuditLog, NewAuditEntry } from '../../modules/audit/ports.js'
import type { Dialect } from './dialect.js'
import type { AuditLogTable, Database } from './schema.js'

const toEntry = (r: Selectable<AuditLogTable>): StoredAuditEntry => ({
  seq: Number(r.seq),
  at: Number(r.at),
  actor: r.actor,
  actorIp: r.actor_ip,
  requestId: r.request_id,
  action: r.action,
  target: r.target,
  details: JSON.parse(r.details) as Record<string, unknown>,
  previousHash: r.previous_hash,
  hash: r.hash,
})

/** What an entry concerns: its target, and `<kind>:<id>` for each string or number `<kind>_id` in its details. */
const refsOf = (e: NewAuditEntry): string[] => {
  const refs = new Set<string>()
  if (e.target) refs.add(e.target)
  for (const [key, value] of Object.entries(e.details)) {
    if (!key.endsWith('_id') || key.length <= 3) continue
    if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) {
      refs.add(`${key.slice(0, -3)}:${value}`)
    }
  }
  return [...refs].filter((r) => r.length <= 200)
}

/** Any 64-bit number will do: it names the lock that lets one appender at a time take the head. */
const HEAD_LOCK = 0x6761746568

export class SqlAuditLog implements AuditLog {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  /**
   * On a log over a transaction, the entry joins that transaction (and the head lock is held until it
   * ends): the change it records and the entry are kept or lost together.
   */
  async append(entry: NewAuditEntry): Promise<StoredAuditEntry> {
    const inTransaction = <T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> =>
      this.db.isTransaction ? fn(this.db) : this.db.transaction().execute(fn)
    return inTransaction(async (trx) => {
      // PostgreSQL: one appender at a time across instances (SQLite has one writer anyway).
      if (this.dialect.name === 'postgres') await sql`select pg_advisory_xact_lock(${HEAD_LOCK})`.execute(trx)
      // SQLite: take the write lock first (a write that changes nothing). A transaction that reads the
      // head first and then writes fails at once with SQLITE_BUSY when another process (a server
      // running a campaign, a CLI command) wrote in between; the busy timeout only covers the wait.
      else await sql`update audit_log set seq = seq where 1 = 0`.execute(trx)
      const head = await trx
        .selectFrom('audit_log')
        .select(['seq', 'hash'])
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirst()
      const fields = { ...entry, seq: head ? Number(head.seq) + 1 : 1 }
      const previousHash = head?.hash ?? GENESIS
      const stored: StoredAuditEntry = { ...fields, previousHash, hash: entryHash(previousHash, fields) }
      await trx
        .insertInto('audit_log')
        .values({
          seq: stored.seq,
          at: stored.at,
          actor: stored.actor,
          actor_ip: stored.actorIp,
          request_id: stored.requestId,
          action: stored.action,
          target: stored.target,
          details: JSON.stringify(stored.details),
          previous_hash: stored.previousHash,
          hash: stored.hash,
        })
        .execute()
      const refs = refsOf(stored)
      if (refs.length > 0) {
        await trx
          .insertInto('audit_refs')
          .values(refs.map((ref) => ({ ref, seq: stored.seq })))
          .execute()
      }
      return stored
    })
  }

  async readFrom(afterSeq: number, limit: number): Promise<StoredAuditEntry[]> {
    const rows = await this.db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>', afterSeq)
      .orderBy('seq', 'asc')
      .limit(limit)
      .execute()
    return rows.map(toEntry)
  }

  async list(limit: number, beforeSeq?: number): Promise<StoredAuditEntry[]> {
    let q = this.db.selectFrom('audit_log').selectAll()
    if (beforeSeq !== undefined) q = q.where('seq', '<', beforeSeq)
    return (await q.orderBy('seq', 'desc').limit(limit).execute()).map(toEntry)
  }

  async byRef(ref: string, limit: number): Promise<StoredAuditEntry[]> {
    const rows = await this.db
      .selectFrom('audit_refs')
      .innerJoin('audit_log', 'audit_log.seq', 'audit_refs.seq')
      .selectAll('audit_log')
      .where('audit_refs.ref', '=', ref)
      .orderBy('audit_refs.seq', 'asc')
      .limit(limit)
      .execute()
    return rows.map(toEntry)
  }

  async head(): Promise<StoredAuditEntry | null> {
    const row = await this.db
      .selectFrom('audit_log')
      .selectAll()
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst()
    return row ? toEntry(row) : null
  }
}
