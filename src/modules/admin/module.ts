import type { HttpServer } from '../../http/server.js'
import type { Clock } from '../../kernel/clock.js'
import { heldFor } from '../../metrics.js'
import type { Authorize } from '../access/authorize.js'
import type { AuditService } from '../audit/service.js'
import type { AdminAccountTools, AdminStatsSource } from './ports.js'
import { adminRoutes } from './routes.js'

export interface AdminModuleDeps extends AdminAccountTools {
  stats: AdminStatsSource
  clock: Clock
}

/** The admin console's API: its figures and account tools (the built single-page app is served apart). */
export const createAdminModule = (deps: AdminModuleDeps) => {
  const source = deps.stats
  // The imported hashes left cost a scan of what is left (millions just after an import): counted
  // at most once a minute, however many consoles refresh their overview.
  const stats: AdminStatsSource = {
    countSeries: (range) => source.countSeries(range),
    openDetectionsByKind: () => source.openDetectionsByKind(),
    importedHashes: heldFor(
      60_000,
      () => deps.clock.now(),
      () => source.importedHashes(),
    ),
  }
  return {
    routes: (http: HttpServer, with_: { authorize: Authorize; audit: AuditService }) =>
      adminRoutes(http, { ...deps, ...with_, stats, now: () => deps.clock.now() }),
  }
}
