import { z } from 'zod'
import type { HttpServer } from '../../http/server.js'
import type { Authorize } from '../access/authorize.js'
import { AccountRef, mayName, type NameDirectory, resolveNames } from '../admin/names.js'
import { principalOf, requireSession } from '../sessions/http-auth.js'
import type { SessionsService } from '../sessions/service.js'
import type { SecurityEventLog, StoredSecurityEvent } from './ports.js'

/** One page of events, read with one more than `limit` so that the cursor says whether more exist. */
const pageOf = <T>(rows: StoredSecurityEvent[], limit: number, view: (e: StoredSecurityEvent) => T) => {
  const page = rows.slice(0, limit)
  return { events: page.map(view), next_before: rows.length > limit ? (page.at(-1)?.id ?? null) : null }
}

const ownView = (e: StoredSecurityEvent) => ({
  id: e.id,
  type: e.type,
  time: new Date(e.at).toISOString(),
  ip: e.context.ip,
  user_agent: e.context.userAgent,
  details: e.details,
})

const EventView = z.object({
  id: z.number(),
  type: z.string().describe('See docs/events.md'),
  time: z.string(),
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
})

export interface EventRouteDeps {
  sessions: SessionsService
  events: SecurityEventLog
  authorize: Authorize
  names: NameDirectory
}

const isoTime = z.iso.datetime({ offset: true }).transform((v) => Date.parse(v))

/** The account's own security history. */
const ownEventsRoute = (app: HttpServer, deps: EventRouteDeps) => {
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
      return pageOf(
        await deps.events.listForAccount(principalOf(req).account.id, limit + 1, before),
        limit,
        ownView,
      )
    },
  )
}

/** Security events of every account, filtered, for administrators. */
const adminEventsRoute = (app: HttpServer, deps: EventRouteDeps) => {
  app.get(
    '/v1/admin/events',
    {
      preHandler: deps.authorize('accounts:read'),
      schema: {
        summary: 'Security events of every account, newest first (administrators with a second factor)',
        description:
          'Filters: type, account_id, ip, since and until (ISO 8601 times). Pages of `limit` (1–500, default 100); pass `next_before` back as `before`.',
        tags: ['admin'],
        security: [{ bearer: [] }, { cookie: [] }],
        querystring: z.strictObject({
          type: z.string().min(1).max(64).optional(),
          account_id: z.string().min(1).max(64).optional(),
          ip: z.string().min(1).max(64).optional(),
          since: isoTime.optional(),
          until: isoTime.optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
          before: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
        }),
        response: {
          200: z.object({
            events: z.array(
              EventView.extend({
                account_id: z.string().nullable(),
                account: AccountRef.nullable()
                  .optional()
                  .describe('The account, by name; left out without accounts:read'),
                subnet: z.string().nullable(),
                client_version: z.string().nullable(),
                request_id: z.string().nullable(),
              }),
            ),
            next_before: z.number().nullable(),
          }),
        },
      },
    },
    async (req) => {
      const q = req.query
      const rows = await deps.events.search(
        {
          ...(q.type !== undefined ? { type: q.type } : {}),
          ...(q.account_id !== undefined ? { accountId: q.account_id } : {}),
          ...(q.ip !== undefined ? { ip: q.ip } : {}),
          ...(q.since !== undefined ? { since: q.since } : {}),
          ...(q.until !== undefined ? { until: q.until } : {}),
        },
        q.limit + 1,
        q.before,
      )
      const names = await resolveNames(deps.names, { accountIds: rows.map((e) => e.accountId) }, mayName(req))
      return pageOf(rows, q.limit, (e) => ({
        ...ownView(e),
        account_id: e.accountId,
        account: names.account(e.accountId),
        subnet: e.subnet,
        client_version: e.context.clientVersion,
        request_id: e.context.requestId,
      }))
    },
  )
}

/** Security events: the account's own, and (for administrators) everyone's. */
export const eventRoutes = (app: HttpServer, deps: EventRouteDeps) => {
  ownEventsRoute(app, deps)
  adminEventsRoute(app, deps)
}
