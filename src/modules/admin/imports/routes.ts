import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { ByteLimit } from '../../../http/byte-limit.js'
import { type HttpServer, requestContext } from '../../../http/server.js'
import { iso } from '../../../kernel/clock.js'
import { AppError } from '../../../kernel/errors.js'
import { administratorOf } from '../lifecycle-routes.js'
import { type AdminRouteDeps, security } from '../route-deps.js'
import { HASH_PARAMS, type HashParamName, hashParamsOf } from './hash-params.js'
import {
  ACCOUNT_IMPORT_FORMATS,
  ACCOUNT_IMPORT_STATUSES,
  type AccountImportRecord,
  IMPORT_FIELDS,
} from './ports.js'

/** Content types of account files: read as a stream, never buffered. */
const CONTENT_TYPES = [
  'text/csv',
  'application/x-ndjson',
  'application/jsonl',
  'application/x-jsonlines',
  'application/octet-stream',
]

const HASH_FORMATS = [
  'bcrypt',
  'argon2',
  'scrypt',
  'firebase-scrypt',
  'pbkdf2',
  'md5',
  'sha1',
  'sha256',
] as const

export const AccountImportView = z.object({
  id: z.string(),
  status: z.enum(ACCOUNT_IMPORT_STATUSES),
  source_name: z.string(),
  format: z.enum(ACCOUNT_IMPORT_FORMATS),
  mapping: z.record(z.string(), z.string()).describe('Which column (CSV) or key (JSONL) held each field'),
  rows_read: z.number(),
  rows_created: z.number(),
  rows_present: z
    .number()
    .describe('Rows whose account was there already (same external id, or same email without one): skipped'),
  rows_bad: z.number(),
  problems: z
    .array(z.object({ line: z.number(), reason: z.string() }))
    .describe('The first 20 bad rows by line, with the reason only (never their content)'),
  error: z.string().nullable(),
  created_by: z.string(),
  started_at: z.string(),
  heartbeat_at: z.string(),
  finished_at: z.string().nullable(),
})

export const accountImportView = (r: AccountImportRecord): z.infer<typeof AccountImportView> => ({
  id: r.id,
  status: r.status,
  source_name: r.sourceName,
  format: r.format,
  mapping: Object.fromEntries(Object.entries(r.mapping).filter((e): e is [string, string] => !!e[1])),
  rows_read: r.rowsRead,
  rows_created: r.rowsCreated,
  rows_present: r.rowsPresent,
  rows_bad: r.rowsBad,
  problems: r.problems,
  error: r.error,
  created_by: r.createdBy,
  started_at: iso(r.startedAt),
  heartbeat_at: iso(r.heartbeatAt),
  finished_at: r.finishedAt === null ? null : iso(r.finishedAt),
})

const Column = z.string().min(1).max(200)
const Param = z.string().min(1).max(200)
const Query = z.strictObject({
  format: z.enum(ACCOUNT_IMPORT_FORMATS),
  ...Object.fromEntries(IMPORT_FIELDS.map((f) => [f, Column.optional()])),
  hash_format: z.enum(HASH_FORMATS).optional().describe('The format of every hash when no column names it'),
  ...Object.fromEntries(HASH_PARAMS.map(([name, , what]) => [name, Param.optional().describe(what)])),
  source_name: z.string().min(1).max(256).optional(),
}) as unknown as z.ZodType<
  { format: (typeof ACCOUNT_IMPORT_FORMATS)[number]; hash_format?: string; source_name?: string } & Record<
    string,
    string | undefined
  >
>

const uploadRoute = (app: HttpServer, deps: AdminRouteDeps & { importMaxBytes: number }) => {
  app.register(async (scoped: FastifyInstance) => {
    const upload = scoped as unknown as HttpServer
    upload.addContentTypeParser(CONTENT_TYPES, (_req, payload, done) => done(null, payload))
    upload.post(
      '/v1/admin/accounts/imports',
      {
        preHandler: deps.authorize('accounts:write'),
        schema: {
          summary: 'Import accounts from another system (audit-logged as account.import)',
          description:
            'The file is the request body (text/csv, application/x-ndjson, application/jsonl or application/octet-stream), read as a stream. ' +
            `Map fields to columns (CSV header names) or keys (JSONL) with ${IMPORT_FIELDS.join(', ')}; username, email and password_hash are required, ` +
            "and password_format or hash_format names the hashes' format. Rows are checked like account creation (roles above the caller's are bad rows); " +
            'bad rows are counted and the first 20 reported by line and reason only. Importing the same file again creates nothing new: a row whose external id ' +
            '(without one, whose email) has an account is counted as present. Imported accounts get no mail. Answers when the whole file is read; ' +
            '`GET /v1/admin/accounts/imports/{id}` shows progress meanwhile. See docs/migration.md.',
          tags: ['admin'],
          security,
          querystring: Query,
          response: { 201: AccountImportView },
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
            detail: `An account file may hold at most ${deps.importMaxBytes} bytes`,
          })
        }
        const limited = new ByteLimit(deps.importMaxBytes, 'An account file')
        body.on('error', (err) => limited.destroy(err))
        body.pipe(limited)
        const q = req.query
        const record = await deps.accountImports.importAccounts(
          {
            format: q.format,
            mapping: Object.fromEntries(IMPORT_FIELDS.map((f) => [f, q[f]])),
            hashFormat: q.hash_format,
            hashParams: hashParamsOf(q as Partial<Record<HashParamName, string>>),
            sourceName: q.source_name ?? 'upload',
            input: limited,
          },
          administratorOf(req),
          requestContext(req),
        )
        return reply.status(201).send(accountImportView(record))
      },
    )
  })
}

/** Account imports: the upload, the list and one import's progress. */
export const accountImportRoutes = (app: HttpServer, deps: AdminRouteDeps & { importMaxBytes: number }) => {
  uploadRoute(app, deps)
  app.get(
    '/v1/admin/accounts/imports',
    {
      preHandler: deps.authorize('accounts:read'),
      schema: {
        summary: 'Account imports, newest first',
        tags: ['admin'],
        security,
        querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: { 200: z.object({ imports: z.array(AccountImportView) }) },
      },
    },
    async (req) => ({ imports: (await deps.accountImports.list(req.query.limit)).map(accountImportView) }),
  )
  app.get(
    '/v1/admin/accounts/imports/:id',
    {
      preHandler: deps.authorize('accounts:read'),
      schema: {
        summary: 'One account import: its status and counts (progress while it runs)',
        tags: ['admin'],
        security,
        params: z.strictObject({ id: z.string().min(1).max(64) }),
        response: { 200: AccountImportView },
      },
    },
    async (req) => accountImportView(await deps.accountImports.get(req.params.id)),
  )
}
