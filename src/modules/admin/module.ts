import type { HttpServer } from '../../http/server.js'
import type { Clock } from '../../kernel/clock.js'
import type { Authorize } from '../access/authorize.js'
import type { AuditService } from '../audit/service.js'
import type { AdminAccountTools, AdminStatsSource } from './ports.js'
import { adminRoutes } from './routes.js'

export interface AdminModuleDeps extends AdminAccountTools {
  stats: AdminStatsSource
  clock: Clock
}

/** The admin console's API: its figures and account tools (the built single-page app is served apart). */
export const createAdminModule = (deps: AdminModuleDeps) => ({
  routes: (http: HttpServer, with_: { authorize: Authorize; audit: AuditService }) =>
    adminRoutes(http, { ...deps, ...with_, now: () => deps.clock.now() }),
})
