import { randomBytes } from 'node:crypto'
import type { Clock } from '../../kernel/clock.js'
import type { RequestContext } from '../../kernel/context.js'
import { AppError } from '../../kernel/errors.js'
import { isStaffRole } from '../../kernel/roles.js'
import { hashToken } from '../../kernel/tokens.js'
import type { AccountRepository } from '../accounts/ports.js'
import type { AuditService } from '../audit/service.js'
import type { EventRecorder } from '../events/recorder.js'
import { checkTarget } from '../webhooks/targets.js'
import {
  checkSettings,
  cleanOptional,
  cleanText,
  distinct,
  OIDC_CLIENT_LIMITS,
  type OidcClientSettings,
} from './client-rules.js'
import type {
  AcrLevel,
  OidcAuthMethod,
  OidcClientChange,
  OidcClientRecord,
  OidcClientRepository,
  OidcGrantType,
  OidcScope,
} from './ports.js'

/** Ends what an application holds: the provider implements it. */
export interface ClientGrants {
  /** Ends every grant and token of the client and tells it by back-channel logout; how many grants. */
  revokeClient(clientId: string, ctx: RequestContext): Promise<number>
}

export interface OidcClientsDeps {
  repo: OidcClientRepository
  audit: AuditService
  events: EventRecorder
  clock: Clock
  /** To check that an owner exists and is staff or partner. */
  accounts: Pick<AccountRepository, 'findById'>
  grants: ClientGrants
  /** Take a back-channel logout URI on a loopback or private address (GATEHOUSE_WEBHOOK_ALLOW_PRIVATE). */
  allowPrivateUrls: boolean
}

/** What the audit log records as the actor (`account:<id>`, `api_key:<id>`, `cli`). */
export interface OidcActor {
  actor: string
}

/** The settings an application can be given; omitted ones take the defaults of `create`. */
export interface OidcClientInput {
  name: string
  description?: string | null | undefined
  ownerAccountId?: string | null | undefined
  contact?: string | null | undefined
  firstParty?: boolean | undefined
  tokenEndpointAuthMethod?: OidcAuthMethod | undefined
  redirectUris?: string[] | undefined
  postLogoutRedirectUris?: string[] | undefined
  scopes?: OidcScope[] | undefined
  grantTypes?: OidcGrantType[] | undefined
  requireAcr?: AcrLevel | null | undefined
  backchannelLogoutUri?: string | null | undefined
  accessTokenFormat?: 'opaque' | 'jwt' | undefined
}

export interface NewOidcClient extends OidcClientInput {
  /** A public client (a browser or native app) holds no secret; fixed at registration. */
  public?: boolean | undefined
}

export type OidcClientUpdate = Partial<OidcClientInput>

/** `ghc_` and 22 base64url characters (16 random bytes). */
export const newClientId = (): string => `ghc_${randomBytes(16).toString('base64url')}`
/** `ghs_` and 43 base64url characters (32 random bytes). */
export const newClientSecret = (): string => `ghs_${randomBytes(32).toString('base64url')}`

const settingsOf = (c: OidcClientRecord): OidcClientSettings => ({
  public: c.public,
  tokenEndpointAuthMethod: c.tokenEndpointAuthMethod,
  redirectUris: c.redirectUris,
  postLogoutRedirectUris: c.postLogoutRedirectUris,
  scopes: c.scopes,
  grantTypes: c.grantTypes,
  requireAcr: c.requireAcr,
  backchannelLogoutUri: c.backchannelLogoutUri,
})

/** The change an update asks for, cleaned; only the fields it names. */
const changeOf = (u: OidcClientUpdate): OidcClientChange => {
  const L = OIDC_CLIENT_LIMITS
  const c: OidcClientChange = {}
  if (u.name !== undefined) c.name = cleanText('name', u.name, L.nameLength)
  if (u.description !== undefined)
    c.description = cleanOptional('description', u.description, L.descriptionLength)
  if (u.ownerAccountId !== undefined) c.ownerAccountId = u.ownerAccountId
  if (u.contact !== undefined) c.contact = cleanOptional('contact', u.contact, L.contactLength)
  if (u.firstParty !== undefined) c.firstParty = u.firstParty
  if (u.tokenEndpointAuthMethod !== undefined) c.tokenEndpointAuthMethod = u.tokenEndpointAuthMethod
  if (u.redirectUris !== undefined) c.redirectUris = distinct(u.redirectUris)
  if (u.postLogoutRedirectUris !== undefined) c.postLogoutRedirectUris = distinct(u.postLogoutRedirectUris)
  if (u.scopes !== undefined) c.scopes = distinct(u.scopes)
  if (u.grantTypes !== undefined) c.grantTypes = distinct(u.grantTypes)
  if (u.requireAcr !== undefined) c.requireAcr = u.requireAcr
  if (u.backchannelLogoutUri !== undefined) c.backchannelLogoutUri = u.backchannelLogoutUri?.trim() || null
  if (u.accessTokenFormat !== undefined) c.accessTokenFormat = u.accessTokenFormat
  return c
}

