import type { Logger } from 'pino'
import type { Config } from '../../config/index.js'
import type { HttpServer } from '../../http/server.js'
import type { Clock } from '../../kernel/clock.js'
import type { Authorize } from '../access/authorize.js'
import type { NameDirectory } from '../admin/names.js'
import type { AuditLog } from '../audit/ports.js'
import type { AuditService } from '../audit/service.js'
import type { CampaignsService } from '../campaigns/service.js'
import { campaignTimelineSource } from '../campaigns/timeline.js'
import type { IncidentRepository } from './ports.js'
import { incidentRoutes } from './routes.js'
import { IncidentsService } from './service.js'
import { auditTimelineSource, importTimelineSource } from './timeline.js'

export interface IncidentsModuleDeps {
  config: Pick<Config, 'incidents'>
  repo: IncidentRepository
  audit: AuditService
  auditLog: AuditLog
  campaigns: CampaignsService
  clock: Clock
  logger: Logger
}

/** Incidents and leaked-data imports, with a timeline from the imports, the audit log and campaigns. */
export const createIncidentsModule = (deps: IncidentsModuleDeps) => {
  const { config, repo, logger } = deps
  const incidents = new IncidentsService({
    incidents: repo,
    audit: deps.audit,
    now: () => deps.clock.now(),
    defaultPhoneRegion: config.incidents.defaultPhoneRegion,
    timelineSources: [
      importTimelineSource((id) => repo.listImports(id)),
      auditTimelineSource((ref, limit) => deps.auditLog.byRef(ref, limit)),
      campaignTimelineSource((id) => deps.campaigns.list({ incidentId: id }, 1000)),
    ],
  })
  /** Leak imports whose instance died while running them are marked failed (each instance looks). */
  const sweepImports = async (): Promise<void> => {
    try {
      const stopped = await incidents.sweepInterrupted()
      if (stopped > 0)
        logger.warn({ imports: stopped }, 'leak imports interrupted by a lost instance marked failed')
    } catch (err) {
      logger.error({ err }, 'sweeping interrupted imports failed')
    }
  }
  return {
    incidents,
    sweepImports,
    routes: (http: HttpServer, with_: { authorize: Authorize; names: NameDirectory }) =>
      incidentRoutes(http, {
        authorize: with_.authorize,
        incidents,
        importMaxBytes: config.incidents.importMaxBytes,
        names: with_.names,
      }),
  }
}
