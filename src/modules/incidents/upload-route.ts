import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { ByteLimit } from '../../http/byte-limit.js'
import { type HttpServer, requestContext } from '../../http/server.js'
import { AppError } from '../../kernel/errors.js'
import { staffOf } from '../access/authorize.js'
import { phoneRegion } from './normalise.js'
import { IMPORT_FORMATS } from './ports.js'
import { type IncidentRouteContext, Params } from './route-context.js'
import { ImportView } from './views.js'

const Column = z.string().min(1).max(200)

/** Content types of leak uploads: read as a stream, never buffered. */
export const LEAK_CONTENT_TYPES = [
  'text/csv',
  'application/x-ndjson',
  'application/jsonl',
  'application/x-jsonlines',
  'application/octet-stream',
]

/** Import a leak: the upload is read as a stream, never buffered. */
export const leakUploadRoute = (
  app: HttpServer,
  { incidents, importMaxBytes, write, common, oneImport }: IncidentRouteContext,
) => {
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
        if (Number.isFinite(length) && length > importMaxBytes) {
          throw new AppError('payload_too_large', {
            detail: `A leak upload may hold at most ${importMaxBytes} bytes`,
          })
        }
        const limited = new ByteLimit(importMaxBytes, 'A leak upload')
        body.on('error', (err) => limited.destroy(err))
        body.pipe(limited)
        const q = req.query
        const record = await incidents.importLeak(
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
