import type { StoredAuditEntry } from '../audit/chain.js'
import type { VerifyResult } from '../audit/service.js'
import type { IncidentCampaignSummary } from '../campaigns/ports.js'
import type { ImportRecord, IncidentRecord } from '../incidents/ports.js'
import { buildIncidentReport, type IncidentReport, renderIncidentReportMarkdown } from './incident-report.js'

export interface ExposureFacts {
  accountsExposed: number
  fieldsExposed: Record<string, number>
  exposedWithoutSecondFactor: number
}

export interface ReportDeps {
  incident(id: string): Promise<IncidentRecord>
  imports(incidentId: string): Promise<ImportRecord[]>
  exposureFacts(incidentId: string): Promise<ExposureFacts>
  campaigns(incidentId: string): Promise<IncidentCampaignSummary>
  /** Audit entries about the incident (its target, or its id in the details), in chain order. */
  auditEntries(incidentId: string): Promise<StoredAuditEntry[]>
  verifyAudit(): Promise<VerifyResult>
  /** The protections the running configuration has on, in words. */
  mitigationsInPlace: string[]
  now: () => number
}

/** Assembles the incident report from what Gatehouse recorded. */
export class IncidentReports {
  constructor(private readonly deps: ReportDeps) {}

  async build(incidentId: string): Promise<IncidentReport> {
    const d = this.deps
    const incident = await d.incident(incidentId)
    const [imports, exposure, summary, actions, audit] = await Promise.all([
      d.imports(incidentId),
      d.exposureFacts(incidentId),
      d.campaigns(incidentId),
      d.auditEntries(incidentId),
      d.verifyAudit(),
    ])
    return buildIncidentReport({
      incident,
      facts: {
        ...exposure,
        sessionsRevoked: summary.sessionsRevoked,
        resetsForced: summary.resetsForced,
        messagesSent: summary.messagesSent,
        // Queued by the campaigns in all, less those already sent: what is still waiting.
        messagesQueued: Math.max(0, summary.messagesQueued - summary.messagesSent),
      },
      imports: [...imports].sort((a, b) => a.startedAt - b.startedAt),
      campaigns: [...summary.campaigns].sort((a, b) => a.createdAt - b.createdAt),
      actions: [...actions].sort((a, b) => a.seq - b.seq),
      mitigationsInPlace: d.mitigationsInPlace,
      audit: { ok: audit.ok, entries: audit.entries, head: audit.head },
      generatedAt: d.now(),
    })
  }

  async markdown(incidentId: string): Promise<string> {
    return renderIncidentReportMarkdown(await this.build(incidentId))
  }
}