/** The snake_case names of the settings a change touches, for the audit log and the event. */
const FIELD_NAMES: Record<keyof OidcClientChange, string> = {
  name: 'name',
  description: 'description',
  ownerAccountId: 'owner_account_id',
  contact: 'contact',
  firstParty: 'first_party',
  tokenEndpointAuthMethod: 'token_endpoint_auth_method',
  redirectUris: 'redirect_uris',
  postLogoutRedirectUris: 'post_logout_redirect_uris',
  scopes: 'scopes',
  grantTypes: 'grant_types',
  requireAcr: 'require_acr',
  backchannelLogoutUri: 'backchannel_logout_uri',
  accessTokenFormat: 'access_token_format',
  disabledAt: 'disabled',
  secretHash: 'secret',
  secretCreatedAt: 'secret',
}

/**
 * The applications that sign users in through Gatehouse (OpenID Connect clients): registered,
 * changed, their secrets rotated, disabled and deleted by staff. A secret is shown once, when it is
 * made, and only its SHA-256 is kept. Every change is audited and recorded as a security event;
 * disabling or deleting an application first ends every grant and token it holds.
 */
export class OidcClients {
  constructor(private readonly deps: OidcClientsDeps) {}

  /** Registers an application; a confidential one gets its secret here, once. */
  async create(
    input: NewOidcClient,
    by: OidcActor,
    ctx: RequestContext,
  ): Promise<{ client: OidcClientRecord; secret: string | null }> {
    const isPublic = input.public ?? false
    const now = this.deps.clock.now()
    const change = changeOf({ ...input, name: input.name })
    const secret = isPublic ? null : newClientSecret()
    const client: OidcClientRecord = {
      id: newClientId(),
      name: change.name!,
      description: change.description ?? null,
      ownerAccountId: change.ownerAccountId ?? null,
      contact: change.contact ?? null,
      firstParty: change.firstParty ?? false,
      public: isPublic,
      tokenEndpointAuthMethod: change.tokenEndpointAuthMethod ?? (isPublic ? 'none' : 'client_secret_basic'),
      secretHash: secret === null ? null : hashToken(secret),
      secretCreatedAt: secret === null ? null : now,
      redirectUris: change.redirectUris ?? [],
      postLogoutRedirectUris: change.postLogoutRedirectUris ?? [],
      scopes: change.scopes ?? ['openid'],
      grantTypes: change.grantTypes ?? ['authorization_code'],
      requireAcr: change.requireAcr ?? null,
      backchannelLogoutUri: change.backchannelLogoutUri ?? null,
      accessTokenFormat: change.accessTokenFormat ?? 'opaque',
      createdBy: by.actor,
      createdAt: now,
      updatedAt: now,
      disabledAt: null,
      lastUsedAt: null,
    }
    checkSettings(settingsOf(client), this.deps.allowPrivateUrls)
    await this.#checkBackchannelTarget(client.backchannelLogoutUri)
    if (client.ownerAccountId !== null) await this.#checkOwner(client.ownerAccountId)
    await this.deps.repo.create(client)
    const details = {
      client_id: client.id,
      name: client.name,
      public: client.public,
      scopes: client.scopes,
      grant_types: client.grantTypes,
    }
    await this.deps.audit.record(by.actor, ctx, 'oidc_client.create', `oidc_client:${client.id}`, {
      ...details,
      owner_account_id: client.ownerAccountId,
      redirect_uris: client.redirectUris,
    })
    await this.deps.events.record('oidc_client_created', null, ctx, details)
    return { client, secret }
  }

  list(): Promise<OidcClientRecord[]> {
    return this.deps.repo.list()
  }

  async get(id: string): Promise<OidcClientRecord> {
    const c = await this.deps.repo.find(id)
    if (!c) throw new AppError('not_found', { detail: 'No such application' })
    return c
  }

