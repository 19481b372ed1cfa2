import { randomBytes } from 'node:crypto'
import type { Clock } from '../../kernel/clock.js'
import { AppError } from '../../kernel/errors.js'
import type { SecretBox } from '../../kernel/secret-box.js'
import { newId } from '../../kernel/tokens.js'
import type { RequestContext, SecurityEvent } from '../events/ports.js'
import type { EventRecorder } from '../events/recorder.js'
import { type SecurityEventType, securityEventTypes } from '../events/vocabulary.js'
import type { Outbox, OutgoingMessage } from '../mail/ports.js'
import type { WebhookDelivery, WebhookRecord, WebhookRepository } from './ports.js'
import { checkTarget } from './targets.js'

export const WEBHOOK_LIMITS = {
  /** Active webhooks at once. */
  webhooks: 50,
  eventTypes: 20,
  urlLength: 2048,
  descriptionLength: 200,
} as const

/** How long the list of webhooks is trusted before the fan-out reads it again. */
const DEFAULT_CACHE_MS = 5_000

/** What binds a sealed secret to its webhook: a sealed value copied to another row does not open. */
export const secretAad = (webhookId: string) => `gatehouse webhook ${webhookId}`

export const isEventType = (t: string): t is SecurityEventType => Object.hasOwn(securityEventTypes, t)

export interface NewWebhook {
  url: string
  eventTypes: string[]
  description?: string | undefined
}

export interface WebhooksServiceDeps {
  webhooks: WebhookRepository
  outbox: Outbox
  box: SecretBox
  clock: Clock
  events: EventRecorder
  /** Messages were queued (count): a worker can start at once. */
  onQueued?: (count: number) => void
  cacheMs?: number
  /** Take URLs of loopback, private and other non-public addresses (GATEHOUSE_WEBHOOK_ALLOW_PRIVATE). */
  allowPrivate: boolean
}

/** The body sent for one event: no contact data or token (event details never hold any). */
export const webhookBody = (messageId: string, event: SecurityEvent): string =>
  JSON.stringify({
    id: messageId,
    type: event.type,
    time: new Date(event.at).toISOString(),
    account_id: event.accountId,
    ip: event.context.ip,
    request_id: event.context.requestId,
    details: event.details,
  })

/**
 * Administers webhook endpoints and fans security events out to them: one outbox message per
 * subscribed endpoint, delivered (signed, retried) by the outbox worker.
 */
export class WebhooksService {
  readonly #deps: WebhooksServiceDeps
  readonly #cacheMs: number
  #cache: { at: number; hooks: WebhookRecord[] } | undefined
  #loading: Promise<WebhookRecord[]> | undefined

  constructor(deps: WebhooksServiceDeps) {
    this.#deps = deps
    this.#cacheMs = Math.min(DEFAULT_CACHE_MS, Math.max(0, deps.cacheMs ?? DEFAULT_CACHE_MS))
  }

  /**
   * Adds an endpoint; the secret is returned here only (stored sealed, never shown again). Unless
   * `allowPrivate`, a URL whose host is, or now resolves to, an address that is not public is
   * refused (`webhook_url_not_public`); deliveries check again.
   */
  async create(
    input: NewWebhook,
    actorId: string,
    ctx: RequestContext,
  ): Promise<{ webhook: WebhookRecord; secret: string }> {
    const url = checkUrl(input.url)
    if (!this.#deps.allowPrivate) {
      const refused = await checkTarget(new URL(url))
      if (refused)
        throw new AppError('webhook_url_not_public', {
          detail: `${refused.message}: webhooks go to public addresses only (GATEHOUSE_WEBHOOK_ALLOW_PRIVATE)`,
        })
    }
    const eventTypes = [...new Set(input.eventTypes)]
    if (eventTypes.length === 0 || eventTypes.length > WEBHOOK_LIMITS.eventTypes)
      throw new AppError('invalid_request', {
        detail: `Subscribe to 1 to ${WEBHOOK_LIMITS.eventTypes} event types`,
      })
    const unknown = eventTypes.filter((t) => !isEventType(t))
    if (unknown.length > 0)
      throw new AppError('invalid_request', {
        detail: `Unknown event type: ${unknown[0]!.slice(0, 64)} (see docs/events.md)`,
      })
    const description = input.description?.trim() || null
    if (description && description.length > WEBHOOK_LIMITS.descriptionLength)
      throw new AppError('invalid_request', { detail: 'The description is too long' })
    const { webhooks, box, clock, events } = this.#deps
    if ((await webhooks.listActive()).length >= WEBHOOK_LIMITS.webhooks)
      throw new AppError('invalid_request', {
        detail: `At most ${WEBHOOK_LIMITS.webhooks} webhooks; delete one first`,
      })
    const id = newId()
    const secret = `whsec_${randomBytes(32).toString('base64url')}`
    const webhook: WebhookRecord = {
      id,
      url,
      description,
      eventTypes: eventTypes as SecurityEventType[],
      secretSealed: box.seal(secret, secretAad(id)),
      createdBy: actorId,
      createdAt: clock.now(),
      disabledAt: null,
    }
    await webhooks.create(webhook)
    this.#invalidate()
    await events.record('webhook_created', actorId, ctx, {
      webhook_id: id,
      host: new URL(url).host,
      event_types: webhook.eventTypes,
    })
    return { webhook, secret }
  }

