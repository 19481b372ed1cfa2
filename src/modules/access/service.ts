import type { Clock } from '../../kernel/clock.js'
import { DAY, MINUTE, SECOND } from '../../kernel/clock.js'
import { AppError } from '../../kernel/errors.js'
import { isStaffRole } from '../../kernel/roles.js'
import { hashToken, newId, safeEqual } from '../../kernel/tokens.js'
import type { AuditService } from '../audit/service.js'
import type { RequestContext } from '../events/ports.js'
import type { EventRecorder } from '../events/recorder.js'
import { kindsAtLeast, STAFF_FLOOR } from '../mfa/strength.js'
import { type ApiKeyAuthenticator, isScope, SCOPES, type Scope } from './authorize.js'
import { keyPrefixOf, newApiKey } from './keys.js'
import type { AccessRepository, ApiKeyRecord, ClientRecord, PartnerAccount } from './ports.js'
import { keyFlags, type PrincipalStatus, partnerFlags, type ReviewEntry, recommend } from './review.js'

export const ACCESS_LIMITS = {
  nameLength: 100,
  descriptionLength: 500,
  maxExpiryDays: 3650,
  /** The longest a rotated key keeps working beside its successor. */
  maxOverlapSeconds: 7 * 24 * 3600,
  bulkPrincipals: 500,
} as const

/** The last use of a key is written at most this often (per key, across instances). */
export const LAST_USE_WRITE_GAP_MS = MINUTE

/** Who acts: what the audit log records, and the scopes the caller holds (it can grant no more). */
export interface Actor {
  actor: string
  scopes: readonly Scope[]
}

export interface NewKey {
  scopes: string[]
  expiresInDays: number | null
  description?: string | null | undefined
}

export type BulkOutcome =
  | { principalId: string; outcome: 'revoked'; sessionsEnded?: number }
  | {
      principalId: string
      outcome: 'rotated'
      successor: ApiKeyRecord
      key: string
      oldStopsAt: number
    }
  | {
      principalId: string
      outcome: 'not_found' | 'already_revoked' | 'not_applicable' | 'scope_required'
      detail: string
    }

export interface AccessServiceDeps {
  repo: AccessRepository
  audit: AuditService
  events: EventRecorder
  clock: Clock
}

/**
 * External parties: clients, their admin API keys, partner accounts, and the access review over
 * all of them. Every change is audited with its actor.
 */
export class AccessService {
  /** Refused keys recorded as events at most once a minute per key, per instance. */
  readonly #refusalNoted = new Map<string, number>()

  constructor(private readonly deps: AccessServiceDeps) {}

  // ---- clients

  async createClient(
    input: { name: string; ownerAccountId: string; description?: string | null | undefined },
    by: Actor,
    ctx: RequestContext,
  ): Promise<ClientRecord> {
    await this.#checkOwner(input.ownerAccountId)
    const now = this.deps.clock.now()
    const client: ClientRecord = {
      id: newId(),
      name: cleanName(input.name),
      description: cleanDescription(input.description),
      ownerAccountId: input.ownerAccountId,
      createdBy: by.actor,
      createdAt: now,
      updatedAt: now,
      disabledAt: null,
    }
    await this.deps.repo.createClient(client)
    await this.deps.audit.record(by.actor, ctx, 'client.create', `client:${client.id}`, {
      name: client.name,
      owner_account_id: client.ownerAccountId,
    })
    return client
  }

  listClients(): Promise<ClientRecord[]> {
    return this.deps.repo.listClients()
  }

  async getClient(id: string): Promise<ClientRecord> {
    const c = await this.deps.repo.findClient(id)
    if (!c) throw new AppError('not_found', { detail: 'No such client' })
    return c
  }

