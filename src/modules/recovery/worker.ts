import type { Logger } from 'pino'
import type { Clock } from '../../kernel/clock.js'
import { Poller } from '../../kernel/poller.js'
import type { RecoveryRequestQueue } from './ports.js'
import type { RecoveryService } from './service.js'

/**
 * Works through queued recovery requests (looking accounts up, applying caps,
 * queuing messages) and sends due digests. Several workers, in one process or
 * many, may run at once: each request is leased to one of them.
 */
export class RecoveryWorker {
  readonly #poller: Poller
  readonly #claimed = new Set<string>()

  constructor(
    private readonly deps: {
      queue: RecoveryRequestQueue
      service: RecoveryService
      clock: Clock
      logger: Logger
      intervalMs: number
      batchSize?: number
      leaseMs?: number
      /** Requests decided at once (default 4: each holds a database connection while it decides). */
      concurrency?: number
    },
  ) {
    // A full batch is followed at once; otherwise the next run waits `intervalMs`.
    this.#poller = new Poller({
      intervalMs: deps.intervalMs,
      run: async () => (await this.drainOnce()) >= (deps.batchSize ?? 50),
      onError: (err) => deps.logger.error({ err }, 'recovery run failed'),
    })
  }

  start(): void {
    this.#poller.start()
  }

  /** New work arrived: run soon instead of at the next interval. */
  kick(): void {
    this.#poller.kick()
  }

  /** Stops polling, waits for the run in progress and releases the requests it still held. */
  async stop(): Promise<void> {
    await this.#poller.stop()
    if (this.#claimed.size > 0) await this.deps.queue.release([...this.#claimed])
    this.#claimed.clear()
  }

  /** Handles one batch of requests and the digests that are due; returns how many requests were handled. */
  async drainOnce(): Promise<number> {
    const { queue, service, clock, logger } = this.deps
    const batch = await queue.claim(this.deps.batchSize ?? 50, clock.now(), this.deps.leaseMs ?? 60_000)
    for (const r of batch) this.#claimed.add(r.id)
    // Several at a time: each decision takes its account's lock, so two requests for one account
    // still decide one after the other (as they do across instances).
    let next = 0
    const lane = async () => {
      while (next < batch.length) {
        const r = batch[next++]!
        try {
          await service.process(r)
        } catch (err) {
          // Left leased: another try after the lease runs out.
          logger.error({ err, recovery_request: r.id }, 'recovery request failed')
        } finally {
          this.#claimed.delete(r.id)
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(this.deps.concurrency ?? 4, batch.length) }, lane))
    await service.sendDueDigests()
    return batch.length
  }

  async drain(): Promise<void> {
    while ((await this.drainOnce()) > 0) {}
  }
}
