import { z } from 'zod'
import { noContent } from '../../http/no-content.js'
import { type HttpServer, requestContext } from '../../http/server.js'
import { type Authorize, type StaffPrincipal, staffOf } from '../access/authorize.js'
import type { AuditService } from '../audit/service.js'
import { securityEventTypes } from '../events/vocabulary.js'
import type { WebhookDelivery, WebhookRecord } from './ports.js'
import { WEBHOOK_LIMITS, type WebhooksService } from './service.js'

const eventTypeNames = Object.keys(securityEventTypes) as [
  keyof typeof securityEventTypes,
  ...(keyof typeof securityEventTypes)[],
]

const WebhookView = z.object({
  id: z.string(),
  url: z.string(),
  event_types: z.array(z.string()).describe('Security event types, see docs/events.md'),
  description: z.string().nullable(),
  created_at: z.string(),
})

const view = (w: WebhookRecord) => ({
  id: w.id,
  url: w.url,
  event_types: w.eventTypes,
  description: w.description,
  created_at: new Date(w.createdAt).toISOString(),
})

const DeliveryView = z.object({
  id: z.string(),
  message_id: z.string().describe('The `gatehouse-webhook-id` header; the same on every try of a message'),
  event_type: z.string(),
  attempt: z.number().describe('1 for the first try'),
  status_code: z.number().nullable().describe("The receiver's HTTP status; null when it did not answer"),
  error: z.string().nullable(),
  duration_ms: z.number(),
  time: z.string(),
})

const deliveryView = (d: WebhookDelivery) => ({
  id: d.id,
  message_id: d.messageId,
  event_type: d.eventType,
  attempt: d.attempt,
  status_code: d.statusCode,
  error: d.error,
  duration_ms: d.durationMs,
  time: new Date(d.deliveredAt).toISOString(),
})

const WebhookParams = z.strictObject({ id: z.string().min(1).max(64) })

export interface WebhookRouteDeps {
  authorize: Authorize
  webhooks: WebhooksService
  audit: AuditService
}

/** Who is recorded as the creator or deleter: the account, or the API key. */
const by = (s: StaffPrincipal) => (s.kind === 'session' ? s.accountId : s.actor)

const security: Record<string, string[]>[] = [{ bearer: [] }, { cookie: [] }]

const common = { tags: ['admin'], security }

/** Add a webhook: its secret is in this answer only. */
const createRoute = (app: HttpServer, deps: WebhookRouteDeps) => {
  const write = { preHandler: deps.authorize('webhooks:write') }

  app.post(
    '/v1/admin/webhooks',
    {
      ...write,
      schema: {
        ...common,
        summary: 'Add a webhook endpoint that receives signed security events',
        description:
          'The events of the chosen types are POSTed to `url` (http or https), signed with `secret` — shown in this answer only. See docs/webhooks.md.',
        body: z.strictObject({
          url: z.string().min(1).max(WEBHOOK_LIMITS.urlLength),
          event_types: z.array(z.enum(eventTypeNames)).min(1).max(WEBHOOK_LIMITS.eventTypes),
          description: z.string().max(WEBHOOK_LIMITS.descriptionLength).optional(),
        }),
        response: {
          201: WebhookView.extend({
            secret: z.string().describe('`whsec_…`: the key of the HMAC-SHA256 signatures; shown once'),
          }),
        },
      },
    },
    async (req, reply) => {
      const { webhook, secret } = await deps.webhooks.create(
        { url: req.body.url, eventTypes: req.body.event_types, description: req.body.description },
        by(staffOf(req)),
        requestContext(req),
      )
      await deps.audit.record(
        staffOf(req).actor,
        requestContext(req),
        'webhook.create',
        `webhook:${webhook.id}`,
        {
          url_host: new URL(webhook.url).host,
          event_types: webhook.eventTypes,
        },
      )
      return reply.status(201).send({ ...view(webhook), secret })
    },
  )
}

/** List the webhooks, delete one, read its delivery log. */
const manageRoutes = (app: HttpServer, deps: WebhookRouteDeps) => {
  const read = { preHandler: deps.authorize('webhooks:read') }
  const write = { preHandler: deps.authorize('webhooks:write') }

  app.get(
    '/v1/admin/webhooks',
    {
      ...read,
      schema: {
        ...common,
        summary: 'The webhook endpoints (without their secrets)',
        response: { 200: z.object({ webhooks: z.array(WebhookView) }) },
      },
    },
    async () => ({ webhooks: (await deps.webhooks.list()).map(view) }),
  )

  app.delete(
    '/v1/admin/webhooks/:id',
    {
      ...write,
      schema: {
        ...common,
        summary: 'Delete a webhook endpoint',
        description: 'Nothing more is sent to it, including messages already queued.',
        params: WebhookParams,
        response: noContent,
      },
    },
    async (req, reply) => {
      await deps.webhooks.delete(req.params.id, by(staffOf(req)), requestContext(req))
      await deps.audit.record(
        staffOf(req).actor,
        requestContext(req),
        'webhook.delete',
        `webhook:${req.params.id}`,
      )
      return reply.status(204).send(null)
    },
  )

  app.get(
    '/v1/admin/webhooks/:id/deliveries',
    {
      ...read,
      schema: {
        ...common,
        summary: "The webhook's delivery log, newest first",
        description: 'Every try: its HTTP status or error, and how long it took. Kept 30 days.',
        params: WebhookParams,
        querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: { 200: z.object({ deliveries: z.array(DeliveryView) }) },
      },
    },
    async (req) => ({
      deliveries: (await deps.webhooks.deliveries(req.params.id, req.query.limit)).map(deliveryView),
    }),
  )
}

/** The admin webhooks API: endpoints that receive signed security events. */
export const webhookRoutes = (app: HttpServer, deps: WebhookRouteDeps) => {
  createRoute(app, deps)
  manageRoutes(app, deps)
}
