import type { FastifyRequest } from 'fastify'
import { z } from 'zod'
import { type HttpServer, requestContext } from '../../http/server.js'
import { isoOrNull } from '../../kernel/clock.js'
import { AppError } from '../../kernel/errors.js'
import { type Authorize, SCOPES, staffOf } from './authorize.js'
import type { ApiKeyRecord, ClientRecord, PartnerAccount } from './ports.js'
import {
  filterAndSort,
  REVIEW_ACTIONS,
  REVIEW_FLAGS,
  REVIEW_SORTS,
  type ReviewEntry,
  type ReviewFlag,
  toCsv,
} from './review.js'
import { ACCESS_LIMITS, type AccessService, type Actor, type BulkOutcome } from './service.js'

const ClientView = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  owner_account_id: z.string(),
  created_by: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  disabled_at: z.string().nullable(),
})
const clientView = (c: ClientRecord): z.infer<typeof ClientView> => ({
  id: c.id,
  name: c.name,
  description: c.description,
  owner_account_id: c.ownerAccountId,
  created_by: c.createdBy,
  created_at: isoOrNull(c.createdAt)!,
  updated_at: isoOrNull(c.updatedAt)!,
  disabled_at: isoOrNull(c.disabledAt),
})

const KeyView = z.object({
  id: z.string(),
  principal_id: z.string().describe('`api_key:<id>`, as the access review and the audit log name it'),
  client_id: z.string(),
  prefix: z.string().describe('The displayable part: the key starts `ghk_<prefix>_`'),
  scopes: z.array(z.string()),
  description: z.string().nullable(),
  expires_in_days: z.number().nullable().describe('The expiry policy a rotation carries over; null: never'),
  expires_at: z.string().nullable(),
  created_by: z.string(),
  created_at: z.string(),
  last_used_at: z.string().nullable().describe('Written at most once a minute'),
  last_used_ip: z.string().nullable(),
  revoked_at: z
    .string()
    .nullable()
    .describe('When it stops or stopped working (later than now during an overlap)'),
  replaced_by: z.string().nullable(),
  status: z.enum(['active', 'rotating', 'revoked', 'expired']),
})
const keyView = (k: ApiKeyRecord, now: number): z.infer<typeof KeyView> => ({
  id: k.id,
  principal_id: `api_key:${k.id}`,
  client_id: k.clientId,
  prefix: k.prefix,
  scopes: k.scopes,
  description: k.description,
  expires_in_days: k.expiresInDays,
  expires_at: isoOrNull(k.expiresAt),
  created_by: k.createdBy,
  created_at: isoOrNull(k.createdAt)!,
  last_used_at: isoOrNull(k.lastUsedAt),
  last_used_ip: k.lastUsedIp,
  revoked_at: isoOrNull(k.revokedAt),
  replaced_by: k.replacedBy,
  status:
    k.revokedAt !== null && k.revokedAt <= now
      ? 'revoked'
      : k.expiresAt !== null && k.expiresAt <= now
        ? 'expired'
        : k.revokedAt !== null
          ? 'rotating'
          : 'active',
})

const PartnerView = z.object({
  account_id: z.string(),
  username: z.string(),
  client_id: z.string().nullable(),
  access_revoked_at: z.string().nullable(),
})
const partnerView = (p: PartnerAccount): z.infer<typeof PartnerView> => ({
  account_id: p.id,
  username: p.username,
  client_id: p.clientId,
  access_revoked_at: isoOrNull(p.accessRevokedAt),
})

