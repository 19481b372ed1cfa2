import type { HttpServer } from '../../http/server.js'
import type { Clock } from '../../kernel/clock.js'
import type { AuditService } from '../audit/service.js'
import type { EventRecorder } from '../events/recorder.js'
import type { OidcClientRepository } from '../oidc/ports.js'
import type { SessionsService } from '../sessions/service.js'
import { type Authorize, staffAuthorizer } from './authorize.js'
import type { AccessRepository } from './ports.js'
import { accessRoutes } from './routes.js'
import { AccessService } from './service.js'

/**
 * External parties (clients, admin API keys, partner accounts, the access review) and the
 * authorizer of the admin API: staff sessions with a strong factor, or API keys with the scope.
 */
export const createAccessModule = (deps: {
  repo: AccessRepository
  audit: AuditService
  events: EventRecorder
  clock: Clock
  /** Applications (OpenID Connect clients), for the access review. */
  oidcClients: Pick<OidcClientRepository, 'list'>
}) => {
  const { clock } = deps
  const { repo, audit, events, oidcClients } = deps
  const access = new AccessService({ repo, audit, events, clock, oidcClients })
  return {
    access,
    authorizer: (with_: {
      sessions: SessionsService
      hasStrongFactor: (accountId: string) => Promise<boolean>
    }): Authorize =>
      staffAuthorizer({
        sessions: with_.sessions,
        hasStrongFactor: with_.hasStrongFactor,
        apiKeys: access.authenticate,
        now: () => clock.now(),
      }),
    routes: (http: HttpServer, with_: { authorize: Authorize }) =>
      accessRoutes(http, { authorize: with_.authorize, access, now: () => clock.now() }),
  }
}
