import type { Logger } from 'pino'
import type { Clock } from '../../kernel/clock.js'
import { isLocale, type Locale } from '../../kernel/locale.js'
import { Poller } from '../../kernel/poller.js'
import { logFields, safeError } from './outbox-log.js'
import { type DeadLetter, type OutboxMetrics, type Outcome, OutcomeRecorder } from './outcomes.js'
import {
  type ClaimedMessage,
  type MailTransport,
  type OutboxQueue,
  type QueueVerdict,
  type SmsTransport,
  UndeliverableMessage,
  type WebhookSender,
} from './ports.js'
import { expiresAtOf, nextTry, type RetryPolicy } from './retry.js'
import { type MailBrand, type RenderContext, renderMail, renderSms } from './templates.js'
import { TransportHealth } from './transport-health.js'

export { safeError } from './outbox-log.js'
export type { DeadLetter, OutboxMetrics } from './outcomes.js'
export { expiresAtOf } from './retry.js'

/** What the worker needs; the retry schedule (`maxAttempts`, `horizonMs`, `retryBaseMs`) is in retry.ts. */
export interface OutboxWorkerDeps extends RetryPolicy {
  queue: OutboxQueue
  mail: MailTransport
  sms: SmsTransport
  /** Delivers `webhook` messages; without it they cannot be rendered (abandoned). */
  webhooks?: WebhookSender
  clock: Clock
  logger: Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>
  metrics: OutboxMetrics
  /** The configured public origin; every link in a message is built on it. */
  publicUrl: string
  productName?: string
  /** What mails show of the brand besides its name: accent colour, support and privacy links. */
  brand?: MailBrand
  /** The language of a message whose payload names none (GATEHOUSE_DEFAULT_LOCALE); English when absent. */
  defaultLocale?: Locale
  /** Pause between polls when the queue is idle. */
  intervalMs: number
  batchSize?: number
  leaseMs?: number
  /**
   * The outbound gate's second look before sending (src/modules/mail/gate.ts `recheck`): a message
   * it does not pass is dropped unsent, as `suppressed`.
   */
  recheck?: (m: ClaimedMessage) => Promise<QueueVerdict>
  /** Messages dead-lettered in one run (at most one call a run). */
  onDeadLettered?: (messages: DeadLetter[]) => void
  /**
   * A transport (email or SMS) failed a send: `up` false at the first failure of an outage, true
   * when a send or a probe succeeds again (the outage log and the dependency gauge).
   */
  onTransport?: (channel: 'email' | 'sms', up: boolean, err?: unknown) => void
  /**
   * Asks a transport whether it works (SMTP: connect and greet), while its messages wait for a
   * retry; a probe that answers makes them due at once. Every `probeIntervalMs` (default 30 s).
   */
  probes?: Partial<Record<'email' | 'sms', () => Promise<void>>>
  probeIntervalMs?: number
}

/**
 * The left part of the Message-ID of an outbox message: a dot-atom (RFC 5322, 3.6.4), the same on
 * every try. Letters, digits and `-` stay as they are (a plain id is its own left part); every
 * other character (the `:` of a campaign notice's id) becomes `=` and the hex of its UTF-8 bytes,
 * so distinct ids keep distinct Message-IDs.
 */
