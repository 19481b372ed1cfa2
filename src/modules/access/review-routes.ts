import { z } from 'zod'
import { type HttpServer, requestContext } from '../../http/server.js'
import {
  filterAndSort,
  PRINCIPAL_KINDS,
  REVIEW_ACTIONS,
  REVIEW_FLAGS,
  REVIEW_SORTS,
  toCsv,
} from './review.js'
import type { AccessRouteContext } from './route-context.js'
import {
  actorOf,
  BulkResult,
  bulkView,
  Id,
  Overlap,
  PartnerView,
  PrincipalIds,
  parseFlags,
  partnerView,
  ReviewView,
  reviewView,
  wantsCsv,
} from './views.js'

/** Tie a partner account to a client, revoke its access, reinstate it. */
export const partnerRoutes = (app: HttpServer, { access, write, common }: AccessRouteContext) => {
  app.patch(
    '/v1/admin/partners/:account_id',
    {
      ...write,
      schema: {
        ...common,
        summary: 'Link a partner account to a client (or unlink it with null)',
        params: z.strictObject({ account_id: Id }),
        body: z.strictObject({ client_id: Id.nullable() }),
        response: { 200: PartnerView },
      },
    },
    async (req) =>
      partnerView(
        await access.linkPartner(
          req.params.account_id,
          req.body.client_id,
          actorOf(req),
          requestContext(req),
        ),
      ),
  )

  app.post(
    '/v1/admin/partners/:account_id/reinstate',
    {
      ...write,
      schema: {
        ...common,
        summary: 'Reinstate a partner account whose access was revoked: its login opens again',
        params: z.strictObject({ account_id: Id }),
        response: { 200: PartnerView },
      },
    },
    async (req) =>
      partnerView(await access.reinstatePartner(req.params.account_id, actorOf(req), requestContext(req))),
  )
}

/** The access review: every API key and partner account, flagged, with a recommended action. */
export const reviewRoutes = (app: HttpServer, { access, now: clock, read, common }: AccessRouteContext) => {
  app.get(
    '/v1/admin/access-review',
    {
      ...read,
      schema: {
        ...common,
        summary:
          'Every external principal (API keys, partner accounts, applications) with risk flags and a recommended action',
        description:
          '`flag` (comma-separated: entries with every one), `kind`, `action` filter; `sort` (default risk, highest first) and `order`. ' +
          '`format=csv` or `Accept: text/csv` answers CSV (cells that a spreadsheet would run as formulas are prefixed with a quote).',
        querystring: z.strictObject({
          flag: z
            .string()
            .max(200)
            .optional()
            .describe(`Comma-separated: ${REVIEW_FLAGS.join(', ')}`),
          kind: z.enum(PRINCIPAL_KINDS).optional(),
          action: z.enum(REVIEW_ACTIONS).optional(),
          sort: z.enum(REVIEW_SORTS).optional(),
          order: z.enum(['asc', 'desc']).optional(),
          format: z.enum(['json', 'csv']).optional(),
        }),
        response: {
          200: z.object({ generated_at: z.string(), count: z.number(), principals: z.array(ReviewView) }),
        },
      },
    },
    async (req, reply) => {
      const flags = parseFlags(req.query.flag)
      const entries = filterAndSort(await access.review(), {
        flags,
        ...(req.query.kind ? { kind: req.query.kind } : {}),
        ...(req.query.action ? { action: req.query.action } : {}),
        ...(req.query.sort ? { sort: req.query.sort } : {}),
        ...(req.query.order ? { order: req.query.order } : {}),
      })
      if (wantsCsv(req, req.query.format)) {
        const day = new Date(clock()).toISOString().slice(0, 10)
        return (
          reply
            .type('text/csv; charset=utf-8')
            .header('content-disposition', `attachment; filename="access-review-${day}.csv"`)
            // The JSON schema types the 200 answer; a string with its own content type is sent as it is.
            .send(toCsv(entries) as never)
        )
      }
      return {
        generated_at: new Date(clock()).toISOString(),
        count: entries.length,
        principals: entries.map(reviewView),
      }
    },
  )
}

/** Act on the review: revoke or rotate many principals at once. */
export const bulkRoutes = (app: HttpServer, { access, now: clock, write, common }: AccessRouteContext) => {
  app.post(
    '/v1/admin/access-review/revoke',
    {
      ...write,
      schema: {
        ...common,
        summary: 'Revoke external principals in bulk',
        description:
          'A key stops working at once. A partner account has every session ended, its one-time tokens killed and its login locked until an administrator reinstates it (a password reset does not unlock it). ' +
          'The answer says per principal what was done; each change is audited as `access.revoke`.',
        body: z.strictObject({ principal_ids: PrincipalIds }),
        response: { 200: z.object({ results: z.array(BulkResult) }) },
      },
    },
    async (req) => {
      const results = await access.bulkRevoke(req.body.principal_ids, actorOf(req), requestContext(req))
      const now = clock()
      return { results: results.map((r) => bulkView(r, now)) }
    },
  )

  app.post(
    '/v1/admin/access-review/rotate',
    {
      ...write,
      schema: {
        ...common,
        summary: 'Rotate API keys in bulk',
        description:
          'Each key gets a successor with the same scopes and expiry policy, returned in this answer only; the old key stops after `overlap_seconds`. ' +
          'Partner accounts are `not_applicable`. Each rotation is audited as `access.rotate`.',
        body: z.strictObject({ principal_ids: PrincipalIds, overlap_seconds: Overlap }),
        response: { 200: z.object({ results: z.array(BulkResult) }) },
      },
    },
    async (req) => {
      const results = await access.bulkRotate(
        req.body.principal_ids,
        req.body.overlap_seconds,
        actorOf(req),
        requestContext(req),
      )
      const now = clock()
      return { results: results.map((r) => bulkView(r, now)) }
    },
  )
}
