import { createHash } from 'node:crypto'
import { type Kysely, type Selectable, type SelectQueryBuilder, sql } from 'kysely'
import type { NewAuditEntry } from '../../modules/audit/ports.js'
import {
  BatchFailed,
  type BatchOutcome,
  type CampaignAction,
  type CampaignParams,
  type CampaignRecord,
  type CampaignRepository,
  type CampaignStatus,
  type DryRunCounts,
  type IncidentCampaignSummary,
  type NotifyParams,
  type Selector,
} from '../../modules/campaigns/ports.js'
import { type EventRecorder, noContext } from '../../modules/events/recorder.js'
import type { SecurityEventType } from '../../modules/events/vocabulary.js'
import { callingCodeOf, destinationOf } from '../../modules/mail/gate.js'
import { SqlAuditLog } from './audit-repository.js'
import type { Dialect } from './dialect.js'
import { SqlSecurityEventLog } from './events-repository.js'
import { outboxRow } from './outbox-repository.js'
import type { CampaignsTable, Database } from './schema.js'

const toRecord = (r: Selectable<CampaignsTable>): CampaignRecord => ({
  id: r.id,
  incidentId: r.incident_id,
  selector: JSON.parse(r.selector) as Selector,
  action: r.action as CampaignAction,
  params: JSON.parse(r.params) as CampaignParams,
  status: r.status as CampaignStatus,
  total: Number(r.total),
  done: Number(r.done),
  failed: Number(r.failed),
  skipped: Number(r.skipped),
  sessionsRevoked: Number(r.sessions_revoked),
  createdBy: r.created_by,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
  finishedAt: r.finished_at === null ? null : Number(r.finished_at),
})

/** The security event each action records per account it changed. */
const EVENT_OF: Record<CampaignAction, SecurityEventType> = {
  force_password_reset: 'campaign_password_reset_forced',
  revoke_sessions: 'campaign_sessions_revoked',
  require_mfa_enrollment: 'campaign_mfa_enrolment_required',
  reset_lock: 'campaign_reset_lock_set',
  notify: 'campaign_notice_queued',
}

/**
 * The outbox dedupe key of a notice: one per account and message (incident, channel, subject and
 * text), whichever campaign queues it, so running the same notice again never sends it twice.
 */
export const noticeKey = (incidentId: string | null, n: NotifyParams): string =>
  createHash('sha256')
    .update(JSON.stringify([incidentId, n.channel, n.subject, n.text]))
    .digest('hex')
    .slice(0, 24)

type Sel = SelectQueryBuilder<Database, keyof Database, { id: string }>

/**
 * Campaigns over SQL. Every action is set-based over a batch of account ids: a few statements per
 * batch whatever its size. A batch is claimed and handled in one transaction, so its targets are
 * handled exactly once: a process that dies mid-batch loses the transaction and its targets are
 * pending again. On PostgreSQL the claim is `FOR UPDATE SKIP LOCKED` (instances and workers take
 * different batches at once); on SQLite the transaction takes the write lock with its first statement.
 */
export class SqlCampaignRepository implements CampaignRepository {
  /** Per campaign, the highest account id this instance claimed: where the next claim starts. */
  readonly #cursor = new Map<string, string>()

