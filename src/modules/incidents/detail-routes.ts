import { z } from 'zod'
import type { HttpServer } from '../../http/server.js'
import { iso } from '../../kernel/clock.js'
import { ActorRef } from '../admin/names.js'
import { Id, type IncidentRouteContext, Params } from './route-context.js'
import { ExposureView, exposureView, ImportView } from './views.js'

const TimelineView = z.object({
  time: z.string(),
  source: z.string(),
  kind: z.string(),
  actor: z.string().nullable(),
  actor_info: ActorRef.nullable().optional().describe('Who, by name; left out without accounts:read'),
  details: z.record(z.string(), z.unknown()),
})

/** The incident's timeline: imports, audit entries and other sources, in time order. */
export const timelineRoute = (
  app: HttpServer,
  { incidents, read, common, namesOf }: IncidentRouteContext,
) => {
  app.get(
    '/v1/admin/incidents/:id/timeline',
    {
      ...read,
      schema: {
        ...common,
        summary: "The incident's timeline, oldest first",
        description:
          'Assembled from the audit log (entries about the incident) and its imports (start, end with counts), and from campaigns once they exist.',
        params: Params,
        response: { 200: z.object({ entries: z.array(TimelineView) }) },
      },
    },
    async (req) => {
      const entries = await incidents.timeline(req.params.id)
      const names = await namesOf(
        req,
        entries.map((e) => e.actor),
      )
      return {
        entries: entries.map((e) => ({
          time: iso(e.at),
          source: e.source,
          kind: e.kind,
          actor: e.actor,
          actor_info: names.actor(e.actor),
          details: e.details,
        })),
      }
    },
  )
}

/** One import (its progress while it runs); the accounts the incident exposed, a page at a time. */
export const importReadRoutes = (
  app: HttpServer,
  { incidents, read, common, oneImport }: IncidentRouteContext,
) => {
  app.get(
    '/v1/admin/incidents/:id/imports/:importId',
    {
      ...read,
      schema: {
        ...common,
        summary: 'One import and its counts (updated after every batch while it runs)',
        params: z.strictObject({ id: Id, importId: Id }),
        response: { 200: ImportView },
      },
    },
    async (req) => oneImport(req, await incidents.getImport(req.params.id, req.params.importId)),
  )

  app.get(
    '/v1/admin/incidents/:id/exposures',
    {
      ...read,
      schema: {
        ...common,
        summary: 'The accounts the incident exposed, and which of their fields',
        description:
          'By account id; pages of `limit` (1–1000, default 100); pass `next_after` back as `after`. No contact data: the account id and username only.',
        params: Params,
        querystring: z.strictObject({
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          after: Id.optional(),
        }),
        response: {
          200: z.object({
            exposures: z.array(ExposureView),
            total: z.number(),
            next_after: z.string().nullable(),
          }),
        },
      },
    },
    async (req) => {
      const { exposures, total } = await incidents.exposures(
        req.params.id,
        req.query.limit + 1,
        req.query.after,
      )
      const page = exposures.slice(0, req.query.limit)
      return {
        exposures: page.map(exposureView),
        total,
        next_after: exposures.length > req.query.limit ? (page.at(-1)?.accountId ?? null) : null,
      }
    },
  )
}
