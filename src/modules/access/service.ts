import type { Clock } from '../../kernel/clock.js'
import { DAY } from '../../kernel/clock.js'
import { AppError } from '../../kernel/errors.js'
import { isStaffRole } from '../../kernel/roles.js'
import { newId } from '../../kernel/tokens.js'
import type { AuditService } from '../audit/service.js'
import type { RequestContext } from '../events/ports.js'
import type { EventRecorder } from '../events/recorder.js'
import type { OidcClientRepository } from '../oidc/ports.js'
import type { ApiKeyAuthenticator } from './authorize.js'
import { createKeyAuthenticator } from './key-authenticator.js'
import type { AccessRepository, ApiKeyRecord, ClientRecord, PartnerAccount } from './ports.js'
import {
  issueKey,
  revokeKeyPrincipal,
  revokePartnerPrincipal,
  rotateKeyPrincipal,
} from './principal-actions.js'
import type { ReviewEntry } from './review.js'
import { reviewEntries } from './review-entries.js'
import {
  type Actor,
  type BulkOutcome,
  checkExpiry,
  checkScopes,
  cleanDescription,
  cleanName,
  dedupe,
  type NewKey,
  parsePrincipal,
  requireHeld,
} from './rules.js'

export type { Actor, BulkOutcome } from './rules.js'

const APPLICATION_PREFIX = 'oidc_client:'
/** Applications are disabled, and their secrets rotated, through their own API. */
const applicationNotApplicable = (id: string): BulkOutcome => ({
  principalId: id,
  outcome: 'not_applicable',
  detail:
    'An application: disable it (PATCH /v1/admin/oidc/clients/{id}) or rotate its secret (POST …/secret)',
})

export { ACCESS_LIMITS } from './rules.js'

export interface AccessServiceDeps {
  repo: AccessRepository
  audit: AuditService
  events: EventRecorder
  clock: Clock
  /** Applications (OpenID Connect clients), reviewed beside keys and partners. */
  oidcClients: Pick<OidcClientRepository, 'list'>
}

/**
 * External parties: clients, their admin API keys, partner accounts, and the access review over
 * all of them. Every change is audited with its actor.
 */
export class AccessService {
  constructor(private readonly deps: AccessServiceDeps) {
    this.authenticate = createKeyAuthenticator(deps)
  }

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
    const { key, record } = issueKey(
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
    const r = await revokeKeyPrincipal(this.deps, keyId, by, ctx, 'api_key.revoke')
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
    const r = await rotateKeyPrincipal(this.deps, keyId, opts.overlapSeconds ?? 0, by, ctx, 'api_key.rotate')
    if (r.outcome === 'rotated') return { record: r.successor, key: r.key, oldStopsAt: r.oldStopsAt }
    if (r.outcome === 'scope_required') throw new AppError('scope_required', { detail: r.detail })
    if (r.outcome === 'not_applicable') throw new AppError('client_disabled')
    throw new AppError('api_key_revoked', { detail: r.outcome === 'already_revoked' ? r.detail : undefined })
  }

  /** The `ApiKeyAuthenticator` of the admin API (see createKeyAuthenticator). */
  readonly authenticate: ApiKeyAuthenticator

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

  // ---- the access review

  /** Every external principal: each live key of each client, each partner account, each application. */
  review(): Promise<ReviewEntry[]> {
    return reviewEntries(this.deps.repo, this.deps.oidcClients, this.deps.clock.now())
  }

  /** Revokes each principal: a key stops at once; a partner account is locked and its sessions end. */
  async bulkRevoke(principalIds: string[], by: Actor, ctx: RequestContext): Promise<BulkOutcome[]> {
    const out: BulkOutcome[] = []
    for (const id of dedupe(principalIds)) {
      const p = parsePrincipal(id)
      if (id.startsWith(APPLICATION_PREFIX)) out.push(applicationNotApplicable(id))
      else if (!p) out.push({ principalId: id, outcome: 'not_found', detail: 'Not a principal id' })
      else if (p.kind === 'api_key')
        out.push(await revokeKeyPrincipal(this.deps, p.id, by, ctx, 'access.revoke'))
      else out.push(await revokePartnerPrincipal(this.deps, p.id, by, ctx, 'access.revoke'))
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
      if (id.startsWith(APPLICATION_PREFIX)) out.push(applicationNotApplicable(id))
      else if (!p) out.push({ principalId: id, outcome: 'not_found', detail: 'Not a principal id' })
      else if (p.kind === 'account')
        out.push({
          principalId: id,
          outcome: 'not_applicable',
          detail: 'Partner accounts cannot be rotated: revoke, or ask the holder to change the password',
        })
      else out.push(await rotateKeyPrincipal(this.deps, p.id, overlapSeconds, by, ctx, 'access.rotate'))
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
