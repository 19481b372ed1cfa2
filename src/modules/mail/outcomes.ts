import type { Logger } from 'pino'
import type { Clock } from '../../kernel/clock.js'
import { logFields, type SafeError } from './outbox-log.js'
import type { BudgetScope, Channel, ClaimedMessage, OutboxQueue } from './ports.js'

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

export type Outcome = 'sent' | 'retry' | 'abandoned' | 'suppressed' | 'expired' | 'dead'

export interface OutcomeRecorderDeps {
  queue: OutboxQueue
  clock: Clock
  logger: Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>
  metrics: OutboxMetrics
}

/**
 * Records what became of a try of an outbox message: the queue's row, the metric and the log
 * line, one method per outcome. Dead letters are collected until `takeDead()`.
 */
export class OutcomeRecorder {
  readonly #deps: OutcomeRecorderDeps
  #dead: DeadLetter[] = []

  constructor(deps: OutcomeRecorderDeps) {
    this.#deps = deps
  }

  /** A code or link past its life is worth nothing to the recipient (and a late one confuses). */
  async expired(m: ClaimedMessage): Promise<Outcome> {
    const { queue, clock, metrics, logger } = this.#deps
    await queue.expire(m.id, m.attempts, clock.now())
    metrics.expired?.(m.channel)
    logger.warn(logFields(m), 'outbox message expired before it could be delivered: closed unsent')
    return 'expired'
  }

  async unrenderable(m: ClaimedMessage, error: SafeError): Promise<Outcome> {
    const { queue, clock, metrics, logger } = this.#deps
    await queue.abandon(m.id, m.attempts, `render: ${error.message}`, clock.now())
    metrics.abandoned(m.channel)
    logger.error({ ...logFields(m), err: error }, 'outbox message cannot be rendered: abandoned')
    return 'abandoned'
  }

  async suppressed(m: ClaimedMessage, budget: BudgetScope): Promise<Outcome> {
    const { queue, clock, metrics, logger } = this.#deps
    await queue.suppress(m.id, budget, clock.now())
    metrics.suppressed?.(m.channel)
    logger.warn({ ...logFields(m), budget }, 'outbox message over a budget at its second look: suppressed')
    return 'suppressed'
  }

  async undeliverable(m: ClaimedMessage, error: SafeError, now: number): Promise<Outcome> {
    const { queue, metrics, logger } = this.#deps
    await queue.abandon(m.id, m.attempts, error.message, now)
    metrics.abandoned(m.channel)
    logger.warn(
      { ...logFields(m), err: error },
      'outbox message cannot be delivered: abandoned without retry',
    )
    return 'abandoned'
  }

  async deadLettered(m: ClaimedMessage, error: SafeError, now: number): Promise<Outcome> {
    const { queue, metrics, logger } = this.#deps
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
      { ...logFields(m), err: error },
      'outbox message undelivered past its retry horizon: dead-lettered (gatehouse outbox retry sends it again)',
    )
    return 'dead'
  }

  /** `firstFailure`: the first failure of its transport's outage, logged at warn; the rest at debug. */
  async retry(
    m: ClaimedMessage,
    error: SafeError,
    now: number,
    delayMs: number,
    firstFailure: boolean,
  ): Promise<Outcome> {
    const { queue, metrics, logger } = this.#deps
    await queue.retryLater(m.id, m.attempts, now + delayMs, error.message)
    metrics.failed(m.channel)
    // One line per outage of a transport; the retries that follow are counted, and logged at debug.
    const level = firstFailure ? 'warn' : 'debug'
    logger[level]({ ...logFields(m), err: error, retry_in_ms: delayMs }, 'outbox message failed: will retry')
    return 'retry'
  }

  async sent(m: ClaimedMessage): Promise<Outcome> {
    const { queue, clock, metrics, logger } = this.#deps
    await queue.markSent(m.id, clock.now())
    metrics.sent(m.channel)
    logger.info(logFields(m), 'outbox message sent')
    return 'sent'
  }

  /** The messages dead-lettered since the last call. */
  takeDead(): DeadLetter[] {
    const dead = this.#dead
    this.#dead = []
    return dead
  }
}
