import { type Kysely, type Selectable, sql } from 'kysely'
import type { NewAuditEntry } from '../../modules/audit/ports.js'
import { type ActionResult, noticeKey, runCampaignAction } from '../../modules/campaigns/actions.js'
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
  type NewCampaign,
  type Selector,
} from '../../modules/campaigns/ports.js'
import type { EventRecorder } from '../../modules/events/recorder.js'
import { SqlAuditLog } from './audit-repository.js'
import { sqlCampaignActionPorts } from './campaign-action-ports.js'
import { PENDING, TargetClaims } from './campaign-claims.js'
import { dryRunCounts, insertWithTargets, TARGET_GROUP } from './campaign-selection.js'
import type { Dialect } from './dialect.js'
import { SqlSecurityEventLog } from './events-repository.js'
import { idIn } from './id-lists.js'
import type { CampaignsTable, Database } from './schema.js'
import { inTransaction } from './store.js'

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

/**
 * Campaigns over SQL: created with their targets, claimed batch by batch, marked and counted. What
 * an action does to the accounts of a batch is src/modules/campaigns/actions.ts, run here through
 * ports bound to the batch's transaction. A batch is claimed and handled in one transaction, so its
 * targets are handled exactly once: a process that dies mid-batch loses the transaction and its
 * targets are pending again. On PostgreSQL the claim is `FOR UPDATE SKIP LOCKED` (instances and
 * workers take different batches at once); on SQLite the transaction takes the write lock with its
 * first statement.
 */
export class SqlCampaignRepository implements CampaignRepository {
  /** This instance's claims, with its cursor per campaign. */
  readonly #claims: TargetClaims

