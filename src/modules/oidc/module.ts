import type { Logger } from 'pino'
import type { Config } from '../../config/index.js'
import type { HttpServer } from '../../http/server.js'
import type { Clock } from '../../kernel/clock.js'
import type { Keys } from '../../kernel/keys.js'
import type { SecretBox } from '../../kernel/secret-box.js'
import type { Authorize } from '../access/authorize.js'
import type { AccountRepository } from '../accounts/ports.js'
import type { AuditService } from '../audit/service.js'
import type { RequestContext } from '../events/ports.js'
import type { EventRecorder } from '../events/recorder.js'
import type { Guard } from '../guard/guard.js'
import type { SessionsService } from '../sessions/service.js'
import { accessEndedListener } from './access-ended.js'
import { createAdapterFactory } from './adapter.js'
import { grantRoutes } from './grant-routes.js'
import { loadGrant, OidcGrants } from './grants.js'
import { interactionRoutes } from './interactions.js'
import { OidcKeys } from './keys.js'
import { mountProvider } from './mount.js'
import { outgoingFetch } from './outgoing-fetch.js'
import type { OidcArtifactStore, OidcClientRepository, OidcKeyRepository } from './ports.js'
import { createProvider } from './provider.js'
import { noteCodeOwners, watchProvider } from './provider-events.js'
import { providerHolder } from './provider-holder.js'
import { tokenEndpointScreen } from './token-guard.js'

export interface OidcModuleDeps {
  config: Pick<Config, 'oidc' | 'publicUrl' | 'branding' | 'webhooks'>
  clock: Clock
  events: EventRecorder
  keys: Keys
  box: SecretBox
  logger: Logger
  accounts: AccountRepository
  oidcClients: OidcClientRepository
  oidcKeys: OidcKeyRepository
  oidcArtifacts: OidcArtifactStore
}

/**
 * The OpenID Connect provider (oidc-provider, built on first use and rebuilt when another instance
 * rotated the keys), its interaction routes, and the grants the incident kit ends.
 */
export const createOidcModule = (deps: OidcModuleDeps) => {
  const { config, clock, logger } = deps
  const settings = config.oidc
  const retainMs = Math.max(settings.ttl.accessToken, settings.ttl.idToken) * 1000 + 3600_000
  const signingKeys = new OidcKeys({ repo: deps.oidcKeys, box: deps.box, clock, retainMs })
  const adapter = noteCodeOwners(
    createAdapterFactory({ store: deps.oidcArtifacts, clients: deps.oidcClients, clock }),
  )
  const cookieKeys = [deps.keys.derive('gatehouse oidc cookies').toString('base64url')]
  let sessionsOf: SessionsService | null = null
  let guardOf: Guard | null = null
  const watch = {
    events: deps.events,
    logger,
    guard: () => guardOf,
    sessions: () => sessionsOf,
    secureCookie: config.publicUrl.startsWith('https:'),
  }

  const holder = providerHolder({
    clock,
    keys: signingKeys,
    build: (set) => {
      const provider = createProvider({
        issuer: config.publicUrl,
        settings,
        adapter,
        jwks: { keys: set.keys },
        cookieKeys,
        accounts: deps.accounts,
        brandName: config.branding.name,
        clients: deps.oidcClients,
        sessionOf: (token) => sessionsOf?.authenticate(token) ?? Promise.resolve(null),
        loadGrant: loadGrant(deps.oidcClients),
        fetch: outgoingFetch(config.webhooks.allowPrivate),
      })
      watchProvider(provider, watch)
      provider.on('server_error', (_ctx, err) => logger.error({ err }, 'OpenID Connect provider error'))
      return provider
    },
  })
  const ready = holder.ready

  const grants = new OidcGrants({
    store: deps.oidcArtifacts,
    clock,
    events: deps.events,
    provider: async () => (await ready()).provider,
    onLogoutFailure: (clientId, err) =>
      logger.warn({ err, client_id: clientId }, 'back-channel logout failed'),
  })
  // Every change that ends all of an account's sessions ends its applications' grants too.
  const onAccessEnded = async (accountId: string, reason: string, ctx: RequestContext) => {
    await grants.revokeAccount(accountId, reason, ctx)
  }
  deps.events.subscribe(accessEndedListener(onAccessEnded))

  return {
    grants,
    onAccessEnded,
    signingKeys,
    provider: async () => (await ready()).provider,
    /** Rotates the signing keys; this instance uses the new ones at once, others within a minute. */
    rotateKeys: async () => {
      const kids = await signingKeys.rotate()
      holder.stale()
      return kids
    },
    routes: (
      http: HttpServer,
      with_: { sessions: SessionsService; guard?: Guard; authorize?: Authorize; audit?: AuditService },
    ) => {
      if (!settings.enabled) return
      if (with_.authorize && with_.audit)
        grantRoutes(http, {
          grants,
          clients: deps.oidcClients,
          authorize: with_.authorize,
          audit: with_.audit,
        })
      sessionsOf = with_.sessions
      guardOf = with_.guard ?? null
      const provider = async () => (await ready()).provider
      interactionRoutes(http, {
        provider,
        sessions: with_.sessions,
        clients: deps.oidcClients,
        events: deps.events,
        clock,
      })
      const screen = with_.guard ? tokenEndpointScreen(with_.guard) : undefined
      mountProvider(http, {
        publicUrl: config.publicUrl,
        callback: async () => (await ready()).callback,
        ...(screen ? { screen } : {}),
      })
    },
    purge: async (now: number) => {
      await signingKeys.purge(now)
      return { deleted_oidc_artifacts: await deps.oidcArtifacts.deleteExpiredBefore(now) }
    },
  }
}