  /** Renames, re-describes, changes the owner, disables or enables a client. */
  async updateClient(
    id: string,
    change: {
      name?: string | undefined
      description?: string | null | undefined
      ownerAccountId?: string | undefined
      disabled?: boolean | undefined
    },
    by: Actor,
    ctx: RequestContext,
  ): Promise<ClientRecord> {
    const client = await this.getClient(id)
    if (change.ownerAccountId !== undefined) await this.#checkOwner(change.ownerAccountId)
    const now = this.deps.clock.now()
    const set: Parameters<AccessRepository['updateClient']>[1] = {}
    if (change.name !== undefined) set.name = cleanName(change.name)
    if (change.description !== undefined) set.description = cleanDescription(change.description)
    if (change.ownerAccountId !== undefined) set.ownerAccountId = change.ownerAccountId
    if (change.disabled !== undefined) set.disabledAt = change.disabled ? (client.disabledAt ?? now) : null
    await this.deps.repo.updateClient(id, set, now)
    const details: Record<string, unknown> = {}
    if (set.name !== undefined) details.name = set.name
    if (set.ownerAccountId !== undefined) details.owner_account_id = set.ownerAccountId
    if (set.description !== undefined) details.description_changed = true
    if (change.disabled !== undefined) details.disabled = change.disabled
    await this.deps.audit.record(by.actor, ctx, 'client.update', `client:${id}`, details)
    return this.getClient(id)
  }

  /** Disables the client for good: every key is revoked (the record stays, for the audit trail). */
  async deleteClient(id: string, by: Actor, ctx: RequestContext): Promise<{ revokedKeys: number }> {
    const client = await this.getClient(id)
    const now = this.deps.clock.now()
    const keys = (await this.deps.repo.listKeys(id)).filter((k) => k.revokedAt === null || k.revokedAt > now)
    if (client.disabledAt === null) await this.deps.repo.updateClient(id, { disabledAt: now }, now)
    const revokedKeys = await this.deps.repo.revokeClientKeys(id, now)
    await this.deps.audit.record(by.actor, ctx, 'client.delete', `client:${id}`, {
      revoked_keys: revokedKeys,
    })
    for (const k of keys) {
      await this.deps.events.record('api_key_revoked', null, ctx, {
        key_id: k.id,
        client_id: id,
        prefix: k.prefix,
        via: 'client_deleted',
      })
    }
    return { revokedKeys }
  }

  // ---- keys

