import type { Logger } from 'pino'
import type { Config } from '../../config/index.js'
import type { HttpServer } from '../../http/server.js'
import type { Clock } from '../../kernel/clock.js'
import type { Keys } from '../../kernel/keys.js'
import type { SecretBox } from '../../kernel/secret-box.js'
import type { Metrics } from '../../metrics.js'
import type { Authorize } from '../access/authorize.js'
import type { AccountRepository } from '../accounts/ports.js'
import type { AuditService } from '../audit/service.js'
import type { RequestContext } from '../events/ports.js'
import type { EventRecorder } from '../events/recorder.js'
import type { Guard } from '../guard/guard.js'
import type { LimiterStore } from '../guard/ports.js'
import { SourceLimits } from '../guard/source-limits.js'
import type { SessionPrincipal } from '../sessions/ports.js'
import type { SessionsService } from '../sessions/service.js'
import { accessEndedListener, campaignRevocationListener } from './access-ended.js'
import { createAdapterFactory, STARTED_AT } from './adapter.js'
import { grantRoutes } from './grant-routes.js'
import { loadGrant, OidcGrants } from './grants.js'
import { interactionRoutes } from './interactions.js'
import { type KeySet, OidcKeys } from './keys.js'
import { loadOidcLibrary } from './library.js'
import { mountProvider } from './mount.js'
import { outgoingFetch } from './outgoing-fetch.js'
import type { OidcArtifactStore, OidcClientRepository, OidcKeyRepository } from './ports.js'
import { createProvider, OIDC_ROUTES } from './provider.js'
import { noteCodeOwners, watchProvider } from './provider-events.js'
import { type Built, providerHolder } from './provider-holder.js'
import { tokenEndpointScreen } from './token-guard.js'

/** The endpoints that start a sign-in and store an interaction: limited per source. */
const AUTHORIZE_PATHS: ReadonlySet<string> = new Set([
  OIDC_ROUTES.authorization,
  OIDC_ROUTES.pushed_authorization_request,
])

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
  limiter: LimiterStore
  metrics: Metrics
  /** Screens the endpoints where applications authenticate. */
  guard?: Guard
  authorize?: Authorize
  audit?: AuditService
}

/** What the provider's builder takes besides the module's dependencies. */
interface BuildParts {
  adapter: ReturnType<typeof createAdapterFactory>
  cookieKeys: string[]
  sessionOf: (token: string) => Promise<SessionPrincipal | null>
  watch: Parameters<typeof watchProvider>[1]
}

/** Builds a provider for a key set, with Gatehouse's listeners on it. */
const providerBuilder = (deps: OidcModuleDeps, parts: BuildParts) => async (set: KeySet) => {
  const { config, clock, logger } = deps
  const provider = createProvider(await loadOidcLibrary(logger), {
    issuer: config.publicUrl,
    settings: config.oidc,
    adapter: parts.adapter,
    jwks: { keys: set.keys },
    cookieKeys: parts.cookieKeys,
    accounts: deps.accounts,
    brandName: config.branding.name,
    clients: deps.oidcClients,
    sessionOf: parts.sessionOf,
    loadGrant: loadGrant(deps.oidcClients),
    fetch: outgoingFetch(config.webhooks.allowPrivate),
  })
  watchProvider(provider, parts.watch)
  provider.on('server_error', (_ctx, err) => logger.error({ err }, 'OpenID Connect provider error'))
  // The access review's "unused" flag: a client's last token, written at most once a minute.
  provider.on('grant.success', (ctx) => {
    const clientId = ctx.oidc.client?.clientId
    if (clientId)
      void deps.oidcClients
        .recordUse(clientId, clock.now(), 60_000)
        .catch((err) => logger.warn({ err }, 'could not record a client use'))
  })
  return provider
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
  deps.events.subscribe(
    accessEndedListener(onAccessEnded, (ids) =>
      deps.oidcArtifacts.accountsWithLiveAccess(ids, deps.clock.now()),
    ),
  )
  deps.events.subscribe(campaignRevocationListener((a, c, ctx) => grants.tellApplications(a, c, ctx)))
  return { grants, onAccessEnded }
}

/** The screen before the provider: authorization requests limited per source, the guard on client authentication. */
const providerScreen = (deps: OidcModuleDeps, with_: OidcRouteDeps) => {
  const authorizeLimits = new SourceLimits(
    with_.limiter,
    'oidc_authorize',
    deps.config.oidc.authorizeLimits,
    (scope) => with_.metrics.rateLimited.inc({ scope: `oidc_authorize_${scope}` }),
  )
  const guard = with_.guard ? tokenEndpointScreen(with_.guard) : null
  return async (req: Parameters<NonNullable<Parameters<typeof mountProvider>[1]['screen']>>[0]) => {
    if (AUTHORIZE_PATHS.has(req.url.split('?', 1)[0] ?? '')) await authorizeLimits.check(req.ip)
    await guard?.(req)
  }
}

/** The admin route over grants, the interaction routes, and the provider under /oidc (screened first). */
const oidcRoutes = (
  http: HttpServer,
  with_: OidcRouteDeps,
  m: { deps: OidcModuleDeps; grants: OidcGrants; ready: Ready },
) => {
  const { deps, grants, ready } = m
  const { clock, events } = deps
  if (with_.authorize && with_.audit) {
    const { authorize, audit } = with_
    grantRoutes(http, { grants, clients: deps.oidcClients, authorize, audit })
  }
  const provider = async () => (await ready()).provider
  const startedAt = async (uid: string) => {
    const started = (await deps.oidcArtifacts.find('Interaction', uid, clock.now()))?.payload[STARTED_AT]
    return typeof started === 'number' ? started : null
  }
  interactionRoutes(http, {
    provider,
    startedAt,
    sessions: with_.sessions,
    clients: deps.oidcClients,
    events,
    clock,
  })
  mountProvider(http, {
    publicUrl: deps.config.publicUrl,
    callback: async () => (await ready()).callback,
    screen: providerScreen(deps, with_),
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
  let sessionsOf: SessionsService | null = null
  let guardOf: Guard | null = null
  const build = providerBuilder(deps, {
    adapter: noteCodeOwners(
      createAdapterFactory({ store: deps.oidcArtifacts, clients: deps.oidcClients, clock }),
    ),
    cookieKeys: [deps.keys.derive('gatehouse oidc cookies').toString('base64url')],
    sessionOf: (token) => sessionsOf?.authenticate(token) ?? Promise.resolve(null),
    watch: {
      events: deps.events,
      logger,
      guard: () => guardOf,
      sessions: () => sessionsOf,
      secureCookie: config.publicUrl.startsWith('https:'),
    },
  })
  const holder = providerHolder({ clock, keys: signingKeys, build })
  const { ready } = holder
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
