import type { HttpServer } from '../../http/server.js'
import type { Clock } from '../../kernel/clock.js'
import type { Authorize } from '../access/authorize.js'
import type { AuditLog } from '../audit/ports.js'
import type { AuditService } from '../audit/service.js'
import type { CampaignsService } from '../campaigns/service.js'
import type { IncidentsService } from '../incidents/service.js'
import { mitigationsInPlace } from './mitigations.js'
import { reportRoutes } from './routes.js'
import { type ExposureFacts, IncidentReports } from './service.js'

export interface ReportsModuleDeps {
  config: Parameters<typeof mitigationsInPlace>[0]
  incidents: IncidentsService
  campaigns: CampaignsService
  facts: { exposureFacts(incidentId: string): Promise<ExposureFacts> }
  audit: AuditService
  auditLog: AuditLog
  clock: Clock
}

/** Incident reports (security briefs) from what was recorded. */
export const createReportsModule = (deps: ReportsModuleDeps) => {
  const { incidents, campaigns, audit } = deps
  const reports = new IncidentReports({
    incident: (id) => incidents.get(id),
    imports: (id) => incidents.imports(id),
    exposureFacts: (id) => deps.facts.exposureFacts(id),
    campaigns: (id) => campaigns.incidentSummary(id),
    auditEntries: (id) => deps.auditLog.byRef(`incident:${id}`, 5000),
    verifyAudit: () => audit.verify(),
    mitigationsInPlace: mitigationsInPlace(deps.config),
    now: () => deps.clock.now(),
  })
  return {
    reports,
    routes: (http: HttpServer, with_: { authorize: Authorize }) =>
      reportRoutes(http, { authorize: with_.authorize, reports, audit }),
  }
}
