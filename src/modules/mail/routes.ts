import { z } from 'zod'
import type { HttpServer } from '../../http/server.js'
import { requestContext } from '../../http/server.js'
import { iso } from '../../kernel/clock.js'
import { AppError } from '../../kernel/errors.js'
import { type Authorize, staffOf } from '../access/authorize.js'
import type { AuditService } from '../audit/service.js'
import type { DeadLetterView, OutboxQueue } from './ports.js'

const DeadLetter = z.object({
  id: z.string(),
  channel: z.enum(['email', 'sms', 'webhook']),
  template: z.string(),
  account_id: z.string().nullable(),
  attempts: z.number(),
  last_error: z.string().nullable().describe('Why the last try failed; addresses cut to their domain'),
  created_at: z.string(),
  dead_at: z.string(),
})

export const deadLetterView = (m: DeadLetterView): z.infer<typeof DeadLetter> => ({
  id: m.id,
  channel: m.channel,
  template: m.template,
  account_id: m.accountId,
  attempts: m.attempts,
  last_error: m.lastError,
  created_at: iso(m.createdAt),
  dead_at: iso(m.deadAt),
})

/** `<dead_at ms>.<id>`: where the next page starts. */
const cursorOf = (m: DeadLetterView) => `${m.deadAt}.${m.id}`
const parseCursor = (raw: string): { at: number; id: string } => {
  const match = /^(\d{1,16})\.([A-Za-z0-9_-]{1,64})$/.exec(raw)
  if (!match) throw new AppError('invalid_request', { detail: 'before is not a cursor this API gave' })
  return { at: Number(match[1]), id: match[2]! }
}

/**
 * Dead letters: messages undelivered past their retry horizon (docs/reliability.md). Listing needs
 * `accounts:read`, sending again `accounts:write` (they are messages to accounts); a retry is
 * audited. Neither shows an address or a payload.
 */
export const outboxRoutes = (
  app: HttpServer,
  deps: {
    authorize: Authorize
    audit: AuditService
    queue: Pick<OutboxQueue, 'listDead' | 'retryDead'>
    now: () => number
    /** Dead letters queued again: deliver now rather than at the next poll. */
    onRetried?: () => void
  },
) => {
  const security: Array<Record<string, string[]>> = [{ bearer: [] }, { cookie: [] }]
  app.get(
    '/v1/admin/outbox/dead',
    {
      preHandler: deps.authorize('accounts:read'),
      schema: {
        summary: 'Dead-lettered messages, newest first',
        tags: ['admin'],
        security,
        querystring: z.strictObject({
          limit: z.coerce.number().int().min(1).max(500).default(50),
          before: z.string().max(100).optional(),
        }),
        response: { 200: z.object({ messages: z.array(DeadLetter), next: z.string().nullable() }) },
      },
    },
    async (req) => {
      const { limit, before } = req.query
      const page = await deps.queue.listDead(limit, before ? parseCursor(before) : undefined)
      return {
        messages: page.map(deadLetterView),
        next: page.length === limit ? cursorOf(page[page.length - 1]!) : null,
      }
    },
  )

  app.post(
    '/v1/admin/outbox/retry',
    {
      preHandler: deps.authorize('accounts:write'),
      schema: {
        summary:
          'Send dead-lettered messages again (each gets one more try now; a code or link that expired meanwhile is closed as expired instead)',
        tags: ['admin'],
        security,
        body: z.union([
          z.strictObject({ ids: z.array(z.string().min(1).max(64)).min(1).max(1000) }),
          z.strictObject({ all: z.literal(true) }),
        ]),
        response: { 200: z.object({ retried: z.number() }) },
      },
    },
    async (req) => {
      const staff = staffOf(req)
      const ids = 'all' in req.body ? 'all' : [...new Set(req.body.ids)]
      const retried = await deps.queue.retryDead(ids, deps.now())
      await deps.audit.record(staff.actor, requestContext(req), 'outbox.retry', null, {
        ...(ids === 'all' ? { all: true } : { ids }),
        retried,
      })
      if (retried > 0) deps.onRetried?.()
      return { retried }
    },
  )
}