export const messageIdLocalPart = (id: string): string =>
  id.replace(/[^A-Za-z0-9-]/gu, (c) =>
    [...Buffer.from(c, 'utf8')].map((b) => `=${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  )

/**
 * Delivers the outbox: claims due messages under a lease, renders and sends
 * each, and records the outcome. Delivery is at least once (a crash between
 * sending and recording repeats a send once the lease expires). Log lines carry
 * the message id, template, channel and tries, and at most the recipient's
 * domain: never the address, the payload or a token (see outbox-log.ts).
 */
export class OutboxWorker {
  readonly #deps: OutboxWorkerDeps
  readonly #batchSize: number
  readonly #leaseMs: number
  /** The public host, for Message-IDs. */
  readonly #host: string
  readonly #poller: Poller
  readonly #outcomes: OutcomeRecorder
  readonly #health: TransportHealth
  #stopping = false
  /** Every drainOnce in progress (the loop's and direct calls). */
  readonly #runs = new Set<Promise<number>>()
  /** Claimed by this worker and not yet attempted: released on stop. */
  readonly #claimed = new Map<string, number>()

  constructor(deps: OutboxWorkerDeps) {
    if (!Number.isInteger(deps.maxAttempts) || deps.maxAttempts < 1)
      throw new Error('maxAttempts must be >= 1')
    this.#deps = deps
    this.#batchSize = Math.max(1, deps.batchSize ?? 20)
    this.#leaseMs = Math.max(1000, deps.leaseMs ?? 60_000)
    this.#host = new URL(deps.publicUrl).hostname || 'gatehouse.invalid'
    this.#outcomes = new OutcomeRecorder(deps)
    this.#health = new TransportHealth({
      queue: deps.queue,
      clock: deps.clock,
      logger: deps.logger,
      redriven: (channel, count) => deps.metrics.redriven?.(channel, count),
      ...(deps.onTransport ? { onTransport: deps.onTransport } : {}),
      ...(deps.probes ? { probes: deps.probes } : {}),
      ...(deps.probeIntervalMs !== undefined ? { probeIntervalMs: deps.probeIntervalMs } : {}),
    })
    // Each run probes the failing transports, then claims a batch; a full batch is followed at once.
    this.#poller = new Poller({
      intervalMs: deps.intervalMs,
      run: async () => {
        await this.probeTransports()
        return (await this.drainOnce()) >= this.#batchSize
      },
      onError: (err) => deps.logger.error({ err: safeError(err) }, 'outbox run failed'),
    })
  }

  /** Starts polling. Batches that come back full are followed at once; otherwise it waits `intervalMs`. */
  start(): void {
    if (this.#poller.running) return
    this.#stopping = false
    this.#poller.start()
  }

  /** New work was queued: run now instead of at the next interval. */
  kick(): void {
    this.#poller.kick()
  }

  /** Stops polling, waits for the run in progress and releases the leases of messages it did not get to. */
  async stop(): Promise<void> {
    this.#stopping = true
    await this.#poller.stop()
    await Promise.allSettled([...this.#runs])
    await this.#releaseClaimed()
  }

  /** Claims one batch and handles each message; returns how many were handled. */
  async drainOnce(): Promise<number> {
    const run = this.#drainBatch()
    this.#runs.add(run)
    try {
      return await run
    } finally {
      this.#runs.delete(run)
    }
  }

  /** Drains until nothing is due (for tests and one-shot delivery). */
  async drain(): Promise<void> {
    while ((await this.drainOnce()) > 0) {}
  }

  /**
   * Probes each failing transport that has a probe, at most once every `probeIntervalMs`: one that
   * answers makes its waiting messages due now. The loop calls it before each run.
   */
  async probeTransports(): Promise<void> {
    await this.#health.probe()
  }

  async #drainBatch(): Promise<number> {
    if (this.#stopping) return 0
    const { queue, clock } = this.#deps
    const claimedAt = clock.now()
    const batch = await queue.claim(this.#batchSize, claimedAt, this.#leaseMs)
    for (const m of batch) this.#claimed.set(m.id, claimedAt + this.#leaseMs)
    let handled = 0
    for (const m of batch) {
      // On stop, or with less than half the lease left (a slow relay), leave the rest to be released.
      if (this.#stopping || clock.now() > claimedAt + this.#leaseMs / 2) break
      this.#claimed.delete(m.id)
      await this.#handle(m)
      handled++
    }
    if (handled < batch.length) await this.#releaseClaimed(batch.slice(handled).map((m) => m.id))
    const dead = this.#outcomes.takeDead()
    if (dead.length > 0) this.#deps.onDeadLettered?.(dead)
    return handled
  }

  async #releaseClaimed(only?: string[]): Promise<void> {
    const now = this.#deps.clock.now()
    const ids: string[] = []
    for (const id of only ?? [...this.#claimed.keys()]) {
      const until = this.#claimed.get(id)
      if (until === undefined) continue
      this.#claimed.delete(id)
      // An expired lease may already belong to another worker: leave it alone.
      if (until > now) ids.push(id)
    }
    if (ids.length === 0) return
    try {
      await this.#deps.queue.release(ids)
    } catch (err) {
      this.#deps.logger.error({ err: safeError(err), count: ids.length }, 'could not release outbox leases')
    }
  }

  async #handle(m: ClaimedMessage): Promise<void> {
    try {
      await this.#deliver(m)
    } catch (err) {
      // Only recording the outcome can land here: the lease expires and the message is tried again.
      this.#deps.logger.error(
        { ...logFields(m), err: safeError(err, m) },
        'could not record the outcome of an outbox message',
      )
    }
  }

  async #deliver(m: ClaimedMessage): Promise<Outcome> {
    const { clock, recheck } = this.#deps
    // A code or link past its life is worth nothing to the recipient (and a late one confuses).
    const expiresAt = expiresAtOf(m)
    if (expiresAt !== null && clock.now() >= expiresAt) return this.#outcomes.expired(m)
    let send: () => Promise<void>
    try {
      send = this.#render(m)
    } catch (err) {
      return this.#outcomes.unrenderable(m, safeError(err, m))
    }
    try {
      const verdict = recheck ? await recheck(m) : null
      // (Awaited here: a failure to record it counts as a failed try, as a failed send does.)
      if (verdict && !verdict.queued)
        return await this.#outcomes.suppressed(
          m,
          verdict.reason === 'budget' ? verdict.budget : 'destination',
        )
      await send()
    } catch (err) {
      return this.#failed(m, err)
    }
    const outcome = await this.#outcomes.sent(m)
    await this.#health.sent(m)
    return outcome
  }

  /** A send (or the gate's second look) failed: abandoned, dead-lettered or tried again later. */
  async #failed(m: ClaimedMessage, err: unknown): Promise<Outcome> {
    const error = safeError(err, m)
    const now = this.#deps.clock.now()
    if (err instanceof UndeliverableMessage) return this.#outcomes.undeliverable(m, error, now)
    const first = this.#health.failed(m, err)
    const next = nextTry(m, now, this.#deps)
    if (next.dead) return this.#outcomes.deadLettered(m, error, now)
    return this.#outcomes.retry(m, error, now, next.delayMs, first)
  }

  /** Renders now (so that a bad template fails before any side effect) and returns the send. */
  #render(m: ClaimedMessage): () => Promise<void> {
    const { mail, sms, webhooks } = this.#deps
    const ctx = this.#renderContext(m)
    if (m.channel === 'email') {
      const rendered = {
        ...renderMail(m.template, m.payload, ctx),
        messageId: `<${messageIdLocalPart(m.id)}@${this.#host}>`,
      }
      return () => mail.send(m.recipient, rendered)
    }
    if (m.channel === 'sms') {
      const body = renderSms(m.template, m.payload, ctx)
      return () => sms.send(m.recipient, body)
    }
    if (m.channel === 'webhook') {
      const { event_type: eventType, body } = m.payload
      if (!webhooks) throw new Error('no webhook sender')
      if (typeof eventType !== 'string' || typeof body !== 'string')
        throw new Error('webhook payload is malformed')
      return () => webhooks.send(m.recipient, { eventType, body }, m.attempts)
    }
    throw new Error(`unknown channel "${String(m.channel).slice(0, 16)}"`)
  }

  /**
   * How a message is rendered: in the language its payload names (chosen when it was queued: the
   * account's, else that of the request that caused it), else in the default language.
   */
  #renderContext(m: ClaimedMessage): RenderContext {
    const { publicUrl, productName, brand, defaultLocale } = this.#deps
    const named = Object.hasOwn(m.payload, 'locale') ? m.payload.locale : undefined
    return {
      publicUrl,
      ...(productName ? { productName } : {}),
      ...(brand ? { brand } : {}),
      locale: isLocale(named) ? named : (defaultLocale ?? 'en'),
    }
  }
}