  /** Issues a key; the key itself is in this answer only. */
  async createKey(
    clientId: string,
    input: NewKey,
    by: Actor,
    ctx: RequestContext,
  ): Promise<{ record: ApiKeyRecord; key: string }> {
    const client = await this.getClient(clientId)
    if (client.disabledAt !== null) throw new AppError('client_disabled')
    const scopes = checkScopes(input.scopes)
    requireHeld(by, scopes)
    const now = this.deps.clock.now()
    const { key, record } = this.#issue(
      clientId,
      scopes,
      input.expiresInDays,
      input.description ?? null,
      by,
      now,
    )
    await this.deps.repo.createKey(record)
    await this.deps.audit.record(by.actor, ctx, 'api_key.create', `api_key:${record.id}`, {
      client_id: clientId,
      prefix: record.prefix,
      scopes,
      expires_in_days: record.expiresInDays,
    })
    await this.deps.events.record('api_key_created', null, ctx, {
      key_id: record.id,
      client_id: clientId,
      prefix: record.prefix,
      scopes,
    })
    return { record, key }
  }

  async listKeys(clientId: string): Promise<ApiKeyRecord[]> {
    await this.getClient(clientId)
    return this.deps.repo.listKeys(clientId)
  }

  async #keyOf(clientId: string, keyId: string): Promise<ApiKeyRecord> {
    const k = await this.deps.repo.findKey(keyId)
    if (!k || k.clientId !== clientId) throw new AppError('not_found', { detail: 'No such API key' })
    return k
  }

  async revokeKey(clientId: string, keyId: string, by: Actor, ctx: RequestContext): Promise<void> {
    await this.#keyOf(clientId, keyId)
    const r = await this.#revokeKey(keyId, by, ctx, 'api_key.revoke')
    if (r.outcome !== 'revoked') throw new AppError('api_key_revoked')
  }

  /** Changes the expiry policy of a live key (the new expiry counts from now). */
  async setKeyExpiry(
    clientId: string,
    keyId: string,
    expiresInDays: number | null,
    by: Actor,
    ctx: RequestContext,
  ): Promise<ApiKeyRecord> {
    const k = await this.#keyOf(clientId, keyId)
    const now = this.deps.clock.now()
    if (k.revokedAt !== null) throw new AppError('api_key_revoked')
    checkExpiry(expiresInDays)
    const expiresAt = expiresInDays === null ? null : now + expiresInDays * DAY
    await this.deps.repo.setKeyExpiry(keyId, expiresInDays, expiresAt)
    await this.deps.audit.record(by.actor, ctx, 'api_key.update', `api_key:${keyId}`, {
      expires_in_days: expiresInDays,
    })
    return (await this.deps.repo.findKey(keyId))!
  }

  async rotateKey(
    clientId: string,
    keyId: string,
    opts: { overlapSeconds?: number | undefined },
    by: Actor,
    ctx: RequestContext,
  ): Promise<{ record: ApiKeyRecord; key: string; oldStopsAt: number }> {
    await this.#keyOf(clientId, keyId)
    const r = await this.#rotateKey(keyId, opts.overlapSeconds ?? 0, by, ctx, 'api_key.rotate')
    if (r.outcome === 'rotated') return { record: r.successor, key: r.key, oldStopsAt: r.oldStopsAt }
    if (r.outcome === 'scope_required') throw new AppError('scope_required', { detail: r.detail })
    if (r.outcome === 'not_applicable') throw new AppError('client_disabled')
    throw new AppError('api_key_revoked', { detail: r.outcome === 'already_revoked' ? r.detail : undefined })
  }

  #issue(
    clientId: string,
    scopes: string[],
    expiresInDays: number | null,
    description: string | null,
    by: Actor,
    now: number,
  ): { key: string; record: ApiKeyRecord } {
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

  async #revokeKey(keyId: string, by: Actor, ctx: RequestContext, action: string): Promise<BulkOutcome> {
    const principalId = `api_key:${keyId}`
    const k = await this.deps.repo.findKey(keyId)
    if (!k) return { principalId, outcome: 'not_found', detail: 'No such API key' }
    const now = this.deps.clock.now()
    if (!(await this.deps.repo.revokeKey(keyId, now, now))) {
      return { principalId, outcome: 'already_revoked', detail: 'The key was revoked already' }
    }
    await this.deps.audit.record(by.actor, ctx, action, principalId, {
      client_id: k.clientId,
      prefix: k.prefix,
    })
    await this.deps.events.record('api_key_revoked', null, ctx, {
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
  async #rotateKey(
    keyId: string,
    overlapSeconds: number,
    by: Actor,
    ctx: RequestContext,
    action: string,
  ): Promise<BulkOutcome> {
    const principalId = `api_key:${keyId}`
    if (
      !Number.isInteger(overlapSeconds) ||
      overlapSeconds < 0 ||
      overlapSeconds > ACCESS_LIMITS.maxOverlapSeconds
    )
      throw new AppError('invalid_request', {
        detail: `overlap_seconds must be a whole number from 0 to ${ACCESS_LIMITS.maxOverlapSeconds}`,
      })
    const k = await this.deps.repo.findKey(keyId)
    if (!k) return { principalId, outcome: 'not_found', detail: 'No such API key' }
    const now = this.deps.clock.now()
    if (k.revokedAt !== null) {
      return { principalId, outcome: 'already_revoked', detail: 'The key was revoked or rotated already' }
    }
    if (k.expiresAt !== null && k.expiresAt <= now) {
      return { principalId, outcome: 'already_revoked', detail: 'The key has expired: issue a new one' }
    }
    const client = await this.deps.repo.findClient(k.clientId)
    if (!client || client.disabledAt !== null) {
      return { principalId, outcome: 'not_applicable', detail: 'The client is disabled' }
    }
    const missing = missingScopes(by, k.scopes)
    if (missing) return { principalId, outcome: 'scope_required', detail: missing }
    const { key, record } = this.#issue(k.clientId, k.scopes, k.expiresInDays, k.description, by, now)
    const oldStopsAt = now + overlapSeconds * SECOND
    if (!(await this.deps.repo.rotateKey(keyId, record, oldStopsAt, now))) {
      return { principalId, outcome: 'already_revoked', detail: 'The key was revoked or rotated already' }
    }
    await this.deps.audit.record(by.actor, ctx, action, principalId, {
      client_id: k.clientId,
      prefix: k.prefix,
      successor: `api_key:${record.id}`,
      successor_prefix: record.prefix,
      overlap_seconds: overlapSeconds,
    })
    await this.deps.events.record('api_key_rotated', null, ctx, {
      key_id: k.id,
      client_id: k.clientId,
      prefix: k.prefix,
      successor_id: record.id,
      successor_prefix: record.prefix,
      overlap_seconds: overlapSeconds,
    })
    return { principalId, outcome: 'rotated', successor: record, key, oldStopsAt }
  }

  /**
   * The `ApiKeyAuthenticator` of the admin API: the key is looked up by its SHA-256 (an indexed,
   * unique column; the hashes are then compared in constant time). Unknown, revoked, expired keys
   * and keys of a disabled client are refused alike; the use of a known but dead key is recorded
   * (`api_key_refused`). The last use (time and address) is written at most once a minute per key.
   */
  readonly authenticate: ApiKeyAuthenticator = async (presented, use) => {
    const prefix = keyPrefixOf(presented)
    if (!prefix) return null
    const hash = hashToken(presented)
    const found = await this.deps.repo.findKeyByHash(hash)
    if (!found || !safeEqual(found.key.keyHash, hash) || found.key.prefix !== prefix) return null
    const k = found.key
    const refused =
      k.revokedAt !== null && k.revokedAt <= use.at
        ? 'revoked'
        : k.expiresAt !== null && k.expiresAt <= use.at
          ? 'expired'
          : found.clientDisabledAt !== null
            ? 'client_disabled'
            : null
    if (refused) {
      await this.#noteRefusal(k, refused, use)
      return null
    }
    if (k.lastUsedAt === null || use.at - k.lastUsedAt >= LAST_USE_WRITE_GAP_MS) {
      await this.deps.repo.recordUse(k.id, use.ip, use.at, LAST_USE_WRITE_GAP_MS)
    }
    return {
      keyId: k.id,
      clientId: k.clientId,
      scopes: k.scopes.includes('*') ? SCOPES : k.scopes.filter(isScope),
    }
  }

  async #noteRefusal(k: ApiKeyRecord, reason: string, use: { ip: string | null; at: number }) {
    const last = this.#refusalNoted.get(k.id)
    if (last !== undefined && use.at - last < MINUTE) return
    if (this.#refusalNoted.size > 10_000) this.#refusalNoted.clear()
    this.#refusalNoted.set(k.id, use.at)
    await this.deps.events.record(
      'api_key_refused',
      null,
      { ip: use.ip, userAgent: null, clientVersion: null, requestId: null },
      { key_id: k.id, client_id: k.clientId, prefix: k.prefix, reason },
    )
  }

  // ---- partner accounts

  async #partner(accountId: string): Promise<PartnerAccount> {
    const p = await this.deps.repo.findPartner(accountId)
    if (p?.role !== 'partner') throw new AppError('not_found', { detail: 'No such partner account' })
    return p
  }

  /** Links a partner account to a client (or unlinks it with null). */
  async linkPartner(accountId: string, clientId: string | null, by: Actor, ctx: RequestContext) {
    await this.#partner(accountId)
    if (clientId !== null) await this.getClient(clientId)
    await this.deps.repo.setAccountClient(accountId, clientId, this.deps.clock.now())
    await this.deps.audit.record(by.actor, ctx, 'partner.link', `account:${accountId}`, {
      client_id: clientId,
    })
    return this.#partner(accountId)
  }

  async reinstatePartner(accountId: string, by: Actor, ctx: RequestContext): Promise<PartnerAccount> {
    await this.#partner(accountId)
    if (!(await this.deps.repo.reinstatePartner(accountId, this.deps.clock.now()))) {
      throw new AppError('invalid_request', { detail: "This partner account's access is not revoked" })
    }
    await this.deps.audit.record(by.actor, ctx, 'access.reinstate', `account:${accountId}`)
    await this.deps.events.record('account_access_reinstated', accountId, ctx)
    return this.#partner(accountId)
  }

  async #revokePartner(
    accountId: string,
    by: Actor,
    ctx: RequestContext,
    action: string,
  ): Promise<BulkOutcome> {
    const principalId = `account:${accountId}`
    const p = await this.deps.repo.findPartner(accountId)
    if (!p) return { principalId, outcome: 'not_found', detail: 'No such account' }
    if (p.role !== 'partner') {
      return {
        principalId,
        outcome: 'not_applicable',
        detail: 'Only partner accounts are external principals',
      }
    }
    const r = await this.deps.repo.revokePartner(accountId, this.deps.clock.now())
    if (!r.changed) return { principalId, outcome: 'already_revoked', detail: 'Access was revoked already' }
    await this.deps.audit.record(by.actor, ctx, action, principalId, { sessions_ended: r.sessions })
    await this.deps.events.record('account_access_revoked', accountId, ctx, { revoked_sessions: r.sessions })
    return { principalId, outcome: 'revoked', sessionsEnded: r.sessions }
  }

  // ---- the access review

  /** Every external principal: each live key of each client, and each partner account. */
  async review(): Promise<ReviewEntry[]> {
    const { repo } = this.deps
    const now = this.deps.clock.now()
    const clients = new Map((await repo.listClients()).map((c) => [c.id, c]))
    const keys = (await repo.listLiveKeys(now)).filter((k) => k.expiresAt === null || k.expiresAt > now)
    const partners = await repo.listPartners()
    const owners = [...new Set(keys.map((k) => clients.get(k.clientId)?.ownerAccountId).filter(isString))]
    // Staff and partners need an app-based or phishing-resistant factor: email or SMS codes do not count.
    const factored = await repo.withConfirmedFactor(
      [...new Set([...owners, ...partners.map((p) => p.id)])],
      kindsAtLeast(STAFF_FLOOR),
    )
    const activity = await repo.lastActivity(partners.map((p) => p.id))
    const entries: ReviewEntry[] = []
    for (const k of keys) {
      const client = clients.get(k.clientId)
      const owner = client?.ownerAccountId ?? null
      const status: PrincipalStatus =
        k.revokedAt !== null ? 'rotating' : client?.disabledAt != null ? 'client_disabled' : 'active'
      const flags = keyFlags(k, owner !== null && factored.has(owner), now)
      entries.push({
        principalId: `api_key:${k.id}`,
        kind: 'api_key',
        name: `${client?.name ?? '?'} / ${k.prefix}`,
        clientId: k.clientId,
        clientName: client?.name ?? null,
        keyPrefix: k.prefix,
        accountId: null,
        ownerAccountId: owner,
        scopes: k.scopes,
        status,
        createdAt: k.createdAt,
        lastUsedAt: k.lastUsedAt,
        lastUsedIp: k.lastUsedIp,
        expiresAt: k.expiresAt,
        flags,
        ...recommend('api_key', status, flags, { lastUsedAt: k.lastUsedAt, createdAt: k.createdAt, now }),
      })
    }
    for (const p of partners) {
      const lastUsedAt = activity.get(p.id) ?? null
      const status: PrincipalStatus = p.accessRevokedAt !== null ? 'revoked' : 'active'
      const flags = partnerFlags({ createdAt: p.createdAt, lastUsedAt }, factored.has(p.id), now)
      const client = p.clientId ? clients.get(p.clientId) : undefined
      entries.push({
        principalId: `account:${p.id}`,
        kind: 'partner',
        name: p.username,
        clientId: p.clientId,
        clientName: client?.name ?? null,
        keyPrefix: null,
        accountId: p.id,
        ownerAccountId: null,
        scopes: [],
        status,
        createdAt: p.createdAt,
        lastUsedAt,
        lastUsedIp: null,
        expiresAt: null,
        flags,
        ...recommend('partner', status, flags, { lastUsedAt, createdAt: p.createdAt, now }),
      })
    }
    return entries
  }

  /** Revokes each principal: a key stops at once; a partner account is locked and its sessions end. */
  async bulkRevoke(principalIds: string[], by: Actor, ctx: RequestContext): Promise<BulkOutcome[]> {
    const out: BulkOutcome[] = []
    for (const id of dedupe(principalIds)) {
      const p = parsePrincipal(id)
      if (!p) out.push({ principalId: id, outcome: 'not_found', detail: 'Not a principal id' })
      else if (p.kind === 'api_key') out.push(await this.#revokeKey(p.id, by, ctx, 'access.revoke'))
      else out.push(await this.#revokePartner(p.id, by, ctx, 'access.revoke'))
    }
    return out
  }

  /** Rotates each key (partner accounts cannot be rotated: `not_applicable`). */
  async bulkRotate(
    principalIds: string[],
    overlapSeconds: number,
    by: Actor,
    ctx: RequestContext,
  ): Promise<BulkOutcome[]> {
    const out: BulkOutcome[] = []
    for (const id of dedupe(principalIds)) {
      const p = parsePrincipal(id)
      if (!p) out.push({ principalId: id, outcome: 'not_found', detail: 'Not a principal id' })
      else if (p.kind === 'account')
        out.push({
          principalId: id,
          outcome: 'not_applicable',
          detail: 'Partner accounts cannot be rotated: revoke, or ask the holder to change the password',
        })
      else out.push(await this.#rotateKey(p.id, overlapSeconds, by, ctx, 'access.rotate'))
    }
    return out
  }

  async #checkOwner(accountId: string): Promise<void> {
    const owner = (await this.deps.repo.rolesOf([accountId])).get(accountId)
    if (!owner || !isStaffRole(owner.role)) {
      throw new AppError('invalid_owner', {
        detail: 'The owner must be an existing staff (admin, responder, auditor) or partner account',
      })
    }
  }
}

const isString = (v: string | undefined): v is string => typeof v === 'string'

const dedupe = (xs: string[]) => [...new Set(xs)]

export const parsePrincipal = (id: string): { kind: 'api_key' | 'account'; id: string } | null => {
  const m = /^(api_key|account):([A-Za-z0-9-]{1,64})$/.exec(id)
  return m ? { kind: m[1] as 'api_key' | 'account', id: m[2]! } : null
}

const cleanName = (name: string): string => {
  const n = name.trim()
  if (n.length === 0 || n.length > ACCESS_LIMITS.nameLength)
    throw new AppError('invalid_request', {
      detail: `The name must have 1 to ${ACCESS_LIMITS.nameLength} characters`,
    })
  return n
}

const cleanDescription = (d: string | null | undefined): string | null => {
  const v = d?.trim() || null
  if (v && v.length > ACCESS_LIMITS.descriptionLength)
    throw new AppError('invalid_request', { detail: 'The description is too long' })
  return v
}

const checkExpiry = (days: number | null) => {
  if (days !== null && (!Number.isInteger(days) || days < 1 || days > ACCESS_LIMITS.maxExpiryDays))
    throw new AppError('invalid_request', {
      detail: `expires_in_days must be a whole number from 1 to ${ACCESS_LIMITS.maxExpiryDays}, or null`,
    })
}

/** Known scopes, or `*` alone; sorted, without repeats. */
const checkScopes = (scopes: string[]): string[] => {
  const set = [...new Set(scopes)]
  if (set.length === 0) throw new AppError('invalid_request', { detail: 'Give at least one scope' })
  const unknown = set.find((s) => s !== '*' && !isScope(s))
  if (unknown !== undefined)
    throw new AppError('invalid_request', { detail: `Unknown scope: ${unknown.slice(0, 64)}` })
  if (set.includes('*') && set.length > 1)
    throw new AppError('invalid_request', { detail: '`*` already holds every scope: give it alone' })
  return set.sort()
}

/** Null when the caller holds every one of `scopes` (`*` needs every scope); else what it lacks. */
const missingScopes = (by: Actor, scopes: readonly string[]): string | null => {
  const wanted = scopes.includes('*') ? SCOPES : scopes
  const lacking = wanted.filter((s) => !(by.scopes as readonly string[]).includes(s))
  return lacking.length === 0
    ? null
    : `The caller cannot grant scopes it does not hold: ${lacking.join(', ')}`
}

const requireHeld = (by: Actor, scopes: readonly string[]) => {
  const missing = missingScopes(by, scopes)
  if (missing) throw new AppError('scope_required', { detail: missing })
}
