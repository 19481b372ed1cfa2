import type { Logger } from 'pino'
import type { Config } from '../../config/index.js'
import type { HttpServer } from '../../http/server.js'
import type { Clock } from '../../kernel/clock.js'
import type { Keys } from '../../kernel/keys.js'
import type { SecretBox } from '../../kernel/secret-box.js'
import type { AccountRepository } from '../accounts/ports.js'
import type { EventRecorder } from '../events/recorder.js'
import type { SessionsService } from '../sessions/service.js'
import { createAdapterFactory } from './adapter.js'
import { loadGrant, OidcGrants } from './grants.js'
import { interactionRoutes } from './interactions.js'
import { OidcKeys } from './keys.js'
import { mountProvider } from './mount.js'
import type { OidcArtifactStore, OidcClientRepository, OidcKeyRepository } from './ports.js'
import { createProvider } from './provider.js'
import { providerHolder } from './provider-holder.js'

export interface OidcModuleDeps {
  config: Pick<Config, 'oidc' | 'publicUrl' | 'branding'>
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
  const adapter = createAdapterFactory({ store: deps.oidcArtifacts, clients: deps.oidcClients, clock })
  const cookieKeys = [deps.keys.derive('gatehouse oidc cookies').toString('base64url')]
  let sessionsOf: SessionsService | null = null

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
      })
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

  return {
    grants,
    signingKeys,
    provider: async () => (await ready()).provider,
    /** Rotates the signing keys; this instance uses the new ones at once, others within a minute. */
    rotateKeys: async () => {
      const kids = await signingKeys.rotate()
      holder.stale()
      return kids
    },
    routes: (http: HttpServer, with_: { sessions: SessionsService }) => {
      if (!settings.enabled) return
      sessionsOf = with_.sessions
      const provider = async () => (await ready()).provider
      interactionRoutes(http, {
        provider,
        sessions: with_.sessions,
        clients: deps.oidcClients,
        events: deps.events,
        clock,
      })
      mountProvider(http, { publicUrl: config.publicUrl, callback: async () => (await ready()).callback })
    },
    purge: async (now: number) => {
      await signingKeys.purge(now)
      return { deleted_oidc_artifacts: await deps.oidcArtifacts.deleteExpiredBefore(now) }
    },
  }
}
