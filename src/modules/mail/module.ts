import type { Logger } from 'pino'
import type { Config } from '../../config/index.js'
import type { HttpServer } from '../../http/server.js'
import type { Clock } from '../../kernel/clock.js'
import { DAY, MINUTE } from '../../kernel/clock.js'
import type { Purge } from '../../kernel/housekeeping.js'
import type { Notifier } from '../../kernel/notifier.js'
import { dependencyFailureOf, type OutageTracker } from '../../kernel/outages.js'
import type { Metrics } from '../../metrics.js'
import type { Authorize } from '../access/authorize.js'
import type { AuditService } from '../audit/service.js'
import type { EventRecorder } from '../events/recorder.js'
import { noContext } from '../events/recorder.js'
import { type GateHooks, OutboundGate } from './gate.js'
import type {
  BudgetScope,
  Channel,
  MailTransport,
  MessageLedger,
  OutboxQueue,
  SmsTransport,
  WebhookSender,
} from './ports.js'
import { outboxRoutes } from './routes.js'
import { type DeadLetter, OutboxWorker } from './worker.js'

/** An SMS budget refused a text (told at most once a minute per budget). */
export interface BudgetExhausted {
  budget: BudgetScope
  channel: Channel
  stage: 'queue' | 'send'
}

/** The outbound gate in front of a ledger, counting what it queues and refuses. */
export type GateFactory = (ledger: MessageLedger) => OutboundGate

export const outboundGate = (
  config: Pick<Config, 'gate'>,
  deps: { metrics: Metrics; clock: Clock; exhausted: Notifier<BudgetExhausted> },
): GateFactory => {
  const settings = config.gate
  const told = new Map<string, number>()
  const hooks: GateHooks = {
    queued: (channel) => deps.metrics.messages.inc({ channel, state: 'queued' }),
    suppressed: (channel, kind, budget, stage) => {
      deps.metrics.suppressed.inc({ channel, kind, budget, stage })
      if (budget !== 'sms_global' && budget !== 'sms_country') return
      const now = deps.clock.now()
      if ((told.get(budget) ?? 0) > now - MINUTE) return
      told.set(budget, now)
      deps.exhausted.notify({ budget, channel, stage })
    },
  }
  return (ledger) => new OutboundGate(ledger, settings, hooks)
}

/**
 * One `messages_dead_lettered` event per run that dead-lettered messages. Webhook messages that
 * carried this very event are left out, so that a receiver that is down cannot feed a loop.
 */
const deadLetterRecorder =
  (events: EventRecorder, logger: Logger) =>
  (dead: DeadLetter[]): void => {
    const counted = dead.filter((m) => m.eventType !== 'messages_dead_lettered')
    if (counted.length === 0) return
    const channels: Record<string, number> = {}
    for (const m of counted) channels[m.channel] = (channels[m.channel] ?? 0) + 1
    events
      .record(
        'messages_dead_lettered',
        null,
        { ...noContext, requestId: 'outbox' },
        {
          count: counted.length,
          channels,
          templates: [...new Set(counted.map((m) => m.template))].sort(),
          message_ids: counted.slice(0, 20).map((m) => m.id),
        },
      )
      .catch((err) => logger.error({ err }, 'could not record messages_dead_lettered'))
  }

export interface MailModuleDeps {
  config: Pick<Config, 'outbox'>
  queue: OutboxQueue
  ledger: MessageLedger
  gate: GateFactory
  mail: MailTransport
  sms: SmsTransport
  webhooks: WebhookSender
  clock: Clock
  logger: Logger
  metrics: Metrics
  outages: OutageTracker
  events: EventRecorder
  /** Services queued messages: deliver now rather than at the next poll. */
  queued: Notifier
  exhausted: Notifier<BudgetExhausted>
}

/**
 * Outgoing messages: the outbox worker that delivers them (mail, SMS, webhooks), the dead letters'
 * routes, and the outbox's share of housekeeping.
 */
export const createMailModule = (deps: MailModuleDeps) => {
  const { config, clock, metrics, events, logger } = deps
  deps.exhausted.listen(({ budget, channel, stage }) => {
    events
      .record('outbound_budget_exhausted', null, noContext, { budget, channel, stage })
      .catch((err) => logger.error({ err }, 'could not record outbound_budget_exhausted'))
  })
  const recordDeadLetters = deadLetterRecorder(events, logger)
  const sendGate = deps.gate(deps.ledger)
  const count = (state: string) => (channel: Channel, n?: number) =>
    n === undefined ? metrics.messages.inc({ channel, state }) : metrics.messages.inc({ channel, state }, n)
  const worker = new OutboxWorker({
    queue: deps.queue,
    mail: deps.mail,
    sms: deps.sms,
    webhooks: deps.webhooks,
    clock,
    logger,
    metrics: {
      sent: count('sent'),
      failed: count('failed'),
      abandoned: count('abandoned'),
      suppressed: count('suppressed'),
      expired: count('expired'),
      deadLettered: count('dead_lettered'),
      redriven: count('redriven'),
    },
    ...config.outbox,
    onDeadLettered: recordDeadLetters,
    // The relay (or SMS provider) as a dependency: one log line per outage, and a gauge.
    onTransport: (channel, up, err) => {
      const dependency = channel === 'email' ? 'smtp' : 'sms'
      if (up) deps.outages.recovered(dependency)
      else
        deps.outages.failed(
          dependencyFailureOf(err, dependency) ?? {
            dependency,
            reason: String((err as Error)?.message ?? err).slice(0, 200),
          },
          'outbox',
        )
    },
    ...(deps.mail.verify ? { probes: { email: () => deps.mail.verify?.() ?? Promise.resolve() } } : {}),
    // The outbound gate's second look, before each send (budgets over what was sent meanwhile).
    recheck: (m) => sendGate.recheck(m, clock.now()),
  })
  deps.queued.listen(() => worker.kick())
  const purge: Purge = async (now) => ({
    deleted_messages: await deps.queue.deleteFinishedBefore(now - 30 * DAY),
  })
  return {
    worker,
    purge,
    routes: (http: HttpServer, with_: { authorize: Authorize; audit: AuditService }) =>
      outboxRoutes(http, {
        authorize: with_.authorize,
        audit: with_.audit,
        queue: deps.queue,
        now: () => clock.now(),
        onRetried: () => worker.kick(),
      }),
  }
}
