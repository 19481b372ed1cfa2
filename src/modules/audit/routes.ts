import { z } from 'zod'
import type { HttpServer } from '../../http/server.js'
import type { Authorize } from '../access/authorize.js'
import {
  AccountRef,
  ActorRef,
  accountIdOf,
  mayName,
  type NameDirectory,
  type Names,
  resolveNames,
} from '../admin/names.js'
import type { StoredAuditEntry } from './chain.js'
import type { AuditLog } from './ports.js'
import type { AuditService } from './service.js'

const EntryView = z.object({
  seq: z.number(),
  time: z.string(),
  actor: z.string().describe('account:<id>, api_key:<id>, cli or system'),
  actor_info: ActorRef.optional().describe('Left out, like every name, without accounts:read'),
  actor_ip: z.string().nullable(),
  request_id: z.string().nullable(),
  action: z.string(),
  target: z.string().nullable(),
  target_account: AccountRef.nullable()
    .optional()
    .describe('The account the target names (target account:<id>), by name'),
  details: z.record(z.string(), z.unknown()),
  details_accounts: z
    .array(AccountRef)
    .optional()
    .describe('The accounts that values of `details` name as account:<id>, by name'),
  previous_hash: z.string(),
  hash: z.string(),
})

/** The `account:<id>` values among an entry's details (a detection's key, for one). */
const detailRefs = (details: Record<string, unknown>): string[] =>
  Object.values(details).filter((v): v is string => typeof v === 'string' && accountIdOf(v) !== null)

const view = (e: StoredAuditEntry, names: Names): z.infer<typeof EntryView> => ({
  seq: e.seq,
  time: new Date(e.at).toISOString(),
  actor: e.actor,
  actor_info: names.actor(e.actor) ?? undefined,
  actor_ip: e.actorIp,
  request_id: e.requestId,
  action: e.action,
  target: e.target,
  target_account: names.account(accountIdOf(e.target)),
  details: e.details,
  details_accounts: names.given
    ? detailRefs(e.details).map((ref) => names.account(accountIdOf(ref))!)
    : undefined,
  previous_hash: e.previousHash,
  hash: e.hash,
})

const Hash = z.string().regex(/^[0-9a-fA-F]{64}$/, { message: 'must be a SHA-256 hash in hex' })

export interface AuditRouteDeps {
  authorize: Authorize
  audit: AuditService
  log: AuditLog
  names: NameDirectory
}

const security: Array<Record<string, string[]>> = [{ bearer: [] }, { cookie: [] }]

/** The audit log, newest first, a page at a time. */
const listRoute = (app: HttpServer, deps: AuditRouteDeps) => {
  const admin = deps.authorize('audit:read')

  app.get(
    '/v1/admin/audit',
    {
      preHandler: admin,
      schema: {
        summary: 'The audit log of administrative actions, newest first',
        description: 'Pages of `limit` (1–500, default 100); pass `next_before` back as `before`.',
        tags: ['admin'],
        security,
        querystring: z.strictObject({
          limit: z.coerce.number().int().min(1).max(500).default(100),
          before: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
        }),
        response: { 200: z.object({ entries: z.array(EntryView), next_before: z.number().nullable() }) },
      },
    },
    async (req) => {
      const rows = await deps.log.list(req.query.limit + 1, req.query.before)
      const page = rows.slice(0, req.query.limit)
      const names = await resolveNames(
        deps.names,
        { actors: page.flatMap((e) => [e.actor, e.target, ...detailRefs(e.details)]) },
        mayName(req),
      )
      return {
        entries: page.map((e) => view(e, names)),
        next_before: rows.length > req.query.limit ? (page.at(-1)?.seq ?? null) : null,
      }
    },
  )
}

/** Check the audit log's hash chain. */
const verifyRoute = (app: HttpServer, deps: AuditRouteDeps) => {
  const admin = deps.authorize('audit:read')

  app.get(
    '/v1/admin/audit/verify',
    {
      preHandler: admin,
      schema: {
        summary: 'Check the hash chain of the audit log from its first entry to its head',
        description:
          'Recomputes every hash: `ok` is false and `first_broken` names the first entry that was changed, removed or moved. ' +
          'With `expected_head` (a head hash kept elsewhere), that hash must still be in the chain: entries cut off the end show that way.',
        tags: ['admin'],
        security,
        querystring: z.strictObject({ expected_head: Hash.optional() }),
        response: {
          200: z.object({
            ok: z.boolean(),
            entries: z.number().describe('Entries that verified'),
            head: z.string().describe('Hash of the last entry that verified'),
            first_broken: z
              .object({ seq: z.number(), reason: z.enum(['missing', 'previous_hash', 'hash', 'order']) })
              .nullable(),
            expected_head_found: z.boolean().nullable(),
          }),
        },
      },
    },
    async (req) => {
      const r = await deps.audit.verify(
        req.query.expected_head !== undefined ? { expectedHead: req.query.expected_head } : {},
      )
      return {
        ok: r.ok,
        entries: r.entries,
        head: r.head,
        first_broken: r.firstBroken,
        expected_head_found: r.expectedHeadFound,
      }
    },
  )
}

/** The admin audit API: the log of administrative actions and the check of its chain. */
export const auditRoutes = (app: HttpServer, deps: AuditRouteDeps) => {
  listRoute(app, deps)
  verifyRoute(app, deps)
}
