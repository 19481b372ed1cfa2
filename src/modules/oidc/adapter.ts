import type { Adapter, AdapterPayload } from 'oidc-provider'
import type { Clock } from '../../kernel/clock.js'
import type { OidcArtifactStore, OidcClientRecord, OidcClientRepository } from './ports.js'

/** The registered metadata oidc-provider validates for a client; null for a disabled one. */
export const clientMetadata = (c: OidcClientRecord): AdapterPayload | null => {
  if (c.disabledAt !== null) return null
  const code = c.grantTypes.includes('authorization_code')
  return {
    client_id: c.id,
    client_name: c.name,
    // The stored SHA-256: `compareClientSecret` hashes what is presented (provider.ts).
    ...(c.public || c.secretHash === null ? {} : { client_secret: c.secretHash }),
    token_endpoint_auth_method: c.public ? 'none' : c.tokenEndpointAuthMethod,
    grant_types: c.grantTypes,
    response_types: code ? ['code'] : [],
    redirect_uris: code ? c.redirectUris : [],
    post_logout_redirect_uris: c.postLogoutRedirectUris,
    scope: c.scopes.join(' '),
    application_type: c.redirectUris.some((u) => !/^https?:/.test(u)) ? 'native' : 'web',
    ...(c.backchannelLogoutUri
      ? { backchannel_logout_uri: c.backchannelLogoutUri, backchannel_logout_session_required: false }
      : {}),
  }
}

/** The key of an interaction's payload that holds when it began (epoch ms). */
export const STARTED_AT = 'gatehouse_started_at'

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null)

/** No identifier the provider issues holds a NUL (and PostgreSQL text cannot): such a lookup finds nothing. */
const lookable = (id: string): boolean => !id.includes('\u0000')

const toPayload = (a: { payload: Record<string, unknown>; consumedAt: number | null }): AdapterPayload =>
  ({
    ...a.payload,
    ...(a.consumedAt === null ? {} : { consumed: Math.floor(a.consumedAt / 1000) }),
  }) as AdapterPayload

/** `Client`: read from the registered applications; writes are refused (the admin API and the CLI register them). */
class ClientAdapter implements Adapter {
  constructor(private readonly clients: OidcClientRepository) {}
  async upsert(): Promise<void> {
    throw new Error('OpenID Connect clients are registered through the admin API only')
  }
  async find(id: string): Promise<AdapterPayload | undefined> {
    const c = lookable(id) ? await this.clients.find(id) : null
    return c ? (clientMetadata(c) ?? undefined) : undefined
  }
  async findByUserCode(): Promise<undefined> {
    return undefined
  }
  async findByUid(): Promise<undefined> {
    return undefined
  }
  async consume(): Promise<void> {}
  async destroy(): Promise<void> {}
  async revokeByGrantId(): Promise<void> {}
}

/** Every other model: rows of the artefact store, by model and id. */
class ArtifactAdapter implements Adapter {
  constructor(
    private readonly model: string,
    private readonly store: OidcArtifactStore,
    private readonly now: () => number,
  ) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const { store, now } = this
    let p = payload as Record<string, unknown>
    if (this.model === 'Interaction') {
      // When the request began, to the millisecond on Gatehouse's clock (the provider keeps whole
      // seconds): a sign-in "made for this request" must come after it. Kept across re-saves.
      const prior = await store.find(this.model, id, now())
      p = { ...p, [STARTED_AT]: prior?.payload[STARTED_AT] ?? now() }
    }
    await store.upsert({
      model: this.model,
      id,
      payload: p,
      expiresAt: expiresIn ? now() + expiresIn * 1000 : null,
      grantId: str(p.grantId),
      uid: str(p.uid),
      userCode: str(p.userCode),
      accountId: str(p.accountId),
      clientId: str(p.clientId),
      consumedAt: null,
    })
  }
  async find(id: string): Promise<AdapterPayload | undefined> {
    if (!lookable(id)) return undefined
    const a = await this.store.find(this.model, id, this.now())
    return a ? toPayload(a) : undefined
  }
  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    if (!lookable(userCode)) return undefined
    const a = await this.store.findByUserCode(this.model, userCode, this.now())
    return a ? toPayload(a) : undefined
  }
  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    if (!lookable(uid)) return undefined
    const a = await this.store.findByUid(this.model, uid, this.now())
    return a ? toPayload(a) : undefined
  }
  async consume(id: string): Promise<void> {
    await this.store.consume(this.model, id, this.now())
  }
  async destroy(id: string): Promise<void> {
    await this.store.destroy(this.model, id)
  }
  async revokeByGrantId(grantId: string): Promise<void> {
    await this.store.revokeByGrantId(grantId)
  }
}

/**
 * oidc-provider's storage contract over Gatehouse's database: every model but `Client` as rows of
 * the artefact store; `Client` read from the registered applications.
 */
export const createAdapterFactory = (deps: {
  store: OidcArtifactStore
  clients: OidcClientRepository
  clock: Clock
}) => {
  const now = () => deps.clock.now()
  return (model: string): Adapter =>
    model === 'Client' ? new ClientAdapter(deps.clients) : new ArtifactAdapter(model, deps.store, now)
}
