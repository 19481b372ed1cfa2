import type { Logger } from 'pino'
import type { Config } from '../../config/index.js'
import type { HttpServer } from '../../http/server.js'
import type { Clock } from '../../kernel/clock.js'
import type { Notifier } from '../../kernel/notifier.js'
import type { SecretBox } from '../../kernel/secret-box.js'
import type { Metrics } from '../../metrics.js'
import type { Authorize } from '../access/authorize.js'
import type { AuditService } from '../audit/service.js'
import type { EventRecorder } from '../events/recorder.js'
import type { Outbox } from '../mail/ports.js'
import type { WebhookRepository } from './ports.js'
import { webhookRoutes } from './routes.js'
import { HttpWebhookSender } from './sender.js'
import { WebhooksService } from './service.js'

export interface WebhooksModuleDeps {
  config: Pick<Config, 'webhooks'>
  repo: WebhookRepository
  outbox: Outbox
  box: SecretBox
  clock: Clock
  events: EventRecorder
  metrics: Metrics
  logger: Logger
  /** Messages were queued: the outbox worker can start at once. */
  queued: Notifier
}

/**
 * Webhook endpoints: their administration, the fan-out of every recorded event to them (a
 * subscription on the event recorder) and the sender the outbox worker delivers them with.
 */
export const createWebhooksModule = (deps: WebhooksModuleDeps) => {
  const { config, clock, box } = deps
  const service = new WebhooksService({
    webhooks: deps.repo,
    outbox: deps.outbox,
    box,
    clock,
    events: deps.events,
    onQueued: (count) => {
      deps.metrics.messages.inc({ channel: 'webhook', state: 'queued' }, count)
      deps.queued.notify()
    },
    allowPrivate: config.webhooks.allowPrivate,
  })
  deps.events.subscribe((recorded) => service.fanOut(recorded))
  const sender = new HttpWebhookSender({
    webhooks: deps.repo,
    box,
    clock,
    onLogError: (err) => deps.logger.error({ err }, 'could not write the webhook delivery log'),
    allowPrivate: config.webhooks.allowPrivate,
  })
  return {
    service,
    sender,
    routes: (http: HttpServer, with_: { authorize: Authorize; audit: AuditService }) =>
      webhookRoutes(http, { authorize: with_.authorize, webhooks: service, audit: with_.audit }),
  }
}
