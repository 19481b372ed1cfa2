import type Provider from 'oidc-provider'
import type { Grant, KoaContextWithOIDC } from 'oidc-provider'
import type { Clock } from '../../kernel/clock.js'
import type { RequestContext } from '../events/ports.js'
import type { EventRecorder } from '../events/recorder.js'
import type { OidcArtifactStore, OidcClientRepository } from './ports.js'

/**
 * The grant a first-party client uses without a consent screen: the one the provider's session
 * holds for it (widened to what is asked now), else a new one for what is asked. Third-party
 * clients get only a grant the holder consented to.
 */
export const loadGrant =
  (clients: OidcClientRepository) =>
  async (ctx: KoaContextWithOIDC): Promise<Grant | undefined> => {
    const { oidc } = ctx
    const clientId = oidc.client?.clientId
    const accountId = oidc.session?.accountId
    if (!clientId || !accountId) return undefined
    const grantId = oidc.result?.consent?.grantId ?? oidc.session?.grantIdFor(clientId)
    const existing = grantId ? await oidc.provider.Grant.find(grantId) : undefined
    const grant = existing?.accountId === accountId ? existing : undefined
    const client = await clients.find(clientId)
    if (!client?.firstParty) return grant
    const widened = grant ?? new oidc.provider.Grant({ accountId, clientId })
    const scope = oidc.params?.scope
    if (typeof scope === 'string')
      widened.addOIDCScope(scope.split(' ').filter((s) => client.scopes.includes(s as never)))
    if (oidc.resourceServers) {
      for (const [indicator, server] of Object.entries(oidc.resourceServers)) {
        if (server.scope) widened.addResourceScope(indicator, server.scope)
      }
    }
    await widened.save()
    return widened
  }

/** The part of oidc-provider's client that sends back-channel logout tokens (typed loosely upstream). */
interface BackchannelClient {
  backchannelLogoutUri?: string
  backchannelLogout(sub: string, sid: string): Promise<void>
}

/**
 * What the incident kit does to applications: ends grants (with every code and token issued under
 * them) and the provider's sessions, and tells the applications that registered a back-channel
 * logout URI.
 */
export class OidcGrants {
  constructor(
    private readonly deps: {
      store: OidcArtifactStore
      clock: Clock
      events: EventRecorder
      provider: () => Promise<Provider>
      /** Told of each failed delivery (for the log); the event is recorded here. */
      onLogoutFailure: (clientId: string, err: unknown) => void
    },
  ) {}

  /** Ends every grant and provider session of the account; tells its applications. How many grants. */
  async revokeAccount(accountId: string, reason: string, ctx: RequestContext): Promise<number> {
    const { store, clock, events } = this.deps
    const now = clock.now()
    const grants = await store.grantsOfAccount(accountId, now)
    const sessions = await store.sessionsOfAccount(accountId, now)
    for (const g of grants) await store.revokeByGrantId(g.grantId)
    for (const s of sessions) await store.destroy('Session', s.id)
    if (grants.length === 0 && sessions.length === 0) return 0
    await events.record('oidc_grants_revoked', accountId, ctx, {
      reason,
      grants: grants.length,
      clients: [...new Set(grants.map((g) => g.clientId))],
    })
    await this.#logout(accountId, new Set(grants.map((g) => g.clientId)), ctx)
    return grants.length
  }

  /** Ends every grant of the client, of every account; tells it per account. How many grants. */
  async revokeClient(clientId: string, ctx: RequestContext, reason = 'client_revoked'): Promise<number> {
    const { store, clock, events } = this.deps
    const grants = await store.grantsOfClient(clientId, clock.now())
    for (const g of grants) await store.revokeByGrantId(g.grantId)
    if (grants.length > 0) {
      await events.record('oidc_client_grants_revoked', null, ctx, {
        client_id: clientId,
        grants: grants.length,
        reason,
      })
    }
    const accounts = new Set(grants.map((g) => g.accountId).filter((a): a is string => a !== null))
    for (const accountId of accounts) await this.#logout(accountId, new Set([clientId]), ctx)
    return grants.length
  }

  /** The account ids holding a live grant of the client (a revoke_client campaign's targets). */
  async accountsOfClient(clientId: string): Promise<string[]> {
    const grants = await this.deps.store.grantsOfClient(clientId, this.deps.clock.now())
    return [...new Set(grants.map((g) => g.accountId).filter((a): a is string => a !== null))]
  }

  /** Back-channel logout tokens to each client that registered for them; failures are reported, not thrown. */
  tellApplications(accountId: string, clientIds: Set<string>, ctx: RequestContext): Promise<void> {
    return this.#logout(accountId, clientIds, ctx)
  }

  async #logout(accountId: string, clientIds: Set<string>, ctx: RequestContext): Promise<void> {
    const provider = await this.deps.provider()
    await Promise.all(
      [...clientIds].map(async (clientId) => {
        try {
          const client = (await provider.Client.find(clientId)) as BackchannelClient | undefined
          if (client?.backchannelLogoutUri) await client.backchannelLogout(accountId, '')
        } catch (err) {
          this.deps.onLogoutFailure(clientId, err)
          await this.deps.events.record('oidc_backchannel_logout_failed', accountId, ctx, {
            client_id: clientId,
            reason: logoutFailureReason(err),
          })
        }
      }),
    )
  }
}

/**
 * Why a delivery failed, without the URL (it may carry a secret the application put in it): the
 * answer's status, a timeout, a refused address, or unreachable.
 */
export const logoutFailureReason = (err: unknown): string => {
  const e = err as { response?: { status?: number }; name?: string; message?: string; cause?: unknown }
  if (typeof e?.response?.status === 'number') return `http_${e.response.status}`
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'timeout'
  const cause = (e?.cause ?? {}) as { message?: string }
  if (/special-use IP/.test(`${e?.message ?? ''} ${cause.message ?? ''}`)) return 'private_address'
  return 'unreachable'
}
