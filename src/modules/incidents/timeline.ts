import type { StoredAuditEntry } from '../audit/chain.js'
import type { ImportRecord } from './ports.js'

/** One line of an incident's timeline. */
export interface TimelineEntry {
  at: number
  /** Where it comes from: `audit`, `import`, and whatever further sources add (`campaign` …). */
  source: string
  /** What happened, as `<area>.<verb>`: `incident.create`, `import.started`, `import.finished` … */
  kind: string
  /** Who, as the audit log names them (`account:<id>`, `api_key:<id>`, `cli`); null when nobody in particular. */
  actor: string | null
  /** Facts about it: counts, ids, changed fields. Never contact data. */
  details: Record<string, unknown>
}

/**
 * One source of timeline entries for an incident. The timeline is the merge of every source's
 * entries, oldest first; a module that acts on incidents (campaigns, reports) adds its own.
 */
export type TimelineSource = (incidentId: string) => Promise<TimelineEntry[]>

/** Audit entries whose target is the incident, or whose details carry its id. */
export const auditTimelineSource =
  (byRef: (ref: string, limit: number) => Promise<StoredAuditEntry[]>, limit = 5000): TimelineSource =>
  async (incidentId) =>
    (await byRef(`incident:${incidentId}`, limit)).map((e) => ({
      at: e.at,
      source: 'audit',
      kind: e.action,
      actor: e.actor,
      details: { seq: e.seq, target: e.target, ...e.details },
    }))

/** Each import's start, and its end with the counts (or, while it runs, nothing more). */
export const importTimelineSource =
  (imports: (incidentId: string) => Promise<ImportRecord[]>): TimelineSource =>
  async (incidentId) =>
    (await imports(incidentId)).flatMap((i) => {
      const started: TimelineEntry = {
        at: i.startedAt,
        source: 'import',
        kind: 'import.started',
        actor: i.createdBy,
        details: { import_id: i.id, source_name: i.sourceName, format: i.format },
      }
      if (i.finishedAt === null) return [started]
      return [
        started,
        {
          at: i.finishedAt,
          source: 'import',
          kind: i.status === 'failed' ? 'import.failed' : 'import.finished',
          actor: i.createdBy,
          details: {
            import_id: i.id,
            rows_read: i.rowsRead,
            rows_matched: i.rowsMatched,
            rows_unparseable: i.rowsUnparseable,
            accounts_matched: i.accountsMatched,
            ...(i.error ? { error: i.error } : {}),
          },
        },
      ]
    })

/** Every source's entries, oldest first; entries at the same time keep their sources' order. */
export const assembleTimeline = async (
  sources: readonly TimelineSource[],
  incidentId: string,
): Promise<TimelineEntry[]> => {
  const all = (await Promise.all(sources.map((s) => s(incidentId)))).flat()
  return all
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.at - b.e.at || a.i - b.i)
    .map(({ e }) => e)
}
