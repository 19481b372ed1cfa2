import type { FastifyRequest } from 'fastify'
import { z } from 'zod'
import { isoOrNull } from '../../kernel/clock.js'
import { AppError } from '../../kernel/errors.js'
import { SCOPES, staffOf } from './authorize.js'
import type { ApiKeyRecord, ClientRecord, PartnerAccount } from './ports.js'
import { PRINCIPAL_KINDS, REVIEW_ACTIONS, REVIEW_FLAGS, type ReviewEntry, type ReviewFlag } from './review.js'
import { ACCESS_LIMITS, type Actor, type BulkOutcome } from './service.js'

/* The admin access API's answers, parameters and request helpers. */

export const ClientView = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  owner_account_id: z.string(),
  created_by: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  disabled_at: z.string().nullable(),
})
export const clientView = (c: ClientRecord): z.infer<typeof ClientView> => ({
  id: c.id,
  name: c.name,
  description: c.description,
  owner_account_id: c.ownerAccountId,
  created_by: c.createdBy,
  created_at: isoOrNull(c.createdAt)!,
  updated_at: isoOrNull(c.updatedAt)!,
  disabled_at: isoOrNull(c.disabledAt),
})

export const KeyView = z.object({
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
export const keyView = (k: ApiKeyRecord, now: number): z.infer<typeof KeyView> => ({
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

export const PartnerView = z.object({
  account_id: z.string(),
  username: z.string(),
  client_id: z.string().nullable(),
  access_revoked_at: z.string().nullable(),
})
export const partnerView = (p: PartnerAccount): z.infer<typeof PartnerView> => ({
  account_id: p.id,
  username: p.username,
  client_id: p.clientId,
  access_revoked_at: isoOrNull(p.accessRevokedAt),
})

export const ReviewView = z.object({
  principal_id: z.string(),
  kind: z.enum(PRINCIPAL_KINDS),
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
export const reviewView = (e: ReviewEntry): z.infer<typeof ReviewView> => ({
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

export const BulkResult = z.object({
  principal_id: z.string(),
  outcome: z.enum(['revoked', 'rotated', 'not_found', 'already_revoked', 'not_applicable', 'scope_required']),
  detail: z.string().optional(),
  sessions_ended: z.number().optional(),
  successor: KeyView.optional(),
  key: z.string().optional().describe('The successor key (`ghk_…`); shown in this answer only'),
  previous_stops_at: z.string().optional(),
})
export const bulkView = (r: BulkOutcome, now: number): z.infer<typeof BulkResult> => {
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

export const Id = z.string().min(1).max(64)
export const ClientParams = z.strictObject({ id: Id })
export const KeyParams = z.strictObject({ id: Id, key_id: Id })
export const ScopeName = z.enum(['*', ...SCOPES])
export const ExpiresInDays = z
  .number()
  .int()
  .min(1)
  .max(ACCESS_LIMITS.maxExpiryDays)
  .nullable()
  .describe('Days until the key expires; null: it never expires (the access review flags that)')
export const Overlap = z
  .number()
  .int()
  .min(0)
  .max(ACCESS_LIMITS.maxOverlapSeconds)
  .default(0)
  .describe('Seconds the old key keeps working beside its successor (0: it stops at once)')
export const PrincipalIds = z.array(z.string().min(1).max(80)).min(1).max(ACCESS_LIMITS.bulkPrincipals)

export const actorOf = (req: FastifyRequest): Actor => {
  const s = staffOf(req)
  return { actor: s.actor, scopes: s.scopes }
}

export const parseFlags = (raw: string | undefined): ReviewFlag[] => {
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
export const wantsCsv = (req: FastifyRequest, format: 'json' | 'csv' | undefined): boolean => {
  if (format) return format === 'csv'
  const accept = req.headers.accept ?? ''
  return /\btext\/csv\b/i.test(accept) && !/\bapplication\/json\b/i.test(accept)
}
