import type { FastifyRequest } from 'fastify'
import { z } from 'zod'
import { type HttpServer, requestContext } from '../../http/server.js'
import { type Authorize, staffOf } from '../access/authorize.js'
import { mayName, type NameDirectory, resolveNames } from '../admin/names.js'
import { importReadRoutes, timelineRoute } from './detail-routes.js'
import { type ImportRecord, type IncidentRecord, SEVERITIES } from './ports.js'
import { Id, type IncidentRouteContext, Params } from './route-context.js'
import { INCIDENT_LIMITS, type IncidentsService } from './service.js'
import { leakUploadRoute } from './upload-route.js'
import { ImportView, IncidentView, importView, incidentView } from './views.js'

const Title = z.string().trim().min(1).max(INCIDENT_LIMITS.titleLength)
const Text = z.string().max(INCIDENT_LIMITS.textLength)

/** Open an incident, list incidents, show one with its imports. */
const incidentRecordRoutes = (
  app: HttpServer,
  { incidents, read, write, common, namesOf, oneIncident }: IncidentRouteContext,
) => {
  app.post(
    '/v1/admin/incidents',
    {
      ...write,
      schema: {
        ...common,
        summary: 'Open an incident',
        body: z.strictObject({
          title: Title,
          summary: Text,
          severity: z.enum(SEVERITIES),
          risks: Text.optional(),
          mitigations: Text.optional(),
        }),
        response: { 201: IncidentView },
      },
    },
    async (req, reply) => {
      const incident = await incidents.create(req.body, staffOf(req).actor, requestContext(req))
      return reply.status(201).send(await oneIncident(req, incident))
    },
  )

  app.get(
    '/v1/admin/incidents',
    {
      ...read,
      schema: {
        ...common,
        summary: 'Incidents, newest first',
        description: 'Pages of `limit` (1–200, default 50); pass `next_before` back as `before`.',
        querystring: z.strictObject({
          limit: z.coerce.number().int().min(1).max(200).default(50),
          before: Id.optional(),
        }),
        response: { 200: z.object({ incidents: z.array(IncidentView), next_before: z.string().nullable() }) },
      },
    },
    async (req) => {
      const rows = await incidents.list(req.query.limit + 1, req.query.before)
      const page = rows.slice(0, req.query.limit)
      const names = await namesOf(
        req,
        page.map((i) => i.createdBy),
      )
      return {
        incidents: page.map((i) => incidentView(i, names)),
        next_before: rows.length > req.query.limit ? (page.at(-1)?.id ?? null) : null,
      }
    },
  )

  app.get(
    '/v1/admin/incidents/:id',
    {
      ...read,
      schema: {
        ...common,
        summary: 'One incident, with its imports',
        params: Params,
        response: { 200: IncidentView.extend({ imports: z.array(ImportView) }) },
      },
    },
    async (req) => {
      const incident = await incidents.get(req.params.id)
      const imports = await incidents.imports(incident.id)
      const names = await namesOf(req, [incident.createdBy, ...imports.map((i) => i.createdBy)])
      return { ...incidentView(incident, names), imports: imports.map((i) => importView(i, names)) }
    },
  )
}

/** Change an incident; close it. */
const incidentChangeRoutes = (
  app: HttpServer,
  { incidents, write, common, oneIncident }: IncidentRouteContext,
) => {
  app.patch(
    '/v1/admin/incidents/:id',
    {
      ...write,
      schema: {
        ...common,
        summary: "Change an incident's title, summary, severity, risks or mitigations",
        params: Params,
        body: z.strictObject({
          title: Title.optional(),
          summary: Text.optional(),
          severity: z.enum(SEVERITIES).optional(),
          risks: Text.optional(),
          mitigations: Text.optional(),
        }),
        response: { 200: IncidentView },
      },
    },
    async (req) =>
      oneIncident(
        req,
        await incidents.update(req.params.id, req.body, staffOf(req).actor, requestContext(req)),
      ),
  )

  app.post(
    '/v1/admin/incidents/:id/close',
    {
      ...write,
      schema: {
        ...common,
        summary: 'Close an incident',
        description: 'A closed incident takes no more imports. Closing a closed incident changes nothing.',
        params: Params,
        response: { 200: IncidentView },
      },
    },
    async (req) =>
      oneIncident(req, await incidents.close(req.params.id, staffOf(req).actor, requestContext(req))),
  )
}

/** The admin incidents API: incidents, their leak imports and exposures, their timeline. */
export const incidentRoutes = (
  app: HttpServer,
  deps: {
    authorize: Authorize
    incidents: IncidentsService
    /** Largest upload in bytes. */
    importMaxBytes: number
    names: NameDirectory
  },
) => {
  const namesOf = (req: FastifyRequest, actors: Array<string | null>) =>
    resolveNames(deps.names, { actors }, mayName(req))
  const ctx: IncidentRouteContext = {
    incidents: deps.incidents,
    importMaxBytes: deps.importMaxBytes,
    read: { preHandler: deps.authorize('incidents:read') },
    write: { preHandler: deps.authorize('incidents:write') },
    common: { tags: ['admin'], security: [{ bearer: [] }, { cookie: [] }] },
    namesOf,
    oneIncident: async (req: FastifyRequest, i: IncidentRecord) =>
      incidentView(i, await namesOf(req, [i.createdBy])),
    oneImport: async (req: FastifyRequest, i: ImportRecord) =>
      importView(i, await namesOf(req, [i.createdBy])),
  }
  incidentRecordRoutes(app, ctx)
  incidentChangeRoutes(app, ctx)
  timelineRoute(app, ctx)
  importReadRoutes(app, ctx)
  leakUploadRoute(app, ctx)
}
