import type { FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { HttpServer } from '../../http/server.js'
import { isoOrNull } from '../../kernel/clock.js'
import { AppError } from '../../kernel/errors.js'
import type { Authorize, Scope } from '../access/authorize.js'
import { accountRoutes } from './account-routes.js'
import { accountImportRoutes } from './imports/routes.js'
import { lifecycleRoutes } from './lifecycle-routes.js'
import { type AdminRouteDeps, security } from './route-deps.js'
import { readStats, SERIES } from './stats.js'

const Bucket = z.object({ start: z.string(), ...Object.fromEntries(SERIES.map((s) => [s, z.number()])) })

/** Passes a caller holding any one of the scopes (tried in order; the last refusal is thrown). */
const anyOf = (authorize: Authorize, ...scopes: Scope[]) => {
  const checks = scopes.map((s) => authorize(s))
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    let refusal: unknown
    for (const check of checks) {
      try {
        await check(req, reply)
        return
      } catch (e) {
        if (!(e instanceof AppError) || e.code !== 'scope_required') throw e
        refusal = e
      }
    }
    throw refusal
  }
}

const statsRoute = (app: HttpServer, deps: AdminRouteDeps) => {
  app.get(
    '/v1/admin/stats',
    {
      preHandler: anyOf(deps.authorize, 'detections:read', 'audit:read'),
      schema: {
        summary: 'Figures for the console overview: a series per bucket over the last hour or day',
        description:
          'hour: 12 buckets of 5 minutes; day: 24 buckets of 1 hour, the last one holding now. ' +
          'recovery_requests counts every request (known identifier or not); recovery_sent the recovery messages that left; ' +
          'recovery_suppressed the requests and messages the caps, the resend interval or a reset lock stopped. ' +
          'challenges and blocks count detections opened or raised to that response. ' +
          'imported_password_hashes: accounts still holding an imported password hash, by scheme ' +
          '(docs/migration.md), and their total; each is replaced by argon2id at its next login.',
        tags: ['admin'],
        security,
        querystring: z.strictObject({ window: z.enum(['hour', 'day']).default('hour') }),
        response: {
          200: z.object({
            window: z.enum(['hour', 'day']),
            bucket_seconds: z.number(),
            from: z.string(),
            to: z.string(),
            buckets: z.array(Bucket),
            totals: z.record(z.string(), z.number()),
            open_detections: z.number(),
            open_detections_by_kind: z.record(z.string(), z.number()),
            imported_password_hashes: z.object({
              total: z.number(),
              by_format: z.record(z.string(), z.number()),
            }),
          }),
        },
      },
    },
    async (req) => {
      const s = await readStats(deps.stats, req.query.window, deps.now())
      return {
        window: s.window,
        bucket_seconds: s.bucketMs / 1000,
        from: isoOrNull(s.from)!,
        to: isoOrNull(s.to)!,
        buckets: s.buckets.map((b) => ({ ...b, start: isoOrNull(b.start)! })),
        totals: s.totals,
        open_detections: s.openDetections,
        open_detections_by_kind: s.openByKind,
        imported_password_hashes: {
          total: Object.values(s.importedHashes).reduce((a, b) => a + b, 0),
          by_format: s.importedHashes,
        },
      }
    },
  )
}

/** The console's admin API: overview figures and the account tools. */
export const adminRoutes = (app: HttpServer, deps: AdminRouteDeps) => {
  statsRoute(app, deps)
  // Before the routes of one account: /v1/admin/accounts/imports is not an account's id.
  accountImportRoutes(app, deps)
  accountRoutes(app, deps)
  lifecycleRoutes(app, deps)
}
