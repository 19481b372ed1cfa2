import type { FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { HttpServer } from '../../http/server.js'
import { requestContext } from '../../http/server.js'
import { isoOrNull } from '../../kernel/clock.js'
import { AppError } from '../../kernel/errors.js'
import { type Authorize, staffOf } from '../access/authorize.js'
import {
  AccountRef,
  ActorRef,
  mayName,
  type NameDirectory,
  type Names,
  resolveNames,
} from '../admin/names.js'
import type { AuditService } from '../audit/service.js'
import type { EventRecorder } from '../events/recorder.js'
import type { Guard } from './guard.js'
import { type Detection, type DetectionStore, detectionActions, detectionKinds } from './ports.js'

const DetectionView = z.object({
  id: z.number(),
  kind: z.enum(detectionKinds),
  scope: z.enum(['ip', 'subnet', 'identifier', 'account', 'global']),
  key: z
    .string()
    .describe(
      'ip:<address>, subnet:<network>, identifier:<keyed hash of what was typed>, account:<id>, global:login',
    ),
  status: z.enum(['open', 'resolved', 'lifted']),
  action: z.enum(detectionActions).describe('The strongest response taken while open'),
  first_seen: z.string(),
  last_seen: z.string(),
  count: z.number().describe('Requests counted against it while open'),
  action_until: z.string().nullable().describe('When the current challenge or block ends'),
  account_id: z.string().nullable(),
  account: AccountRef.nullable()
    .optional()
    .describe('The account it is about (scope account), by name; left out without accounts:read'),
  details: z.record(z.string(), z.unknown()),
  closed_at: z.string().nullable(),
  closed_by: z.string().nullable().describe('The account id, or api_key:<id>, that closed it'),
  closed_by_actor: ActorRef.nullable()
    .optional()
    .describe('Who closed it, by name; left out without accounts:read'),
})

/** `closed_by` holds a bare account id (a session) or `api_key:<id>`: as the audit log names actors. */
const closerRef = (closedBy: string | null) =>
  closedBy === null ? null : closedBy.includes(':') ? closedBy : `account:${closedBy}`

/** Resolves the names a page of detections shows, in one query per kind of id. */
const namesOf = (directory: NameDirectory, ds: Detection[], allowed: boolean) =>
  resolveNames(
    directory,
    {
      accountIds: ds.map((d) => d.accountId),
      actors: ds.map((d) => closerRef(d.closedBy)),
    },
    allowed,
  )

const view = (d: Detection, names: Names): z.infer<typeof DetectionView> => ({
  id: d.id,
  kind: d.kind,
  scope: d.scope,
  key: d.key,
  status: d.status,
  action: d.action,
  first_seen: isoOrNull(d.firstSeenAt)!,
  last_seen: isoOrNull(d.lastSeenAt)!,
  count: d.count,
  action_until: isoOrNull(d.actionUntil),
  account_id: d.accountId,
  account: names.account(d.accountId),
  details: d.details,
  closed_at: isoOrNull(d.closedAt),
  closed_by: d.closedBy,
  closed_by_actor: names.actor(closerRef(d.closedBy)),
})

const IdParam = z.strictObject({ id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) })

export interface GuardRouteDeps {
  authorize: Authorize
  detections: DetectionStore
  guard: Guard
  events: EventRecorder
  audit: AuditService
  names: NameDirectory
  now: () => number
}

const security: Array<Record<string, string[]>> = [{ bearer: [] }, { cookie: [] }]

/** One detection as the API shows it, with its names. */
const one = async (deps: GuardRouteDeps, req: FastifyRequest, d: Detection) =>
  view(d, await namesOf(deps.names, [d], mayName(req)))

const found = async (deps: GuardRouteDeps, id: number): Promise<Detection> => {
  const d = await deps.detections.get(id)
  if (!d) throw new AppError('not_found', { detail: 'No such detection' })
  return d
}

const notOpen = () => new AppError('not_found', { detail: 'The detection is not open' })

/** Closes an open detection (lifting its response first when asked) and audits it; 404 unless open. */
const close = async (
  deps: GuardRouteDeps,
  req: FastifyRequest,
  id: number,
  status: 'resolved' | 'lifted',
  lift: boolean,
) => {
  const d = await found(deps, id)
  if (d.status !== 'open') throw notOpen()
  if (lift) await deps.guard.lift(d)
  const staff = staffOf(req)
  const adminId = staff.kind === 'session' ? staff.accountId : staff.actor
  const closed = await deps.detections.close(d.id, status, adminId, deps.now())
  if (!closed) throw notOpen()
  await deps.audit.record(
    staff.actor,
    requestContext(req),
    status === 'lifted' ? 'detection.lift' : 'detection.resolve',
    `detection:${d.id}`,
    { kind: d.kind, key: d.key, ...(status === 'resolved' ? { lifted: lift } : {}) },
  )
  return { d, closed, adminId }
}

