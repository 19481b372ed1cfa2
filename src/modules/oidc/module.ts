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
import { accessEndedListener, campaignRevocationListener } from './access-ended.js'
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
import { type Built, providerHolder } from './provider-holder.js'
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

type Ready = () => Promise<Built>

/** What the routes are given once the other modules exist. */
export interface OidcRouteDeps {
  sessions: SessionsService
  /** Screens the endpoints where applications authenticate. */
  guard?: Guard
  authorize?: Authorize
  audit?: AuditService
}

/**
 * The grants the incident kit ends, and the listener that ends them whenever a change ends all of
 * an account's sessions (recorded as an access-ending event, access-ended.ts).
 */
const incidentGrants = (deps: OidcModuleDeps, ready: Ready) => {
  const { logger } = deps
  const grants = new OidcGrants({
    store: deps.oidcArtifacts,
    clock: deps.clock,
    events: deps.events,
    provider: async () => (await ready()).provider,
    onLogoutFailure: (clientId, err) =>
      logger.warn({ err, client_id: clientId }, 'back-channel logout failed'),
  })
  const onAccessEnded = async (accountId: string, reason: string, ctx: RequestContext) => {
    await grants.revokeAccount(accountId, reason, ctx)
  }
  deps.events.subscribe(accessEndedListener(onAccessEnded))
  deps.events.subscribe(campaignRevocationListener((a, c, ctx) => grants.tellApplications(a, c, ctx)))
  return { grants, onAccessEnded }
}

/** The admin route over grants, the interaction routes, and the provider under /oidc (guard first). */
const oidcRoutes = (
  http: HttpServer,
  with_: OidcRouteDeps,
  m: { deps: OidcModuleDeps; grants: OidcGrants; ready: Ready },
) => {
  const { deps, grants, ready } = m
  if (with_.authorize && with_.audit) {
    const { authorize, audit } = with_
    grantRoutes(http, { grants, clients: deps.oidcClients, authorize, audit })
  }
  const provider = async () => (await ready()).provider
  interactionRoutes(http, {
    provider,
    sessions: with_.sessions,
    clients: deps.oidcClients,
    events: deps.events,
    clock: deps.clock,
  })
  const screen = with_.guard ? tokenEndpointScreen(with_.guard) : undefined
  mountProvider(http, {
    publicUrl: deps.config.publicUrl,
    callback: async () => (await ready()).callback,
    ...(screen ? { screen } : {}),
  })
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

  const { grants, onAccessEnded } = incidentGrants(deps, ready)

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
    routes: (http: HttpServer, with_: OidcRouteDeps) => {
      if (!settings.enabled) return
      sessionsOf = with_.sessions
      guardOf = with_.guard ?? null
      oidcRoutes(http, with_, { deps, grants, ready })
    },
    purge: async (now: number) => {
      await signingKeys.purge(now)
      return { deleted_oidc_artifacts: await deps.oidcArtifacts.deleteExpiredBefore(now) }
    },
  }
}