  /** Changes settings; the result must hold together as a whole (`checkSettings`). */
  async update(
    id: string,
    update: OidcClientUpdate,
    by: OidcActor,
    ctx: RequestContext,
  ): Promise<OidcClientRecord> {
    const client = await this.get(id)
    const change = changeOf(update)
    const merged: OidcClientRecord = { ...client, ...change }
    checkSettings(settingsOf(merged), this.deps.allowPrivateUrls)
    if (
      change.backchannelLogoutUri !== undefined &&
      change.backchannelLogoutUri !== client.backchannelLogoutUri
    )
      await this.#checkBackchannelTarget(change.backchannelLogoutUri)
    if (change.ownerAccountId != null && change.ownerAccountId !== client.ownerAccountId)
      await this.#checkOwner(change.ownerAccountId)
    const fields = distinct(Object.keys(change).map((k) => FIELD_NAMES[k as keyof OidcClientChange]))
    if (fields.length === 0) return client
    await this.deps.repo.update(id, change, this.deps.clock.now())
    const details = { client_id: id, name: merged.name, fields }
    await this.deps.audit.record(by.actor, ctx, 'oidc_client.update', `oidc_client:${id}`, {
      ...details,
      ...(change.redirectUris ? { redirect_uris: change.redirectUris } : {}),
      ...(change.scopes ? { scopes: change.scopes } : {}),
      ...(change.requireAcr !== undefined ? { require_acr: change.requireAcr } : {}),
      ...(change.ownerAccountId !== undefined ? { owner_account_id: change.ownerAccountId } : {}),
    })
    await this.deps.events.record('oidc_client_changed', null, ctx, details)
    return this.get(id)
  }

  /** A new secret, shown here once; the old one stops at once. */
  async rotateSecret(
    id: string,
    by: OidcActor,
    ctx: RequestContext,
  ): Promise<{ client: OidcClientRecord; secret: string }> {
    const client = await this.get(id)
    if (client.public)
      throw new AppError('invalid_client_metadata', { detail: 'A public client has no secret to rotate' })
    const secret = newClientSecret()
    const now = this.deps.clock.now()
    await this.deps.repo.update(id, { secretHash: hashToken(secret), secretCreatedAt: now }, now)
    const details = { client_id: id, name: client.name }
    await this.deps.audit.record(by.actor, ctx, 'oidc_client.rotate_secret', `oidc_client:${id}`, details)
    await this.deps.events.record('oidc_client_secret_rotated', null, ctx, details)
    return { client: await this.get(id), secret }
  }

  /** Disables the application and ends every grant and token it holds. */
  async disable(id: string, by: OidcActor, ctx: RequestContext): Promise<OidcClientRecord> {
    const client = await this.get(id)
    const now = this.deps.clock.now()
    if (client.disabledAt === null) await this.deps.repo.update(id, { disabledAt: now }, now)
    const revoked = await this.deps.grants.revokeClient(id, ctx)
    const details = { client_id: id, name: client.name, revoked_grants: revoked }
    await this.deps.audit.record(by.actor, ctx, 'oidc_client.disable', `oidc_client:${id}`, details)
    await this.deps.events.record('oidc_client_disabled', null, ctx, details)
    return this.get(id)
  }

  async enable(id: string, by: OidcActor, ctx: RequestContext): Promise<OidcClientRecord> {
    const client = await this.get(id)
    if (client.disabledAt === null) return client
    await this.deps.repo.update(id, { disabledAt: null }, this.deps.clock.now())
    const details = { client_id: id, name: client.name }
    await this.deps.audit.record(by.actor, ctx, 'oidc_client.enable', `oidc_client:${id}`, details)
    await this.deps.events.record('oidc_client_enabled', null, ctx, details)
    return this.get(id)
  }

  /** Ends every grant and token of the application, then deletes it. */
  async delete(id: string, by: OidcActor, ctx: RequestContext): Promise<{ revokedGrants: number }> {
    const client = await this.get(id)
    const now = this.deps.clock.now()
    // Disabled first: nothing new is issued to it while its grants end.
    if (client.disabledAt === null) await this.deps.repo.update(id, { disabledAt: now }, now)
    const revokedGrants = await this.deps.grants.revokeClient(id, ctx)
    await this.deps.repo.delete(id)
    const details = { client_id: id, name: client.name, revoked_grants: revokedGrants }
    await this.deps.audit.record(by.actor, ctx, 'oidc_client.delete', `oidc_client:${id}`, details)
    await this.deps.events.record('oidc_client_deleted', null, ctx, details)
    return { revokedGrants }
  }

  /**
   * Unless private URLs are allowed, a back-channel logout URI whose host now resolves to an
   * address that is not public is refused, as a webhook's is (webhooks/targets.ts); the sender of
   * logout tokens checks again at each delivery.
   */
  async #checkBackchannelTarget(uri: string | null): Promise<void> {
    if (uri === null || this.deps.allowPrivateUrls) return
    const refused = await checkTarget(new URL(uri))
    if (refused)
      throw new AppError('invalid_client_metadata', {
        detail: `backchannel_logout_uri: ${refused.message}: logout tokens go to public addresses only (GATEHOUSE_WEBHOOK_ALLOW_PRIVATE)`,
      })
  }

  async #checkOwner(accountId: string): Promise<void> {
    const owner = await this.deps.accounts.findById(accountId)
    if (!owner || !isStaffRole(owner.role)) {
      throw new AppError('invalid_owner', {
        detail: 'The owner must be an existing staff (admin, responder, auditor) or partner account',
      })
    }
  }
}