  /**
   * `events`: where a batch records the event of each account it changed, into the batch's
   * transaction (counted and fanned out to webhooks once it commits, like every other event).
   * `act`: what a batch does to its accounts (tests give one that fails). `group`: the size of
   * the groups targets are kept in (campaign-selection.ts, TARGET_GROUP).
   */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
    private readonly events: Pick<EventRecorder, 'recordMany' | 'settled'>,
    private readonly act: typeof runCampaignAction = runCampaignAction,
    private readonly group = TARGET_GROUP,
  ) {
    this.#claims = new TargetClaims(dialect, group)
  }

  async incidentExists(id: string): Promise<boolean> {
    const r = await this.db.selectFrom('incidents').select('id').where('id', '=', id).executeTakeFirst()
    return r !== undefined
  }

  dryRun(
    selector: Selector,
    action: CampaignAction,
    params: CampaignParams,
    incidentId: string | null,
    now: number,
  ): Promise<DryRunCounts> {
    return dryRunCounts(this.db, selector, action, params, incidentId, now)
  }

  async create(c: NewCampaign): Promise<CampaignRecord> {
    const created = await this.db.transaction().execute(async (trx) => {
      await insertWithTargets(trx, this.dialect, c, { group: this.group })
      return (await campaignIn(trx, c.id))!
    })
    // Many new groups and stale statistics make the planner read every pending group for each
    // claim; fresh ones make the claim a short index range scan.
    if (created.total > 0 && this.dialect.name === 'postgres')
      await sql`analyze campaign_target_groups`.execute(this.db)
    return created
  }

  get(id: string): Promise<CampaignRecord | null> {
    return campaignIn(this.db, id)
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
      // The batch's groups: those whose first account is among its accounts (each account is in
      // one group, and a batch holds whole groups).
      const groups = idIn(this.dialect, 'first_id', accountIds)
      await trx
        .updateTable('campaign_target_groups')
        .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
        .where('campaign_id', '=', id)
        .where('status', '=', PENDING)
        .where(groups)
        .execute()
      const rows = await trx
        .updateTable('campaign_target_groups')
        .set({ status: 'failed', handled_at: now })
        .where('campaign_id', '=', id)
        .where('status', '=', PENDING)
        .where(groups)
        .where('attempts', '>=', maxAttempts)
        .returning('size')
        .execute()
      const failed = rows.reduce((n, r) => n + Number(r.size), 0)
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
              selectFrom('campaign_target_groups')
                .select('first_id')
                .where('campaign_id', '=', id)
                .where('status', '=', PENDING),
            ),
          ),
        )
        .executeTakeFirst()
      if (Number(r.numUpdatedRows) === 0) return null
      const completed = await campaignIn(trx, id)
      if (!completed) return null
      await new SqlAuditLog(trx, this.dialect).append(entry(completed))
      return completed
    })
  }

  /**
   * One batch, in one transaction (the store's `inTransaction`): the campaign taken, its targets
   * claimed, the action run over them (src/modules/campaigns/actions.ts) through ports bound to the
   * transaction, the targets marked and counted. A failure rolls all of it back.
   */
  async runBatch(
    id: string,
    opts: { limit: number; now: number; notifyPerSecond: number },
  ): Promise<BatchOutcome | null> {
    const { now } = opts
    let claimed: string[] = []
    let recorded = false
    const result = await inTransaction(this.db, async (trx, afterCommit) => {
      const c = await this.#take(trx, id, opts)
      if (!c) return null
      const groups = await this.#claims.claim(trx, id, c.campaign.action, c.limit)
      claimed = groups.accountIds
      if (claimed.length === 0) return null
      const log = new SqlSecurityEventLog(
        trx,
        (f) => {
          recorded = true
          afterCommit(f)
        },
        this.dialect,
      )
      const ports = sqlCampaignActionPorts(trx, this.dialect, this.events, log)
      const outcome = await this.act(ports, c.campaign, claimed, now)
      await this.#mark(trx, id, groups.firstIds, outcome, now)
      return { action: c.campaign.action, ...outcome }
    }).catch((err: unknown) => {
      throw new BatchFailed(id, claimed, err)
    })
    // The next batch waits for this one's webhook messages to be queued.
    if (recorded) await this.events.settled()
    if (!result) return null
    return {
      campaignId: id,
      action: result.action,
      done: result.done.length,
      skipped: result.skipped.length,
      failed: 0,
    }
  }

  /**
   * The campaign, when it is running and its pace lets a batch start now, with the size of the
   * batch; null otherwise.
   */
  async #take(
    trx: Kysely<Database>,
    id: string,
    opts: { limit: number; now: number; notifyPerSecond: number },
  ): Promise<{ campaign: CampaignRecord; limit: number } | null> {
    const { now } = opts
    // On SQLite a write first: the transaction holds the write lock from here on, so a second
    // process never reads a batch it cannot then write. On PostgreSQL a plain read: the campaign
    // row is written at the end only (workers must not queue on it for a whole batch).
    const row = this.dialect.skipLocked
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
    if (!row) return null
    const campaign = toRecord(row)
    if (campaign.action !== 'notify') return { campaign, limit: opts.limit }
    // Paced: one second's worth per batch, and the next batch not before its time. The
    // conditional update makes notify batches of one campaign take turns across instances.
    const limit = Math.max(1, Math.min(opts.limit, opts.notifyPerSecond))
    const paced = await trx
      .updateTable('campaigns')
      .set({ not_before: now + Math.ceil((limit * 1000) / opts.notifyPerSecond) })
      .where('id', '=', id)
      .where('not_before', '<=', now)
      .executeTakeFirst()
    return Number(paced.numUpdatedRows) === 0 ? null : { campaign, limit }
  }

  /** Marks the batch's groups done and adds the batch (done, skipped) to the campaign's counters. */
  async #mark(
    trx: Kysely<Database>,
    id: string,
    firstIds: string[],
    outcome: ActionResult,
    now: number,
  ): Promise<void> {
    const { done, skipped, sessionsRevoked } = outcome
    await trx
      .updateTable('campaign_target_groups')
      .set({ status: 'done', handled_at: now })
      .where('campaign_id', '=', id)
      .where(idIn(this.dialect, 'first_id', firstIds))
      .execute()
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
  }
}

/** A campaign as read in `db` (the database or a transaction). */
const campaignIn = async (db: Kysely<Database>, id: string): Promise<CampaignRecord | null> => {
  const r = await db.selectFrom('campaigns').selectAll().where('id', '=', id).executeTakeFirst()
  return r ? toRecord(r) : null
}
