import { Transform, type TransformCallback } from 'node:stream'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { type HttpServer, requestContext } from '../../http/server.js'
import { iso } from '../../kernel/clock.js'
import { AppError } from '../../kernel/errors.js'
import { type Authorize, staffOf } from '../access/authorize.js'
import { ActorRef, mayName, type NameDirectory, type Names, resolveNames } from '../admin/names.js'
import { phoneRegion } from './normalise.js'
import { IMPORT_FORMATS, type ImportRecord, type IncidentRecord, SEVERITIES } from './ports.js'
import { INCIDENT_LIMITS, type IncidentsService } from './service.js'
import { ExposureView, exposureView, ImportView, IncidentView, importView, incidentView } from './views.js'

const view = (i: IncidentRecord, names: Names) => incidentView(i, names)

const TimelineView = z.object({
  time: z.string(),
  source: z.string(),
  kind: z.string(),
  actor: z.string().nullable(),
  actor_info: ActorRef.nullable().optional().describe('Who, by name; left out without accounts:read'),
  details: z.record(z.string(), z.unknown()),
})

const Id = z.string().min(1).max(64)
const Title = z.string().trim().min(1).max(INCIDENT_LIMITS.titleLength)
const Text = z.string().max(INCIDENT_LIMITS.textLength)
const Column = z.string().min(1).max(200)

/** Content types of leak uploads: read as a stream, never buffered. */
export const LEAK_CONTENT_TYPES = [
  'text/csv',
  'application/x-ndjson',
  'application/jsonl',
  'application/x-jsonlines',
  'application/octet-stream',
]

/** Passes bytes through and fails the stream once more than `limit` went by. */
class ByteLimit extends Transform {
  private seen = 0
  constructor(private readonly limit: number) {
    super()
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length
    if (this.seen > this.limit) {
      done(
        new AppError('payload_too_large', { detail: `A leak upload may hold at most ${this.limit} bytes` }),
      )
      return
    }
    done(null, chunk)
  }
}

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
  const oneIncident = async (req: FastifyRequest, i: IncidentRecord) =>
    view(i, await namesOf(req, [i.createdBy]))
  const oneImport = async (req: FastifyRequest, i: ImportRecord) =>
    importView(i, await namesOf(req, [i.createdBy]))
  const read = { preHandler: deps.authorize('incidents:read') }
  const write = { preHandler: deps.authorize('incidents:write') }
  const security: Record<string, string[]>[] = [{ bearer: [] }, { cookie: [] }]
  const common = { tags: ['admin'], security }
  const Params = z.strictObject({ id: Id })

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
      const incident = await deps.incidents.create(req.body, staffOf(req).actor, requestContext(req))
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
      const rows = await deps.incidents.list(req.query.limit + 1, req.query.before)
      const page = rows.slice(0, req.query.limit)
      const names = await namesOf(
        req,
        page.map((i) => i.createdBy),
      )
      return {
        incidents: page.map((i) => view(i, names)),
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
      const incident = await deps.incidents.get(req.params.id)
      const imports = await deps.incidents.imports(incident.id)
      const names = await namesOf(req, [incident.createdBy, ...imports.map((i) => i.createdBy)])
      return { ...view(incident, names), imports: imports.map((i) => importView(i, names)) }
    },
  )

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
        await deps.incidents.update(req.params.id, req.body, staffOf(req).actor, requestContext(req)),
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
      oneIncident(req, await deps.incidents.close(req.params.id, staffOf(req).actor, requestContext(req))),
  )

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
      const entries = await deps.incidents.timeline(req.params.id)
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
    async (req) => oneImport(req, await deps.incidents.getImport(req.params.id, req.params.importId)),
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
      const { exposures, total } = await deps.incidents.exposures(
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

  // The upload lives in its own scope: only there are CSV and JSONL bodies taken, as a stream.
  app.register(async (scoped: FastifyInstance) => {
    const upload = scoped as unknown as HttpServer
    upload.addContentTypeParser(LEAK_CONTENT_TYPES, (_req, payload, done) => done(null, payload))
    upload.post(
      '/v1/admin/incidents/:id/imports',
      {
        ...write,
        schema: {
          ...common,
          summary: 'Import a leaked data set into the incident and match it to accounts',
          description:
            'The file is the request body (text/csv, application/x-ndjson, application/jsonl or application/octet-stream), read as a stream. ' +
            'Map columns (CSV header names) or keys (JSONL) with `username`, `email`, `phone` and `location`; at least one of the first three. ' +
            'Answers when the whole file is read, with the counts; `GET …/imports/{importId}` shows progress meanwhile. See docs/incidents.md.',
          params: Params,
          querystring: z.strictObject({
            format: z.enum(IMPORT_FORMATS),
            username: Column.optional(),
            email: Column.optional(),
            phone: Column.optional(),
            location: Column.optional(),
            phone_region: z
              .string()
              .optional()
              .transform((v, ctx) => {
                if (v === undefined) return undefined
                const r = phoneRegion(v)
                if (!r) {
                  ctx.addIssue({ code: 'custom', message: 'must be a two-letter region code such as GB' })
                  return z.NEVER
                }
                return r
              }),
            source_name: z.string().min(1).max(256).optional(),
          }),
          response: { 201: ImportView },
        },
      },
      async (req, reply) => {
        const body = req.body as NodeJS.ReadableStream | undefined
        if (!body || typeof (body as { pipe?: unknown }).pipe !== 'function') {
          throw new AppError('invalid_request', {
            detail: 'Send the file as the request body (text/csv or application/x-ndjson)',
          })
        }
        const length = Number(req.headers['content-length'])
        if (Number.isFinite(length) && length > deps.importMaxBytes) {
          throw new AppError('payload_too_large', {
            detail: `A leak upload may hold at most ${deps.importMaxBytes} bytes`,
          })
        }
        const limited = new ByteLimit(deps.importMaxBytes)
        body.on('error', (err) => limited.destroy(err))
        body.pipe(limited)
        const q = req.query
        const record = await deps.incidents.importLeak(
          {
            incidentId: req.params.id,
            format: q.format,
            mapping: { username: q.username, email: q.email, phone: q.phone, location: q.location },
            phoneRegion: q.phone_region,
            sourceName: q.source_name ?? 'upload',
            input: limited,
          },
          staffOf(req).actor,
          requestContext(req),
        )
        return reply.status(201).send(await oneImport(req, record))
      },
    )
  })
}