  list(): Promise<WebhookRecord[]> {
    return this.#deps.webhooks.listActive()
  }

  /** Nothing more is sent to it; messages already queued are dropped when their turn comes. */
  async delete(id: string, actorId: string, ctx: RequestContext): Promise<void> {
    if (!(await this.#deps.webhooks.disable(id, this.#deps.clock.now()))) throw new AppError('not_found')
    this.#invalidate()
    await this.#deps.events.record('webhook_deleted', actorId, ctx, { webhook_id: id })
  }

  /** The delivery log of an active webhook, newest first. */
  async deliveries(id: string, limit: number): Promise<WebhookDelivery[]> {
    const hook = await this.#deps.webhooks.find(id)
    if (!hook || hook.disabledAt !== null) throw new AppError('not_found')
    return this.#deps.webhooks.listDeliveries(id, limit)
  }

  /**
   * The event recorder's listener: queues, in bulk, one message per event and active webhook subscribed to
   * the event's type. Costs no query when no webhook is subscribed (the list is cached).
   */
  async fanOut(events: readonly SecurityEvent[]): Promise<void> {
    const hooks = await this.#active()
    if (hooks.length === 0) return
    const messages: OutgoingMessage[] = []
    for (const event of events) {
      for (const hook of hooks) {
        if (!hook.eventTypes.includes(event.type)) continue
        messages.push({
          channel: 'webhook',
          recipient: hook.id,
          template: 'webhook',
          payload: { event_type: event.type, body: webhookBody(newId(), event) },
          accountId: event.accountId,
        })
      }
    }
    if (messages.length === 0) return
    const queued = await this.#deps.outbox.enqueueMany(messages, this.#deps.clock.now())
    this.#deps.onQueued?.(queued)
  }

  /** After a change here: the next event reads the list again (other instances within the cache period). */
  #invalidate(): void {
    this.#cache = undefined
    this.#loading = undefined
  }

  /** Active webhooks, read at most once per cache period (an event costs no query then). */
  async #active(): Promise<WebhookRecord[]> {
    const now = this.#deps.clock.now()
    const cached = this.#cache
    if (cached && now >= cached.at && now - cached.at < this.#cacheMs) return cached.hooks
    if (!this.#loading) {
      const loading = this.#deps.webhooks.listActive()
      this.#loading = loading
      void loading
        .then(
          (hooks) => {
            if (this.#loading === loading) this.#cache = { at: now, hooks }
          },
          () => {},
        )
        .finally(() => {
          if (this.#loading === loading) this.#loading = undefined
        })
    }
    return this.#loading
  }
}

const checkUrl = (raw: string): string => {
  if (raw.length > WEBHOOK_LIMITS.urlLength)
    throw new AppError('invalid_request', { detail: 'The URL is too long' })
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new AppError('invalid_request', { detail: 'The URL is not valid' })
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new AppError('invalid_request', { detail: 'The URL must be http or https' })
  if (url.username || url.password)
    throw new AppError('invalid_request', { detail: 'The URL must not carry credentials' })
  url.hash = ''
  return url.toString()
}
