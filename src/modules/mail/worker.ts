import type { Logger } from 'pino'
import { type Clock, DAY, HOUR, MINUTE } from '../../kernel/clock.js'
import { withDeadline } from '../../kernel/outages.js'
import { emailDomainOnly } from '../../kernel/redact.js'
import {
  type Channel,
  type ClaimedMessage,
  type MailTransport,
  type OutboxQueue,
  type QueueVerdict,
  type SmsTransport,
  UndeliverableMessage,
  type WebhookSender,
} from './ports.js'
import { renderMail, renderSms } from './templates.js'

export interface OutboxMetrics {
  sent(channel: Channel): void
  /** A try failed and the message will be tried again. */
  failed(channel: Channel): void
  /** Given up at once: the message cannot be rendered, or its target is gone (a deleted webhook). */
  abandoned(channel: Channel): void
  /** Dropped at the gate's second look (`recheck`: a budget). */
  suppressed?(channel: Channel): void
  /** Closed unsent: the code or link it carries expired before it could be delivered. */
  expired?(channel: Channel): void
  /** Undelivered past the retry horizon (or the most tries): kept as `dead` for an operator. */
  deadLettered?(channel: Channel): void
  /** Made due at once because the channel's transport works again. */
  redriven?(channel: Channel, count: number): void
}

/** A message that was dead-lettered (for the `messages_dead_lettered` event: no address, no payload). */
export interface DeadLetter {
  id: string
  channel: Channel
  template: string
  attempts: number
  /** For webhook messages: the type of the event it carried. */
  eventType?: string
}

