import type { HttpServer } from '../../http/server.js'
import type { Authorize } from './authorize.js'
import { clientChangeRoutes, clientRoutes } from './client-routes.js'
import { keyChangeRoutes, keyIssueRoutes } from './key-routes.js'
import { bulkRoutes, partnerRoutes, reviewRoutes } from './review-routes.js'
import type { AccessRouteContext } from './route-context.js'
import type { AccessService } from './service.js'

/** The admin access API: clients and their API keys, partner accounts, the access review. */
export const accessRoutes = (
  app: HttpServer,
  deps: { authorize: Authorize; access: AccessService; now: () => number },
) => {
  const ctx: AccessRouteContext = {
    access: deps.access,
    now: deps.now,
    read: { preHandler: deps.authorize('access:read') },
    write: { preHandler: deps.authorize('access:write') },
    common: { tags: ['admin'], security: [{ bearer: [] }, { cookie: [] }] },
  }
  clientRoutes(app, ctx)
  clientChangeRoutes(app, ctx)
  keyIssueRoutes(app, ctx)
  keyChangeRoutes(app, ctx)
  partnerRoutes(app, ctx)
  reviewRoutes(app, ctx)
  bulkRoutes(app, ctx)
}