  /**
   * `events`: where a batch records the event of each account it changed, into the batch's
   * transaction (counted and fanned out to webhooks once it commits, like every other event).
   */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
    private readonly events: Pick<EventRecorder, 'recordMany' | 'settled'>,
  ) {}

  /** The ids of the selected accounts, as a subquery. */
  #selected(db: Kysely<Database>, s: Selector): Sel {
    switch (s.kind) {
      case 'incident': {
        let q = db
          .selectFrom('incident_exposures as e')
          .innerJoin('accounts as a', 'a.id', 'e.account_id')
          .select('a.id')
          .where('e.incident_id', '=', s.incidentId)
        const fields = s.fields ?? []
        if (fields.length > 0) {
          // `fields` is a sorted comma list: match whole items.
          q = q.where((eb) =>
            eb.or(fields.map((f) => eb(sql<string>`',' || e.fields || ','`, 'like', `%,${f},%`))),
          )
        }
        return q as unknown as Sel
      }
      case 'accounts':
        return db
          .selectFrom('accounts')
          .select('id')
          .where('id', 'in', s.ids.length > 0 ? s.ids : ['']) as unknown as Sel
      case 'saved': {
        const q = db.selectFrom('accounts as a').select('a.id')
        if (s.name === 'external_accounts') return q.where('a.role', '=', 'partner') as unknown as Sel
        if (s.name === 'all_users') return q.where('a.role', '=', 'user') as unknown as Sel
        return q.where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('mfa_factors as f')
                .select('f.id')
                .whereRef('f.account_id', '=', 'a.id')
                .where('f.confirmed_at', 'is not', null),
            ),
          ),
        ) as unknown as Sel
      }
    }
  }

  async incidentExists(id: string): Promise<boolean> {
    const r = await this.db.selectFrom('incidents').select('id').where('id', '=', id).executeTakeFirst()
    return r !== undefined
  }

  // biome-ignore lint/suspicious/noExplicitAny: any select is counted the same way
  async #count(q: SelectQueryBuilder<any, any, any>): Promise<number> {
    const r = await this.db
      .selectFrom(q.as('q'))
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    return Number(r.n)
  }

  async dryRun(
    selector: Selector,
    action: CampaignAction,
    params: CampaignParams,
    incidentId: string | null,
    now: number,
  ): Promise<DryRunCounts> {
    const db = this.db
    const sel = () => this.#selected(db, selector)
    const selected = await this.#count(sel())
    const liveSessions = () =>
      this.#count(
        db
          .selectFrom('sessions')
          .select('id')
          .where('account_id', 'in', sel())
          .where('revoked_at', 'is', null)
          .where('expires_at', '>', now)
          .where('idle_expires_at', '>', now),
      )
    const effects: Record<string, number> = {}
    switch (action) {
      case 'force_password_reset': {
        const already = await this.#count(
          db
            .selectFrom('accounts')
            .select('id')
            .where('id', 'in', sel())
            .where('password_reset_required_at', 'is not', null),
        )
        effects.accounts_reset_required = selected - already
        effects.accounts_already_required = already
        effects.sessions_revoked = await liveSessions()
        effects.tokens_revoked = await this.#count(
          db
            .selectFrom('one_time_tokens')
            .select('id')
            .where('account_id', 'in', sel())
            .where('used_at', 'is', null)
            .where('expires_at', '>', now),
        )
        break
      }
      case 'revoke_sessions':
        effects.sessions_revoked = await liveSessions()
        effects.accounts_with_sessions = await this.#count(
          db
            .selectFrom('sessions')
            .select('account_id')
            .distinct()
            .where('account_id', 'in', sel())
            .where('revoked_at', 'is', null)
            .where('expires_at', '>', now)
            .where('idle_expires_at', '>', now),
        )
        break
      case 'require_mfa_enrollment': {
        const withFactor = await this.#count(
          db
            .selectFrom('mfa_factors')
            .select('account_id')
            .distinct()
            .where('account_id', 'in', sel())
            .where('confirmed_at', 'is not', null),
        )
        effects.accounts_without_factor = selected - withFactor
        effects.accounts_with_factor = withFactor
        break
      }
      case 'reset_lock': {
        const on = await this.#count(
          db.selectFrom('accounts').select('id').where('id', 'in', sel()).where('reset_lock', '=', 1),
        )
        effects.accounts_locked = selected - on
        effects.accounts_already_locked = on
        break
      }
      case 'notify': {
        const n = params.notify!
        const reachable = db
          .selectFrom('accounts as a')
          .select('a.id')
          .where('a.id', 'in', sel())
          .where(n.channel === 'email' ? 'a.email_verified_at' : 'a.phone_verified_at', 'is not', null)
        const reach = await this.#count(reachable)
        const key = noticeKey(incidentId, n)
        const already = await this.#count(
          reachable.where(({ exists, selectFrom }) =>
            exists(
              selectFrom('outbox as o')
                .select('o.id')
                .whereRef('o.dedupe_key', '=', sql<string>`${`campaign:${key}:`} || a.id`),
            ),
          ),
        )
        effects.messages_queued = reach - already
        effects.accounts_already_notified = already
        effects.accounts_unreachable = selected - reach
        break
      }
    }
    return { selected, effects }
  }

  async create(
    c: Omit<
      CampaignRecord,
      'total' | 'done' | 'failed' | 'skipped' | 'sessionsRevoked' | 'updatedAt' | 'finishedAt' | 'status'
    >,
  ): Promise<CampaignRecord> {
    const created = await this.#create(c)
    // A million new targets and stale statistics make the planner read every pending target for
    // each claim; fresh ones make the claim a short index range scan.
    if (created.total > 0 && this.dialect.name === 'postgres')
      await sql`analyze campaign_targets`.execute(this.db)
    return created
  }

  async #create(
    c: Omit<
      CampaignRecord,
      'total' | 'done' | 'failed' | 'skipped' | 'sessionsRevoked' | 'updatedAt' | 'finishedAt' | 'status'
    >,
  ): Promise<CampaignRecord> {
    return this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('campaigns')
        .values({
          id: c.id,
          incident_id: c.incidentId,
          selector: JSON.stringify(c.selector),
          action: c.action,
          params: JSON.stringify(c.params),
          status: 'running',
          total: 0,
          done: 0,
          failed: 0,
          skipped: 0,
          sessions_revoked: 0,
          not_before: 0,
          created_by: c.createdBy,
          created_at: c.createdAt,
          updated_at: c.createdAt,
          finished_at: null,
        })
        .execute()
      const sel = this.#selected(trx, c.selector)
      const inserted = await trx
        .insertInto('campaign_targets')
        .columns(['campaign_id', 'account_id', 'status', 'attempts'])
        .expression(
          trx
            .selectFrom(sel.as('s'))
            .select([
              sql<string>`${c.id}`.as('campaign_id'),
              's.id',
              sql<string>`'pending'`.as('status'),
              sql<number>`0`.as('attempts'),
            ]),
        )
        .executeTakeFirst()
      const total = Number(inserted.numInsertedOrUpdatedRows ?? 0)
      await trx.updateTable('campaigns').set({ total }).where('id', '=', c.id).execute()
      const row = await trx
        .selectFrom('campaigns')
        .selectAll()
        .where('id', '=', c.id)
        .executeTakeFirstOrThrow()
      return toRecord(row)
    })
  }

  async get(id: string): Promise<CampaignRecord | null> {
    const r = await this.db.selectFrom('campaigns').selectAll().where('id', '=', id).executeTakeFirst()
    return r ? toRecord(r) : null
  }

  async list(
    filter: { incidentId?: string; status?: CampaignStatus },
    limit: number,
  ): Promise<CampaignRecord[]> {
    let q = this.db.selectFrom('campaigns').selectAll()
    if (filter.incidentId) q = q.where('incident_id', '=', filter.incidentId)
    if (filter.status) q = q.where('status', '=', filter.status)
    const rows = await q.orderBy('created_at', 'desc').orderBy('id').limit(limit).execute()
    return rows.map(toRecord)
  }

  async transition(id: string, from: CampaignStatus[], to: CampaignStatus, now: number): Promise<boolean> {
    const r = await this.db
      .updateTable('campaigns')
      .set({
        status: to,
        updated_at: now,
        ...(to === 'cancelled' || to === 'completed' ? { finished_at: now } : {}),
      })
      .where('id', '=', id)
      .where('status', 'in', from)
      .executeTakeFirst()
    return Number(r.numUpdatedRows) > 0
  }

  async handledSince(id: string, since: number): Promise<number> {
    const r = await this.db
      .selectFrom('campaign_batches')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>(sql`done + skipped + failed`), sql<number>`0`).as('n'))
      .where('campaign_id', '=', id)
      .where('at', '>=', since)
      .executeTakeFirstOrThrow()
    return Number(r.n)
  }

  async runnable(now: number, limit: number): Promise<Array<{ id: string; action: CampaignAction }>> {
    const rows = await this.db
      .selectFrom('campaigns')
      .select(['id', 'action'])
      .where('status', '=', 'running')
      .where('not_before', '<=', now)
      .orderBy('created_at')
      .limit(limit)
      .execute()
    return rows.map((r) => ({ id: r.id, action: r.action as CampaignAction }))
  }

  async recordFailure(id: string, accountIds: string[], maxAttempts: number, now: number): Promise<number> {
    if (accountIds.length === 0) return 0
    return this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('campaign_targets')
        .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
        .where('campaign_id', '=', id)
        .where('status', '=', 'pending')
        .where('account_id', 'in', accountIds)
        .execute()
      const r = await trx
        .updateTable('campaign_targets')
        .set({ status: 'failed', handled_at: now })
        .where('campaign_id', '=', id)
        .where('status', '=', 'pending')
        .where('account_id', 'in', accountIds)
        .where('attempts', '>=', maxAttempts)
        .executeTakeFirst()
      const failed = Number(r.numUpdatedRows)
      if (failed > 0) {
        await trx
          .insertInto('campaign_batches')
          .values({ campaign_id: id, at: now, done: 0, skipped: 0, failed, sessions_revoked: 0 })
          .execute()
        await trx
          .updateTable('campaigns')
          .set((eb) => ({ failed: eb('failed', '+', failed), updated_at: now }))
          .where('id', '=', id)
          .execute()
      }
      return failed
    })
  }

  async incidentSummary(incidentId: string): Promise<IncidentCampaignSummary> {
    const campaigns = await this.list({ incidentId }, 1000)
    const live = campaigns.filter((c) => c.status !== 'cancelled' || c.done > 0)
    const sum = (f: (c: CampaignRecord) => number) => live.reduce((n, c) => n + f(c), 0)
    let messagesSent = 0
    const notices = new Set(
      campaigns
        .filter((c) => c.action === 'notify' && c.params.notify)
        .map((c) => noticeKey(c.incidentId, c.params.notify!)),
    )
    for (const key of notices) {
      const r = await this.db
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('dedupe_key', 'like', `campaign:${key}:%`)
        .where('status', '=', 'sent')
        .executeTakeFirstOrThrow()
      messagesSent += Number(r.n)
    }
    return {
      campaigns,
      sessionsRevoked: sum((c) => c.sessionsRevoked),
      resetsForced: sum((c) => (c.action === 'force_password_reset' ? c.done : 0)),
      messagesQueued: sum((c) => (c.action === 'notify' ? c.done : 0)),
      messagesSent,
    }
  }

  async completeIfFinished(
    id: string,
    now: number,
    entry: (completed: CampaignRecord) => NewAuditEntry,
  ): Promise<CampaignRecord | null> {
    return this.db.transaction().execute(async (trx) => {
      const r = await trx
        .updateTable('campaigns')
        .set({ status: 'completed', finished_at: now, updated_at: now })
        .where('id', '=', id)
        .where('status', '=', 'running')
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('campaign_targets')
                .select('account_id')
                .where('campaign_id', '=', id)
                .where('status', '=', 'pending'),
            ),
          ),
        )
        .executeTakeFirst()
      if (Number(r.numUpdatedRows) === 0) return null
      const completed = await new SqlCampaignRepository(trx, this.dialect, this.events).get(id)
      if (!completed) return null
      await new SqlAuditLog(trx, this.dialect).append(entry(completed))
      return completed
    })
  }

  async runBatch(
    id: string,
    opts: { limit: number; now: number; notifyPerSecond: number },
  ): Promise<BatchOutcome | null> {
    const { now } = opts
    let claimed: string[] = []
    // What runs once the batch has committed: counting its events and their webhook fan-out.
    const committed: Array<() => void> = []
    const result = await this.db
      .transaction()
      .execute(async (trx) => {
        // On SQLite a write first: the transaction holds the write lock from here on, so a second
        // process never reads a batch it cannot then write. On PostgreSQL a plain read: the campaign
        // row is written at the end only (workers must not queue on it for a whole batch).
        const campaign = this.dialect.skipLocked
          ? await trx
              .selectFrom('campaigns')
              .selectAll()
              .where('id', '=', id)
              .where('status', '=', 'running')
              .where('not_before', '<=', now)
              .executeTakeFirst()
          : await trx
              .updateTable('campaigns')
              .set({ updated_at: now })
              .where('id', '=', id)
              .where('status', '=', 'running')
              .where('not_before', '<=', now)
              .returningAll()
              .executeTakeFirst()
        if (!campaign) return null
        const c = toRecord(campaign)
        let limit = opts.limit
        if (c.action === 'notify') {
          // Paced: one second's worth per batch, and the next batch not before its time. The
          // conditional update makes notify batches of one campaign take turns across instances.
          limit = Math.max(1, Math.min(limit, opts.notifyPerSecond))
          const paced = await trx
            .updateTable('campaigns')
            .set({ not_before: now + Math.ceil((limit * 1000) / opts.notifyPerSecond) })
            .where('id', '=', id)
            .where('not_before', '<=', now)
            .executeTakeFirst()
          if (Number(paced.numUpdatedRows) === 0) return null
        }
        const claim = async (after: string | undefined) => {
          let q = trx
            .selectFrom('campaign_targets')
            .select('account_id')
            .where('campaign_id', '=', id)
            .where('status', '=', 'pending')
          if (after !== undefined) q = q.where('account_id', '>', after)
          q = q.orderBy('account_id').limit(limit)
          if (this.dialect.skipLocked) q = q.modifyEnd(sql`for update skip locked`)
          return (await q.execute()).map((r) => r.account_id)
        }
        // Claims go up the account ids from where this instance last claimed: the targets below are
        // (mostly) done, and their dead index entries need not be walked again. Once nothing is left
        // above, from the start again (targets a failed batch gave back).
        const after = this.#cursor.get(id)
        let ids = await claim(after)
        if (ids.length === 0 && after !== undefined) ids = await claim(undefined)
        if (ids.length > 0) this.#cursor.set(id, ids[ids.length - 1]!)
        else this.#cursor.delete(id)
        claimed = ids
        if (ids.length === 0) return { campaign: c, done: [] as string[], skipped: [] as string[] }

        const { applied: done, sessionsRevoked } = await this.#apply(trx, c, ids, now)
        const doneSet = new Set(done)
        const skipped = ids.filter((a) => !doneSet.has(a))
        if (done.length > 0) {
          await trx
            .updateTable('campaign_targets')
            .set({ status: 'done', handled_at: now })
            .where('campaign_id', '=', id)
            .where('account_id', 'in', done)
            .execute()
          // One details object and one context for the whole batch: written to JSON once.
          const details =
            c.action === 'notify'
              ? { campaign_id: c.id, incident_id: c.incidentId, channel: c.params.notify?.channel }
              : { campaign_id: c.id, incident_id: c.incidentId }
          const context = { ...noContext, requestId: `campaign:${c.id}` }
          await this.events.recordMany(
            done.map((accountId) => ({ type: EVENT_OF[c.action], accountId, context, details })),
            new SqlSecurityEventLog(trx, (f) => committed.push(f)),
          )
        }
        if (skipped.length > 0) {
          await trx
            .updateTable('campaign_targets')
            .set({ status: 'skipped', handled_at: now })
            .where('campaign_id', '=', id)
            .where('account_id', 'in', skipped)
            .execute()
        }
        await trx
          .insertInto('campaign_batches')
          .values({
            campaign_id: id,
            at: now,
            done: done.length,
            skipped: skipped.length,
            failed: 0,
            sessions_revoked: sessionsRevoked,
          })
          .execute()
        await trx
          .updateTable('campaigns')
          .set((eb) => ({
            done: eb('done', '+', done.length),
            skipped: eb('skipped', '+', skipped.length),
            sessions_revoked: eb('sessions_revoked', '+', sessionsRevoked),
            updated_at: now,
          }))
          .where('id', '=', id)
          .execute()
        return { campaign: c, done, skipped }
      })
      .catch((err: unknown) => {
        throw new BatchFailed(id, claimed, err)
      })
    for (const f of committed) f()
    // The next batch waits for this one's webhook messages to be queued.
    if (committed.length > 0) await this.events.settled()
    if (!result) return null
    if (result.done.length + result.skipped.length === 0) return null
    return {
      campaignId: id,
      action: result.campaign.action,
      done: result.done.length,
      skipped: result.skipped.length,
      failed: 0,
    }
  }

  /**
   * Applies the action to the batch; returns the accounts it applied to (the rest are skipped) and
   * how many live sessions it revoked.
   */
  async #apply(
    trx: Kysely<Database>,
    c: CampaignRecord,
    ids: string[],
    now: number,
  ): Promise<{ applied: string[]; sessionsRevoked: number }> {
    if (c.action === 'notify') return { applied: await this.#notify(trx, c, ids, now), sessionsRevoked: 0 }
    const existing = (await trx.selectFrom('accounts').select('id').where('id', 'in', ids).execute()).map(
      (r) => r.id,
    )
    let sessionsRevoked = 0
    if (existing.length === 0) return { applied: existing, sessionsRevoked }
    // Sessions already past their end are left as they are: they open nothing.
    const revokeSessions = async () => {
      const r = await trx
        .updateTable('sessions')
        .set({ revoked_at: now })
        .where('account_id', 'in', existing)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .where('idle_expires_at', '>', now)
        .executeTakeFirst()
      sessionsRevoked = Number(r.numUpdatedRows)
    }
    switch (c.action) {
      case 'force_password_reset':
        await trx
          .updateTable('accounts')
          .set((eb) => ({
            password_reset_required_at: eb.fn.coalesce(
              'password_reset_required_at',
              sql<number>`cast(${now} as bigint)`,
            ),
            updated_at: now,
          }))
          .where('id', 'in', existing)
          .execute()
        await revokeSessions()
        await trx
          .updateTable('one_time_tokens')
          .set({ used_at: now })
          .where('account_id', 'in', existing)
          .where('used_at', 'is', null)
          .execute()
        await trx
          .updateTable('email_changes')
          .set({ used_at: now })
          .where('account_id', 'in', existing)
          .where('used_at', 'is', null)
          .execute()
        break
      case 'revoke_sessions':
        await revokeSessions()
        break
      case 'require_mfa_enrollment':
        await trx
          .updateTable('accounts')
          .set({ mfa_enrolment_required: 1, updated_at: now })
          .where('id', 'in', existing)
          .execute()
        break
      case 'reset_lock':
        await trx
          .updateTable('accounts')
          .set({ reset_lock: 1, updated_at: now })
          .where('id', 'in', existing)
          .execute()
        break
    }
    return { applied: existing, sessionsRevoked }
  }

  /**
   * Queues the notice to each reachable account (verified address or phone) with the dedupe key of
   * the notice: an account that already had it is skipped. Returns the accounts queued for.
   */
  async #notify(trx: Kysely<Database>, c: CampaignRecord, ids: string[], now: number): Promise<string[]> {
    const n = c.params.notify
    if (!n) return []
    const prefix = `campaign:${noticeKey(c.incidentId, n)}:`
    const reachable = await trx
      .selectFrom('accounts')
      .select(['id', 'username', 'email', 'phone'])
      .where('id', 'in', ids)
      .where(n.channel === 'email' ? 'email_verified_at' : 'phone_verified_at', 'is not', null)
      .where(n.channel === 'email' ? 'email' : 'phone', 'is not', null)
      .execute()
    if (reachable.length === 0) return []
    // Recorded as the outbound gate records messages (kind, destination, region): its second look
    // before each send holds the campaign budget per destination.
    const rows = await trx
      .insertInto('outbox')
      .values(
        reachable.map((a) => {
          const recipient = n.channel === 'email' ? a.email : a.phone!
          const key = `${prefix}${a.id}`
          return outboxRow(
            {
              channel: n.channel,
              recipient,
              template: 'campaign_notice',
              payload: { username: a.username, subject: n.subject, text: n.text },
              accountId: a.id,
              dedupeKey: key,
              kind: 'campaign',
              destination: destinationOf(n.channel, recipient),
              region: n.channel === 'sms' ? callingCodeOf(recipient) : null,
            },
            now,
            key,
          )
        }),
      )
      .onConflict((oc) => oc.doNothing())
      .returning('account_id')
      .execute()
    return rows.map((r) => r.account_id).filter((a): a is string => a !== null)
  }
}