const ReviewView = z.object({
  principal_id: z.string(),
  kind: z.enum(['api_key', 'partner']),
  name: z.string(),
  status: z.enum(['active', 'rotating', 'client_disabled', 'revoked']),
  client_id: z.string().nullable(),
  client_name: z.string().nullable(),
  key_prefix: z.string().nullable(),
  account_id: z.string().nullable(),
  owner_account_id: z.string().nullable(),
  scopes: z.array(z.string()),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
  last_used_ip: z.string().nullable(),
  expires_at: z.string().nullable(),
  flags: z.array(z.enum(REVIEW_FLAGS)),
  recommended_action: z.enum(REVIEW_ACTIONS),
  reason: z.string(),
})
const reviewView = (e: ReviewEntry): z.infer<typeof ReviewView> => ({
  principal_id: e.principalId,
  kind: e.kind,
  name: e.name,
  status: e.status,
  client_id: e.clientId,
  client_name: e.clientName,
  key_prefix: e.keyPrefix,
  account_id: e.accountId,
  owner_account_id: e.ownerAccountId,
  scopes: e.scopes,
  created_at: isoOrNull(e.createdAt)!,
  last_used_at: isoOrNull(e.lastUsedAt),
  last_used_ip: e.lastUsedIp,
  expires_at: isoOrNull(e.expiresAt),
  flags: e.flags,
  recommended_action: e.action,
  reason: e.reason,
})

const BulkResult = z.object({
  principal_id: z.string(),
  outcome: z.enum(['revoked', 'rotated', 'not_found', 'already_revoked', 'not_applicable', 'scope_required']),
  detail: z.string().optional(),
  sessions_ended: z.number().optional(),
  successor: KeyView.optional(),
  key: z.string().optional().describe('The successor key (`ghk_…`); shown in this answer only'),
  previous_stops_at: z.string().optional(),
})
const bulkView = (r: BulkOutcome, now: number): z.infer<typeof BulkResult> => {
  if (r.outcome === 'revoked') {
    return {
      principal_id: r.principalId,
      outcome: r.outcome,
      ...(r.sessionsEnded !== undefined ? { sessions_ended: r.sessionsEnded } : {}),
    }
  }
  if (r.outcome === 'rotated') {
    return {
      principal_id: r.principalId,
      outcome: r.outcome,
      successor: keyView(r.successor, now),
      key: r.key,
      previous_stops_at: isoOrNull(r.oldStopsAt)!,
    }
  }
  return { principal_id: r.principalId, outcome: r.outcome, detail: r.detail }
}

const Id = z.string().min(1).max(64)
const ClientParams = z.strictObject({ id: Id })
const KeyParams = z.strictObject({ id: Id, key_id: Id })
const ScopeName = z.enum(['*', ...SCOPES])
const ExpiresInDays = z
  .number()
  .int()
  .min(1)
  .max(ACCESS_LIMITS.maxExpiryDays)
  .nullable()
  .describe('Days until the key expires; null: it never expires (the access review flags that)')
const Overlap = z
  .number()
  .int()
  .min(0)
  .max(ACCESS_LIMITS.maxOverlapSeconds)
  .default(0)
  .describe('Seconds the old key keeps working beside its successor (0: it stops at once)')
const PrincipalIds = z.array(z.string().min(1).max(80)).min(1).max(ACCESS_LIMITS.bulkPrincipals)

const actorOf = (req: FastifyRequest): Actor => {
  const s = staffOf(req)
  return { actor: s.actor, scopes: s.scopes }
}

const parseFlags = (raw: string | undefined): ReviewFlag[] => {
  if (!raw) return []
  const flags = raw.split(',').map((f) => f.trim())
  const bad = flags.find((f) => !(REVIEW_FLAGS as readonly string[]).includes(f))
  if (bad !== undefined)
    throw new AppError('invalid_request', {
      detail: `Unknown flag ${bad.slice(0, 40)}: one of ${REVIEW_FLAGS.join(', ')}`,
    })
  return flags as ReviewFlag[]
}

/** Wants CSV: `?format=csv`, or an Accept header that prefers text/csv to JSON. */
const wantsCsv = (req: FastifyRequest, format: 'json' | 'csv' | undefined): boolean => {
  if (format) return format === 'csv'
  const accept = req.headers.accept ?? ''
  return /\btext\/csv\b/i.test(accept) && !/\bapplication\/json\b/i.test(accept)
}

