import { z } from 'zod'
import type { HttpServer } from '../../http/server.js'
import { principalOf, requireSession } from '../sessions/http-auth.js'
import type { SessionsService } from '../sessions/service.js'
import type { SecurityEventLog } from './ports.js'

const EventView = z.object({
  id: z.number(),
  type: z.string().describe('See docs/events.md'),
  time: z.string(),
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
})

export const eventRoutes = (
  app: HttpServer,
  deps: { sessions: SessionsService; events: SecurityEventLog },
) => {
  app.get(
    '/v1/me/events',
    {
      preHandler: requireSession(deps.sessions),
      schema: {
        summary: "The account's own security history, newest first",
        description:
          'Logins (and failed ones), new devices, password changes and resets, blocked reset requests, factor changes … Pages of `limit` (1–100, default 50); pass `next_before` back as `before` for the next page.',
        tags: ['events'],
        security: [{ bearer: [] }, { cookie: [] }],
        querystring: z.strictObject({
          limit: z.coerce.number().int().min(1).max(100).default(50),
          before: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
        }),
        response: {
          200: z.object({ events: z.array(EventView), next_before: z.number().nullable() }),
        },
      },
    },
    async (req) => {
      const { limit, before } = req.query
      // One more than asked for tells whether another page exists.
      const rows = await deps.events.listForAccount(principalOf(req).account.id, limit + 1, before)
      const page = rows.slice(0, limit)
      return {
        events: page.map((e) => ({
          id: e.id,
          type: e.type,
          time: new Date(e.at).toISOString(),
          ip: e.context.ip,
          user_agent: e.context.userAgent,
          details: e.details,
        })),
        next_before: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
      }
    },
  )
}