export interface OutboxWorkerDeps {
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
  /** Most tries (counting the first) before a message is dead-lettered. */
  maxAttempts: number
  /**
   * How long after it was queued a message is still tried again (default 24 h); its last try is
   * at the horizon, and a failure then dead-letters it.
   */
  horizonMs?: number
  /** Delay before the first retry; doubles on each try, capped at 15 minutes, plus up to 10% jitter. */
  retryBaseMs: number
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

const MAX_BACKOFF_MS = 15 * MINUTE
const DEFAULT_HORIZON_MS = DAY
/** A probe of a transport that does not answer within this has failed. */
const PROBE_TIMEOUT_MS = 10_000

type Outcome = 'sent' | 'retry' | 'abandoned' | 'suppressed' | 'expired' | 'dead'

/**
 * When the code or link a message carries stops working, as the message itself states it
 * (`expiresInMinutes` / `expiresInHours` from when it was queued), or null when it does not say.
 * Reset links, verification links, login and phone codes say; notices do not.
 */
export const expiresAtOf = (m: Pick<ClaimedMessage, 'createdAt' | 'payload'>): number | null => {
  const minutes = m.payload.expiresInMinutes
  if (typeof minutes === 'number' && minutes > 0) return m.createdAt + minutes * MINUTE
  const hours = m.payload.expiresInHours
  if (typeof hours === 'number' && hours > 0) return m.createdAt + hours * HOUR
  return null
}

const EMAIL_IN_TEXT = /[^\s<>"'(),;:@]+@([A-Za-z0-9.-]+)/g

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
 * domain: never the address, the payload or a token.
 */
export class OutboxWorker {
  readonly #deps: OutboxWorkerDeps
  readonly #batchSize: number
  readonly #leaseMs: number
  /** The public host, for Message-IDs. */
  readonly #host: string
  #running = false
  #stopping = false
  #timer: NodeJS.Timeout | undefined
  #loopRun: Promise<void> | undefined
  /** Every drainOnce in progress (the loop's and direct calls). */
  readonly #runs = new Set<Promise<number>>()
  /** Claimed by this worker and not yet attempted: released on stop. */
  readonly #claimed = new Map<string, number>()
  /**
   * Transports that failed their last send, by channel (email, sms) or webhook id, with the time of
   * the failure and of the last probe: a success there makes the waiting messages due at once.
   */
  readonly #failing = new Map<string, { since: number; probedAt: number }>()
  /** Dead-lettered in the run in progress. */
  #dead: DeadLetter[] = []

  constructor(deps: OutboxWorkerDeps) {
    if (!Number.isInteger(deps.maxAttempts) || deps.maxAttempts < 1)
      throw new Error('maxAttempts must be >= 1')
    this.#deps = deps
    this.#batchSize = Math.max(1, deps.batchSize ?? 20)
    this.#leaseMs = Math.max(1000, deps.leaseMs ?? 60_000)
    this.#host = new URL(deps.publicUrl).hostname || 'gatehouse.invalid'
  }

  /** Starts polling. Batches that come back full are followed at once; otherwise it waits `intervalMs`. */
  start(): void {
    if (this.#running) return
    this.#running = true
    this.#stopping = false
    this.#schedule(0)
  }

  /** New work was queued: run now instead of at the next interval. */
  kick(): void {
    if (!this.#running || this.#loopRun || !this.#timer) return
    clearTimeout(this.#timer)
    this.#schedule(0)
  }

  /** Stops polling, waits for the run in progress and releases the leases of messages it did not get to. */
  async stop(): Promise<void> {
    this.#running = false
    this.#stopping = true
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = undefined
    await this.#loopRun
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

  #schedule(delayMs: number): void {
    if (!this.#running) return
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      this.#loopRun = this.#tick()
    }, delayMs)
    this.#timer.unref()
  }

  async #tick(): Promise<void> {
    let full = false
    try {
      await this.probeTransports()
      full = (await this.drainOnce()) >= this.#batchSize
    } catch (err) {
      this.#deps.logger.error({ err: safeError(err) }, 'outbox run failed')
    }
    this.#loopRun = undefined
    this.#schedule(full ? 0 : this.#deps.intervalMs)
  }

  /**
   * Probes each failing transport that has a probe, at most once every `probeIntervalMs`: one that
   * answers makes its waiting messages due now. The loop calls it before each run.
   */
  async probeTransports(): Promise<void> {
    const { probes, clock } = this.#deps
    if (!probes) return
    for (const channel of ['email', 'sms'] as const) {
      const state = this.#failing.get(channel)
      const probe = probes[channel]
      if (!state || !probe || clock.now() - state.probedAt < (this.#deps.probeIntervalMs ?? 30_000)) continue
      state.probedAt = clock.now()
      try {
        await withDeadline(probe(), PROBE_TIMEOUT_MS, channel === 'email' ? 'smtp' : 'sms', 'a probe')
      } catch {
        continue
      }
      await this.#recovered(channel, channel)
    }
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
    if (this.#dead.length > 0) {
      const dead = this.#dead
      this.#dead = []
      this.#deps.onDeadLettered?.(dead)
    }
    return handled
  }

  /** Where a transport's health is kept: the channel, or for webhooks each receiver. */
  #transportKey(m: ClaimedMessage): string {
    return m.channel === 'webhook' ? `webhook:${m.recipient}` : m.channel
  }

  /** A send failed: the first failure of an outage is reported and logged; later ones only counted. */
  #transportFailed(m: ClaimedMessage, err: unknown): boolean {
    const key = this.#transportKey(m)
    if (this.#failing.has(key)) return false
    const now = this.#deps.clock.now()
    this.#failing.set(key, { since: now, probedAt: now })
    if (m.channel !== 'webhook') this.#deps.onTransport?.(m.channel, false, err)
    return true
  }

  /** The transport works again: what waits for a retry on it is due now. */
  async #recovered(key: string, channel: Channel, recipient?: string): Promise<void> {
    if (!this.#failing.delete(key)) return
    if (channel !== 'webhook') this.#deps.onTransport?.(channel, true)
    const due = await this.#deps.queue.redrive(channel, this.#deps.clock.now(), recipient)
    if (due > 0) {
      this.#deps.metrics.redriven?.(channel, due)
      this.#deps.logger.info(
        { channel, messages: due },
        'transport works again: messages waiting for a retry are due now',
      )
    }
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
    const { queue, clock, logger, metrics, recheck } = this.#deps
    const fields = logFields(m)
    // A code or link past its life is worth nothing to the recipient (and a late one confuses).
    const expiresAt = expiresAtOf(m)
    if (expiresAt !== null && clock.now() >= expiresAt) {
      await queue.expire(m.id, m.attempts, clock.now())
      metrics.expired?.(m.channel)
      logger.warn(fields, 'outbox message expired before it could be delivered: closed unsent')
      return 'expired'
    }
    let send: () => Promise<void>
    try {
      send = this.#render(m)
    } catch (err) {
      const error = safeError(err, m)
      await queue.abandon(m.id, m.attempts, `render: ${error.message}`, clock.now())
      metrics.abandoned(m.channel)
      logger.error({ ...fields, err: error }, 'outbox message cannot be rendered: abandoned')
      return 'abandoned'
    }
    try {
      const verdict = recheck ? await recheck(m) : null
      if (verdict && !verdict.queued) {
        const budget = verdict.reason === 'budget' ? verdict.budget : 'destination'
        await queue.suppress(m.id, budget, clock.now())
        metrics.suppressed?.(m.channel)
        logger.warn({ ...fields, budget }, 'outbox message over a budget at its second look: suppressed')
        return 'suppressed'
      }
      await send()
    } catch (err) {
      const error = safeError(err, m)
      const now = clock.now()
      if (err instanceof UndeliverableMessage) {
        await queue.abandon(m.id, m.attempts, error.message, now)
        metrics.abandoned(m.channel)
        logger.warn({ ...fields, err: error }, 'outbox message cannot be delivered: abandoned without retry')
        return 'abandoned'
      }
      const first = this.#transportFailed(m, err)
      const horizon = m.createdAt + (this.#deps.horizonMs ?? DEFAULT_HORIZON_MS)
      if (m.attempts >= this.#deps.maxAttempts || now >= horizon) {
        await queue.deadLetter(m.id, m.attempts, error.message, now)
        metrics.deadLettered?.(m.channel)
        const eventType = m.channel === 'webhook' ? m.payload.event_type : undefined
        this.#dead.push({
          id: m.id,
          channel: m.channel,
          template: m.template,
          attempts: m.attempts,
          ...(typeof eventType === 'string' ? { eventType } : {}),
        })
        logger.error(
          { ...fields, err: error },
          'outbox message undelivered past its retry horizon: dead-lettered (gatehouse outbox retry sends it again)',
        )
        return 'dead'
      }
      // The last try is at the horizon itself.
      const delay = Math.min(this.#backoff(m.attempts), horizon - now)
      await queue.retryLater(m.id, m.attempts, now + delay, error.message)
      metrics.failed(m.channel)
      // One line per outage of a transport; the retries that follow are counted, and logged at debug.
      const level = first ? 'warn' : 'debug'
      logger[level]({ ...fields, err: error, retry_in_ms: delay }, 'outbox message failed: will retry')
      return 'retry'
    }
    await queue.markSent(m.id, clock.now())
    metrics.sent(m.channel)
    logger.info(fields, 'outbox message sent')
    await this.#recovered(this.#transportKey(m), m.channel, m.channel === 'webhook' ? m.recipient : undefined)
    return 'sent'
  }

  /** Renders now (so that a bad template fails before any side effect) and returns the send. */
  #render(m: ClaimedMessage): () => Promise<void> {
    const { mail, sms, webhooks, publicUrl, productName } = this.#deps
    const ctx = productName ? { publicUrl, productName } : { publicUrl }
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

  #backoff(attempts: number): number {
    const base = Math.min(this.#deps.retryBaseMs * 2 ** Math.max(0, attempts - 1), MAX_BACKOFF_MS)
    return Math.round(base + Math.random() * base * 0.1)
  }
}

const logFields = (m: ClaimedMessage) => ({
  message_id: m.id,
  template: m.template,
  channel: m.channel,
  attempts: m.attempts,
  ...(m.channel === 'email' ? { recipient_domain: emailDomainOnly(m.recipient) } : {}),
})

/**
 * An error reduced to what may be logged and stored: the message with every
 * address cut to its domain and the recipient and payload values blanked,
 * plus the SMTP code. Transport errors quote recipients (`550 <a@b>: rejected`)
 * and carry them in extra fields, so the original is never passed on.
 */
export const safeError = (
  err: unknown,
  m?: Pick<ClaimedMessage, 'recipient' | 'payload'>,
): { message: string; code?: string; responseCode?: number } => {
  const e = err as { message?: unknown; code?: unknown; responseCode?: unknown } | null
  let message = typeof e?.message === 'string' ? e.message : String(err)
  if (m) {
    const secrets = [
      m.recipient,
      ...Object.values(m.payload).filter((v): v is string => typeof v === 'string'),
    ]
    for (const s of secrets.filter((s) => s.length >= 4).sort((a, b) => b.length - a.length)) {
      message = message.split(s).join('[redacted]')
    }
  }
  message = message.replace(EMAIL_IN_TEXT, (_all, domain: string) => `…@${domain}`).slice(0, 500)
  return {
    message,
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
    ...(typeof e?.responseCode === 'number' ? { responseCode: e.responseCode } : {}),
  }
}