export const accessRoutes = (
  app: HttpServer,
  deps: { authorize: Authorize; access: AccessService; now: () => number },
) => {
  const read = { preHandler: deps.authorize('access:read') }
  const write = { preHandler: deps.authorize('access:write') }
  const security: Record<string, string[]>[] = [{ bearer: [] }, { cookie: [] }]
  const common = { tags: ['admin'], security }
  const { access } = deps

  app.post(
    '/v1/admin/clients',
    {
      ...write,
      schema: {
        ...common,
        summary: 'Register a client: a third-party app or partner that will hold admin API keys',
        body: z.strictObject({
          name: z.string().min(1).max(ACCESS_LIMITS.nameLength),
          owner_account_id: Id.describe('A staff (admin, responder, auditor) or partner account'),
          description: z.string().max(ACCESS_LIMITS.descriptionLength).nullable().optional(),
        }),
        response: { 201: ClientView },
      },
    },
    async (req, reply) => {
      const c = await access.createClient(
        { name: req.body.name, ownerAccountId: req.body.owner_account_id, description: req.body.description },
        actorOf(req),
        requestContext(req),
      )
      return reply.status(201).send(clientView(c))
    },
  )

  app.get(
    '/v1/admin/clients',
    {
      ...read,
      schema: {
        ...common,
        summary: 'Every client',
        response: { 200: z.object({ clients: z.array(ClientView) }) },
      },
    },
    async () => ({ clients: (await access.listClients()).map(clientView) }),
  )

  app.get(
    '/v1/admin/clients/:id',
    {
      ...read,
      schema: {
        ...common,
        summary: 'A client and every key it has had',
        params: ClientParams,
        response: { 200: ClientView.extend({ keys: z.array(KeyView) }) },
      },
    },
    async (req) => {
      const c = await access.getClient(req.params.id)
      const now = deps.now()
      return { ...clientView(c), keys: (await access.listKeys(c.id)).map((k) => keyView(k, now)) }
    },
  )

  app.patch(
    '/v1/admin/clients/:id',
    {
      ...write,
      schema: {
        ...common,
        summary: 'Rename a client, change its owner, or disable and enable it',
        description:
          'While disabled, every key of the client is refused (401); enabling it brings them back.',
        params: ClientParams,
        body: z.strictObject({
          name: z.string().min(1).max(ACCESS_LIMITS.nameLength).optional(),
          description: z.string().max(ACCESS_LIMITS.descriptionLength).nullable().optional(),
          owner_account_id: Id.optional(),
          disabled: z.boolean().optional(),
        }),
        response: { 200: ClientView },
      },
    },
    async (req) =>
      clientView(
        await access.updateClient(
          req.params.id,
          {
            name: req.body.name,
            description: req.body.description,
            ownerAccountId: req.body.owner_account_id,
            disabled: req.body.disabled,
          },
          actorOf(req),
          requestContext(req),
        ),
      ),
  )

  app.delete(
    '/v1/admin/clients/:id',
    {
      ...write,
      schema: {
        ...common,
        summary: 'Delete a client: it is disabled for good and every key it holds is revoked',
        params: ClientParams,
      },
    },
    async (req, reply) => {
      await access.deleteClient(req.params.id, actorOf(req), requestContext(req))
      return reply.status(204).send()
    },
  )

  app.post(
    '/v1/admin/clients/:id/keys',
    {
      ...write,
      schema: {
        ...common,
        summary: 'Issue an admin API key to a client',
        description:
          'The key (`ghk_<prefix>_<secret>`) is in this answer only; Gatehouse keeps its SHA-256. ' +
          'Scopes are those of docs/admin.md, or `*` alone for every scope; the caller can grant only scopes it holds.',
        params: ClientParams,
        body: z.strictObject({
          scopes: z.array(ScopeName).min(1).max(SCOPES.length),
          expires_in_days: ExpiresInDays,
          description: z.string().max(ACCESS_LIMITS.descriptionLength).nullable().optional(),
        }),
        response: { 201: KeyView.extend({ key: z.string().describe('Shown once') }) },
      },
    },
    async (req, reply) => {
      const { record, key } = await access.createKey(
        req.params.id,
        {
          scopes: req.body.scopes,
          expiresInDays: req.body.expires_in_days,
          description: req.body.description,
        },
        actorOf(req),
        requestContext(req),
      )
      return reply.status(201).send({ ...keyView(record, deps.now()), key })
    },
  )

  app.get(
    '/v1/admin/clients/:id/keys',
    {
      ...read,
      schema: {
        ...common,
        summary: "A client's keys (never the keys themselves)",
        params: ClientParams,
        response: { 200: z.object({ keys: z.array(KeyView) }) },
      },
    },
    async (req) => {
      const now = deps.now()
      return { keys: (await access.listKeys(req.params.id)).map((k) => keyView(k, now)) }
    },
  )

  app.patch(
    '/v1/admin/clients/:id/keys/:key_id',
    {
      ...write,
      schema: {
        ...common,
        summary: "Change a key's expiry (counted from now)",
        params: KeyParams,
        body: z.strictObject({ expires_in_days: ExpiresInDays }),
        response: { 200: KeyView },
      },
    },
    async (req) =>
      keyView(
        await access.setKeyExpiry(
          req.params.id,
          req.params.key_id,
          req.body.expires_in_days,
          actorOf(req),
          requestContext(req),
        ),
        deps.now(),
      ),
  )

  app.delete(
    '/v1/admin/clients/:id/keys/:key_id',
    {
      ...write,
      schema: { ...common, summary: 'Revoke a key: it is refused from now on', params: KeyParams },
    },
    async (req, reply) => {
      await access.revokeKey(req.params.id, req.params.key_id, actorOf(req), requestContext(req))
      return reply.status(204).send()
    },
  )

  app.post(
    '/v1/admin/clients/:id/keys/:key_id/rotate',
    {
      ...write,
      schema: {
        ...common,
        summary: 'Replace a key by a successor with the same scopes and expiry policy',
        description:
          'The old key stops after `overlap_seconds` (default 0: at once; at most 7 days), so that the client can switch without a gap. ' +
          'The caller must hold every scope of the key.',
        params: KeyParams,
        body: z.strictObject({ overlap_seconds: Overlap }).optional(),
        response: {
          201: KeyView.extend({
            key: z.string().describe('Shown once'),
            previous: z.object({ id: z.string(), stops_at: z.string() }),
          }),
        },
      },
    },
    async (req, reply) => {
      const r = await access.rotateKey(
        req.params.id,
        req.params.key_id,
        { overlapSeconds: req.body?.overlap_seconds },
        actorOf(req),
        requestContext(req),
      )
      return reply.status(201).send({
        ...keyView(r.record, deps.now()),
        key: r.key,
        previous: { id: req.params.key_id, stops_at: isoOrNull(r.oldStopsAt)! },
      })
    },
  )

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

  app.get(
    '/v1/admin/access-review',
    {
      ...read,
      schema: {
        ...common,
        summary:
          'Every external principal (API keys, partner accounts) with risk flags and a recommended action',
        description:
          '`flag` (comma-separated: entries with every one), `kind`, `action` filter; `sort` (default risk, highest first) and `order`. ' +
          '`format=csv` or `Accept: text/csv` answers CSV (cells that a spreadsheet would run as formulas are prefixed with a quote).',
        querystring: z.strictObject({
          flag: z
            .string()
            .max(200)
            .optional()
            .describe(`Comma-separated: ${REVIEW_FLAGS.join(', ')}`),
          kind: z.enum(['api_key', 'partner']).optional(),
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
        const day = new Date(deps.now()).toISOString().slice(0, 10)
        return (
          reply
            .type('text/csv; charset=utf-8')
            .header('content-disposition', `attachment; filename="access-review-${day}.csv"`)
            // The JSON schema types the 200 answer; a string with its own content type is sent as it is.
            .send(toCsv(entries) as never)
        )
      }
      return {
        generated_at: new Date(deps.now()).toISOString(),
        count: entries.length,
        principals: entries.map(reviewView),
      }
    },
  )

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
      const now = deps.now()
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
      const now = deps.now()
      return { results: results.map((r) => bulkView(r, now)) }
    },
  )
}