/** GET /v1/admin/detections: a page of detections, newest first. */
const listRoute = (app: HttpServer, deps: GuardRouteDeps) =>
  app.get(
    '/v1/admin/detections',
    {
      preHandler: deps.authorize('detections:read'),
      schema: {
        summary: "What the guard's detectors found, newest first (administrators with a second factor)",
        description:
          'Filters: status (open, resolved, lifted), kind. Pages of `limit` (1–500, default 100); pass `next_before` back as `before`.',
        tags: ['admin'],
        security,
        querystring: z.strictObject({
          status: z.enum(['open', 'resolved', 'lifted']).optional(),
          kind: z.enum(detectionKinds).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
          before: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
        }),
        response: {
          200: z.object({ detections: z.array(DetectionView), next_before: z.number().nullable() }),
        },
      },
    },
    async (req) => {
      const { status, kind, limit, before } = req.query
      const rows = await deps.detections.list(
        { ...(status ? { status } : {}), ...(kind ? { kind } : {}) },
        limit + 1,
        before,
      )
      const page = rows.slice(0, limit)
      const names = await namesOf(deps.names, page, mayName(req))
      return {
        detections: page.map((d) => view(d, names)),
        next_before: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
      }
    },
  )

/** GET /v1/admin/detections/:id */
const getRoute = (app: HttpServer, deps: GuardRouteDeps) =>
  app.get(
    '/v1/admin/detections/:id',
    {
      preHandler: deps.authorize('detections:read'),
      schema: {
        summary: 'One detection',
        tags: ['admin'],
        security,
        params: IdParam,
        response: { 200: DetectionView },
      },
    },
    async (req) => one(deps, req, await found(deps, req.params.id)),
  )

/** POST /v1/admin/detections/:id/resolve: closes it, lifting its response when asked. */
const resolveRoute = (app: HttpServer, deps: GuardRouteDeps) =>
  app.post(
    '/v1/admin/detections/:id/resolve',
    {
      preHandler: deps.authorize('detections:write'),
      schema: {
        summary: 'Mark an open detection resolved',
        description:
          'A challenge or block it put in place runs until it expires, unless `lift` is true. 409-free: resolving a closed detection is 404 not_found.',
        tags: ['admin'],
        security,
        params: IdParam,
        body: z.strictObject({ lift: z.boolean().default(false) }).default({ lift: false }),
        response: { 200: DetectionView },
      },
    },
    async (req) => {
      const { d, closed, adminId } = await close(deps, req, req.params.id, 'resolved', req.body.lift)
      await deps.events.record('guard_detection_resolved', adminId, requestContext(req), {
        detection_id: d.id,
        kind: d.kind,
        lifted: req.body.lift,
      })
      return one(deps, req, closed)
    },
  )

/** POST /v1/admin/detections/:id/lift: ends its response now and closes it as lifted. */
const liftRoute = (app: HttpServer, deps: GuardRouteDeps) =>
  app.post(
    '/v1/admin/detections/:id/lift',
    {
      preHandler: deps.authorize('detections:write'),
      schema: {
        summary: "Lift an open detection's block or challenge now",
        description:
          'The source (or identifier, or the global spike) is no longer challenged or blocked, and its detector leaves it alone for one window. The detection is closed as lifted.',
        tags: ['admin'],
        security,
        params: IdParam,
        response: { 200: DetectionView },
      },
    },
    async (req) => {
      const { d, closed, adminId } = await close(deps, req, req.params.id, 'lifted', true)
      await deps.events.record('guard_block_lifted', adminId, requestContext(req), {
        detection_id: d.id,
        kind: d.kind,
        scope: d.scope,
        key: d.key,
      })
      return one(deps, req, closed)
    },
  )

/** The administrators' routes of the guard's detections. */
export const guardRoutes = (app: HttpServer, deps: GuardRouteDeps) => {
  listRoute(app, deps)
  getRoute(app, deps)
  resolveRoute(app, deps)
  liftRoute(app, deps)
}
