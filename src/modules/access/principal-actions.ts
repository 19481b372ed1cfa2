import { DAY, SECOND } from '../../kernel/clock.js'
import { AppError } from '../../kernel/errors.js'
import { hashToken, newId } from '../../kernel/tokens.js'
import type { RequestContext } from '../events/ports.js'
import { newApiKey } from './keys.js'
import type { ApiKeyRecord } from './ports.js'
import {
  ACCESS_LIMITS,
  type Actor,
  type BulkOutcome,
  checkExpiry,
  cleanDescription,
  missingScopes,
} from './rules.js'
import type { AccessServiceDeps } from './service.js'

/*
 * What the access service does to one principal (an API key, a partner account), shared by the
 * single-item routes and the access review's bulk actions: each answers with a BulkOutcome.
 */

type ActionDeps = AccessServiceDeps

/** A new key's secret and record (not stored yet). */
export const issueKey = (
  clientId: string,
  scopes: string[],
  expiresInDays: number | null,
  description: string | null,
  by: Actor,
  now: number,
): { key: string; record: ApiKeyRecord } => {
  checkExpiry(expiresInDays)
  const { key, prefix } = newApiKey()
  return {
    key,
    record: {
      id: newId(),
      clientId,
      prefix,
      keyHash: hashToken(key),
      scopes,
      description: cleanDescription(description),
      expiresInDays,
      expiresAt: expiresInDays === null ? null : now + expiresInDays * DAY,
      createdBy: by.actor,
      createdAt: now,
      lastUsedAt: null,
      lastUsedIp: null,
      revokedAt: null,
      replacedBy: null,
    },
  }
}

export const revokeKeyPrincipal = async (
  deps: ActionDeps,
  keyId: string,
  by: Actor,
  ctx: RequestContext,
  action: string,
): Promise<BulkOutcome> => {
  const principalId = `api_key:${keyId}`
  const k = await deps.repo.findKey(keyId)
  if (!k) return { principalId, outcome: 'not_found', detail: 'No such API key' }
  const now = deps.clock.now()
  if (!(await deps.repo.revokeKey(keyId, now, now))) {
    return { principalId, outcome: 'already_revoked', detail: 'The key was revoked already' }
  }
  await deps.audit.record(by.actor, ctx, action, principalId, {
    client_id: k.clientId,
    prefix: k.prefix,
  })
  await deps.events.record('api_key_revoked', null, ctx, {
    key_id: k.id,
    client_id: k.clientId,
    prefix: k.prefix,
  })
  return { principalId, outcome: 'revoked' }
}

/**
 * Issues a successor with the same scopes and expiry policy and makes the old key stop after
 * `overlapSeconds` (0: at once). The caller must hold the key's scopes: rotation hands out a new
 * secret, so it is no way around the rule that nobody grants more than they hold.
 */
export const rotateKeyPrincipal = async (
  deps: ActionDeps,

  keyId: string,
  overlapSeconds: number,
  by: Actor,
  ctx: RequestContext,
  action: string,
): Promise<BulkOutcome> => {
  const principalId = `api_key:${keyId}`
  if (
    !Number.isInteger(overlapSeconds) ||
    overlapSeconds < 0 ||
    overlapSeconds > ACCESS_LIMITS.maxOverlapSeconds
  )
    throw new AppError('invalid_request', {
      detail: `overlap_seconds must be a whole number from 0 to ${ACCESS_LIMITS.maxOverlapSeconds}`,
    })
  const k = await deps.repo.findKey(keyId)
  if (!k) return { principalId, outcome: 'not_found', detail: 'No such API key' }
  const now = deps.clock.now()
  if (k.revokedAt !== null) {
    return { principalId, outcome: 'already_revoked', detail: 'The key was revoked or rotated already' }
  }
  if (k.expiresAt !== null && k.expiresAt <= now) {
    return { principalId, outcome: 'already_revoked', detail: 'The key has expired: issue a new one' }
  }
  const client = await deps.repo.findClient(k.clientId)
  if (!client || client.disabledAt !== null) {
    return { principalId, outcome: 'not_applicable', detail: 'The client is disabled' }
  }
  const missing = missingScopes(by, k.scopes)
  if (missing) return { principalId, outcome: 'scope_required', detail: missing }
  const { key, record } = issueKey(k.clientId, k.scopes, k.expiresInDays, k.description, by, now)
  const oldStopsAt = now + overlapSeconds * SECOND
  if (!(await deps.repo.rotateKey(keyId, record, oldStopsAt, now))) {
    return { principalId, outcome: 'already_revoked', detail: 'The key was revoked or rotated already' }
  }
  await deps.audit.record(by.actor, ctx, action, principalId, {
    client_id: k.clientId,
    prefix: k.prefix,
    successor: `api_key:${record.id}`,
    successor_prefix: record.prefix,
    overlap_seconds: overlapSeconds,
  })
  await deps.events.record('api_key_rotated', null, ctx, {
    key_id: k.id,
    client_id: k.clientId,
    prefix: k.prefix,
    successor_id: record.id,
    successor_prefix: record.prefix,
    overlap_seconds: overlapSeconds,
  })
  return { principalId, outcome: 'rotated', successor: record, key, oldStopsAt }
}

export const revokePartnerPrincipal = async (
  deps: ActionDeps,

  accountId: string,
  by: Actor,
  ctx: RequestContext,
  action: string,
): Promise<BulkOutcome> => {
  const principalId = `account:${accountId}`
  const p = await deps.repo.findPartner(accountId)
  if (!p) return { principalId, outcome: 'not_found', detail: 'No such account' }
  if (p.role !== 'partner') {
    return {
      principalId,
      outcome: 'not_applicable',
      detail: 'Only partner accounts are external principals',
    }
  }
  const r = await deps.repo.revokePartner(accountId, deps.clock.now())
  if (!r.changed) return { principalId, outcome: 'already_revoked', detail: 'Access was revoked already' }
  await deps.audit.record(by.actor, ctx, action, principalId, { sessions_ended: r.sessions })
  await deps.events.record('account_access_revoked', accountId, ctx, { revoked_sessions: r.sessions })
  return { principalId, outcome: 'revoked', sessionsEnded: r.sessions }
}
