import { type Kysely, type Selectable, sql } from 'kysely'
import { isLocale } from '../../kernel/locale.js'
import type { RequestContext } from '../../modules/events/ports.js'
import type {
  DueDigest,
  RecoveryChannel,
  RecoveryLedger,
  RecoveryOutcome,
  RecoveryRequest,
  RecoveryRequestQueue,
} from '../../modules/recovery/ports.js'
import type { Dialect } from './dialect.js'
import type { Database, RecoveryRequestsTable } from './schema.js'

const toRequest = (r: Selectable<RecoveryRequestsTable>): RecoveryRequest => {
  const context: RequestContext = {
    ip: r.ip,
    userAgent: r.user_agent,
    clientVersion: r.client_version,
    requestId: r.request_id,
    locale: isLocale(r.locale) ? r.locale : null,
  }
  return {
    id: r.id,
    identifier: r.identifier,
    channel: r.channel as RecoveryChannel,
    mfaCode: r.mfa_code,
    context,
    createdAt: r.created_at,
  }
}

export class SqlRecoveryRequestQueue implements RecoveryRequestQueue {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  async enqueue(r: RecoveryRequest): Promise<void> {
    await this.db
      .insertInto('recovery_requests')
      .values({
        id: r.id,
        identifier: r.identifier,
        channel: r.channel,
        mfa_code: r.mfaCode,
        ip: r.context.ip,
        user_agent: r.context.userAgent,
        client_version: r.context.clientVersion,
        request_id: r.context.requestId,
        locale: r.context.locale ?? null,
        status: 'pending',
        outcome: null,
        locked_until: null,
        created_at: r.createdAt,
        processed_at: null,
      })
      .execute()
  }

  async claim(limit: number, now: number, leaseMs: number): Promise<RecoveryRequest[]> {
    const due = this.db
      .selectFrom('recovery_requests')
      .select('id')
      .where((eb) =>
        eb.or([
          eb('status', '=', 'pending'),
          eb.and([eb('status', '=', 'processing'), eb('locked_until', '<=', now)]),
        ]),
      )
      .orderBy('created_at')
      .limit(limit)
    const rows = await this.db
      .updateTable('recovery_requests')
      .set({ status: 'processing', locked_until: now + leaseMs })
      .where('id', 'in', this.dialect.skipLocked ? due.modifyEnd(sql`for update skip locked`) : due)
      .returningAll()
      .execute()
    return rows.map(toRequest).sort((a, b) => a.createdAt - b.createdAt)
  }

  async finish(id: string, outcome: RecoveryOutcome, now: number): Promise<void> {
    await this.db
      .updateTable('recovery_requests')
      .set({ status: 'done', outcome, processed_at: now, identifier: '', mfa_code: null, locked_until: null })
      .where('id', '=', id)
      .execute()
  }

  async release(ids: string[]): Promise<void> {
    if (ids.length === 0) return
    await this.db
      .updateTable('recovery_requests')
      .set({ status: 'pending', locked_until: null })
      .where('id', 'in', ids)
      .where('status', '=', 'processing')
      .execute()
  }

  async deleteHandledBefore(cutoff: number): Promise<number> {
    const r = await this.db
      .deleteFrom('recovery_requests')
      .where('status', '=', 'done')
      .where('processed_at', '<', cutoff)
      .executeTakeFirst()
    return Number(r.numDeletedRows)
  }
}

export class SqlRecoveryLedger implements RecoveryLedger {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  async lockAccount(accountId: string): Promise<void> {
    if (this.dialect.name !== 'postgres') return
    await this.db.selectFrom('accounts').select('id').where('id', '=', accountId).forUpdate().execute()
  }

  async recordSuppression(accountId: string, day: string, sendAfter: number): Promise<void> {
    await this.db
      .insertInto('recovery_digests')
      .values({ account_id: accountId, day, suppressed: 1, send_after: sendAfter, sent_at: null })
      .onConflict((oc) =>
        oc.columns(['account_id', 'day']).doUpdateSet((eb) => ({
          suppressed: eb('recovery_digests.suppressed', '+', 1),
        })),
      )
      .execute()
  }

  async dueDigests(now: number, limit: number): Promise<DueDigest[]> {
    const rows = await this.db
      .selectFrom('recovery_digests')
      .select(['account_id', 'day', 'suppressed'])
      .where('sent_at', 'is', null)
      .where('send_after', '<=', now)
      .orderBy('send_after')
      .limit(limit)
      .execute()
    return rows.map((r) => ({ accountId: r.account_id, day: r.day, suppressed: r.suppressed }))
  }

  async markDigestSent(accountId: string, day: string, now: number): Promise<boolean> {
    const r = await this.db
      .updateTable('recovery_digests')
      .set({ sent_at: now })
      .where('account_id', '=', accountId)
      .where('day', '=', day)
      .where('sent_at', 'is', null)
      .executeTakeFirst()
    return Number(r.numUpdatedRows) > 0
  }
}
