import type { Logger } from 'pino'
import type { Clock } from '../../kernel/clock.js'
import { Poller } from '../../kernel/poller.js'
import type { AuditService } from '../audit/service.js'
import { BatchFailed, type BatchOutcome, type CampaignRecord, type CampaignRepository } from './ports.js'

/** Targets whose batch failed this many times are marked failed, with their groups (the campaign goes on). */
const MAX_ATTEMPTS = 3

const systemContext = { ip: null, requestId: null }

export interface CampaignWorkerMetrics {
  targets(action: string, outcome: 'done' | 'skipped' | 'failed', count: number): void
  progress(campaign: CampaignRecord | { id: string; action: string }, ratio: number): void
}

/**
 * Works through running campaigns in batches. Several lanes per instance (PostgreSQL) and several
 * instances may run at once: each batch is claimed in its own transaction (see
 * SqlCampaignRepository.runBatch), so every target is handled exactly once. When a campaign has no
 * pending target left, one worker marks it completed and appends `campaign.complete` (actor
 * `system`) to the audit log.
 */
export class CampaignWorker {
  readonly #poller: Poller
  /** Set by stop(): lanes end after the batch they are in. */
  #stopRequested = false

  constructor(
    private readonly deps: {
      campaigns: CampaignRepository
      audit: AuditService
      clock: Clock
      logger: Logger
      intervalMs: number
      batchSize: number
      notifyPerSecond: number
      /** Batches run at once by this instance. */
      lanes: number
      /**
       * After each batch, leave the database alone for this share of the batch's time (at least
       * 5 ms): on SQLite, other processes (CLI commands, a second server) need the write lock too,
       * and their busy handler only probes now and then. 0 on PostgreSQL.
       */
      pauseShare?: number
      metrics?: CampaignWorkerMetrics
    },
  ) {
    // A round that moved anything is followed at once; an idle one waits `intervalMs`.
    this.#poller = new Poller({
      intervalMs: deps.intervalMs,
      run: async () => (await this.drainOnce()) > 0,
      onError: (err) => deps.logger.error({ err }, 'campaign run failed'),
    })
  }

  start(): void {
    if (this.#poller.running) return
    this.#stopRequested = false
    this.#poller.start()
  }

  /** New work arrived: run soon instead of at the next interval. */
  kick(): void {
    this.#poller.kick()
  }

  /** Stops polling; the lanes end after their current batch, and this waits for them. */
  async stop(): Promise<void> {
    this.#stopRequested = true
    await this.#poller.stop()
  }

  /**
   * One round: every lane takes batches of the runnable campaigns until none is left for it.
   * Returns how many targets were handled. Lanes stop after `deadlineMs` (so that stop() is prompt)
   * or, when given, `maxBatches` batches in all.
   */
  async drainOnce(opts: { deadlineMs?: number; maxBatches?: number } = {}): Promise<number> {
    const deadlineMs = opts.deadlineMs ?? 2_000
    let batches = 0
    const { campaigns, clock } = this.deps
    const started = clock.now()
    const wallStart = Date.now()
    let handled = 0
    const runnable = await campaigns.runnable(started, 20)
    if (runnable.length === 0) return 0
    // Campaigns take turns, a batch each: a large campaign does not hold up a paced notice beside it.
    const lane = async () => {
      let active = runnable
      while (active.length > 0) {
        const next: typeof runnable = []
        for (const c of active) {
          if (Date.now() - wallStart > deadlineMs) return
          if (this.#stopRequested) return
          if (opts.maxBatches !== undefined && batches >= opts.maxBatches) return
          batches += 1
          const started = performance.now()
          const outcome = await this.#batch(c.id)
          const took = performance.now() - started
          if (!outcome) continue
          handled += outcome.done + outcome.skipped + outcome.failed
          // A paced campaign gets one batch per round.
          if (c.action !== 'notify') next.push(c)
          // Let requests in between: on SQLite every query runs on this thread.
          const share = this.deps.pauseShare ?? 0
          if (share > 0) await new Promise((resolve) => setTimeout(resolve, Math.max(5, took * share)))
          else await new Promise((resolve) => setImmediate(resolve))
        }
        active = next
      }
    }
    await Promise.all(Array.from({ length: Math.max(1, this.deps.lanes) }, lane))
    for (const c of runnable) await this.#completeIfFinished(c.id)
    return handled
  }

  /** Runs rounds until nothing moves (tests; a paced campaign needs the clock moved between calls). */
  async drain(): Promise<void> {
    while ((await this.drainOnce({ deadlineMs: Number.POSITIVE_INFINITY })) > 0) {}
  }

  async #batch(id: string): Promise<BatchOutcome | null> {
    const { campaigns, clock, logger, metrics } = this.deps
    try {
      const outcome = await campaigns.runBatch(id, {
        limit: this.deps.batchSize,
        now: clock.now(),
        notifyPerSecond: this.deps.notifyPerSecond,
      })
      if (outcome) {
        if (outcome.done > 0) metrics?.targets(outcome.action, 'done', outcome.done)
        if (outcome.skipped > 0) metrics?.targets(outcome.action, 'skipped', outcome.skipped)
      }
      return outcome
    } catch (err) {
      if (!(err instanceof BatchFailed)) throw err
      logger.error(
        { err: err.cause, campaign_id: id, targets: err.accountIds.length },
        'campaign batch failed',
      )
      const failed = await campaigns.recordFailure(id, err.accountIds, MAX_ATTEMPTS, clock.now())
      const c = await campaigns.get(id)
      if (failed > 0 && c) metrics?.targets(c.action, 'failed', failed)
      return failed > 0 && c ? { campaignId: id, action: c.action, done: 0, skipped: 0, failed } : null
    }
  }

  async #completeIfFinished(id: string): Promise<void> {
    const { campaigns, clock, audit, metrics } = this.deps
    const c = await campaigns.get(id)
    if (c && c.total > 0) metrics?.progress(c, (c.done + c.skipped + c.failed) / c.total)
    // The completion and its audit entry are one transaction: a crash between them cannot leave a
    // completed campaign that the audit log does not know of.
    const completed = await campaigns.completeIfFinished(id, clock.now(), (c) =>
      audit.entry('system', systemContext, 'campaign.complete', `campaign:${id}`, {
        incident_id: c.incidentId,
        action: c.action,
        total: c.total,
        done: c.done,
        skipped: c.skipped,
        failed: c.failed,
      }),
    )
    if (!completed) return
    if (completed.total === 0) metrics?.progress(completed, 1)
    this.deps.logger.info(
      { campaign_id: id, total: completed.total, done: completed.done, failed: completed.failed },
      'campaign completed',
    )
  }
}
