import { randomUUID } from 'node:crypto'
import type { Readable } from 'node:stream'
import type { CountryCode } from 'libphonenumber-js'
import { AppError, isAppError } from '../../kernel/errors.js'
import type { AuditService } from '../audit/service.js'
import type { RequestContext } from '../events/ports.js'
import { ImportRun, PROBLEMS_KEPT } from './import-run.js'
import type {
  ColumnMapping,
  ExposureRecord,
  ImportCounts,
  ImportFormat,
  ImportProblem,
  ImportRecord,
  IncidentPatch,
  IncidentRecord,
  IncidentRepository,
  Severity,
} from './ports.js'
import { type LeakRow, openLeak } from './readers.js'
import { assembleTimeline, type TimelineEntry, type TimelineSource } from './timeline.js'

export const INCIDENT_LIMITS = {
  titleLength: 200,
  textLength: 20_000,
  /** Unparseable rows reported by line number (all are counted). */
  problemsKept: PROBLEMS_KEPT,
} as const

/**
 * Rows per batch. Larger batches write each exposure index page fewer times (SQLite: 1M rows took
 * 12 s of upserts at 20,000 against 25–35 s at 5,000); 20,000 rows of identifiers are a few MB.
 */
export const IMPORT_BATCH_ROWS = 20_000

/** A running import writes that it is alive every IMPORT_HEARTBEAT_MS; one silent this long died with its instance. */
export const IMPORT_STALE_MS = 2 * 60_000
const INTERRUPTED = 'the import stopped: the instance running it went away before it ended'

type Ctx = Pick<RequestContext, 'ip' | 'requestId'>

/** The details of an `incident.import` audit entry: never a row, an identifier or the source's name. */
const importAudit = (record: ImportRecord, status: ImportRecord['status'], counts: ImportCounts) => ({
  import_id: record.id,
  status,
  format: record.format,
  fields: Object.keys(record.mapping).sort(),
  rows_read: counts.rowsRead,
  rows_matched: counts.rowsMatched,
  rows_unparseable: counts.rowsUnparseable,
  accounts_matched: counts.accountsMatched,
})

export interface ImportInput {
  incidentId: string
  format: ImportFormat
  mapping: ColumnMapping
  /** Region for phones written without a country code; the service's default otherwise. */
  phoneRegion?: CountryCode | undefined
  /** The uploaded file's name or the CLI's path. */
  sourceName: string
  input: Readable
  /** Called after each batch with the counts so far. */
  onProgress?: (counts: ImportCounts) => void
}

/**
 * Incidents and their leaked-data imports. A leak streams through in batches: each batch's
 * identifiers are normalised and staged in the database; once read, the staged rows are matched in
 * each identifier's order and the exposures written in account order (see ImportRun), so memory
 * stays flat whatever the file's size, and the cost per row stays flat whatever the accounts'.
 */
export class IncidentsService {
  private readonly sources: readonly TimelineSource[]

  constructor(
    private readonly deps: {
      incidents: IncidentRepository
      audit: AuditService
      now: () => number
      /** Region for phones without a country code when an import names none. */
      defaultPhoneRegion?: CountryCode | undefined
      /** Rows per staged batch, and per chunk matched or written. */
      batchSize?: number
      /** Sources of timeline entries besides imports (the audit log, campaigns …). */
      timelineSources?: TimelineSource[]
    },
  ) {
    this.sources = deps.timelineSources ?? []
  }

  async create(
    input: { title: string; summary: string; severity: Severity; risks?: string; mitigations?: string },
    actor: string,
    ctx: Ctx,
  ): Promise<IncidentRecord> {
    const now = this.deps.now()
    const incident: IncidentRecord = {
      id: randomUUID(),
      title: input.title,
      summary: input.summary,
      severity: input.severity,
      status: 'open',
      risks: input.risks ?? '',
      mitigations: input.mitigations ?? '',
      createdBy: actor,
      createdAt: now,
      updatedAt: now,
      closedAt: null,
    }
    await this.deps.incidents.create(incident)
    await this.deps.audit.record(actor, ctx, 'incident.create', `incident:${incident.id}`, {
      severity: incident.severity,
    })
    return incident
  }

  async get(id: string): Promise<IncidentRecord> {
    const incident = await this.deps.incidents.get(id)
    if (!incident) throw new AppError('not_found', { detail: 'No such incident' })
    return incident
  }

  list(limit: number, before?: string): Promise<IncidentRecord[]> {
    return this.deps.incidents.list(limit, before)
  }

  async update(id: string, patch: IncidentPatch, actor: string, ctx: Ctx): Promise<IncidentRecord> {
    const incident = await this.get(id)
    const changed = (Object.keys(patch) as Array<keyof IncidentPatch>).filter(
      (k) => patch[k] !== undefined && patch[k] !== incident[k],
    )
    if (changed.length === 0) return incident
    await this.deps.incidents.update(id, patch, this.deps.now())
    await this.deps.audit.record(actor, ctx, 'incident.update', `incident:${id}`, {
      fields: changed,
      ...(changed.includes('severity') ? { severity: patch.severity } : {}),
    })
    return this.get(id)
  }

  async close(id: string, actor: string, ctx: Ctx): Promise<IncidentRecord> {
    const incident = await this.get(id)
    if (incident.status === 'closed') return incident
    await this.deps.incidents.close(id, this.deps.now())
    await this.deps.audit.record(actor, ctx, 'incident.close', `incident:${id}`)
    return this.get(id)
  }

  async getImport(incidentId: string, importId: string): Promise<ImportRecord> {
    const record = await this.deps.incidents.getImport(incidentId, importId)
    if (!record) throw new AppError('not_found', { detail: 'No such import' })
    return record
  }

  async imports(incidentId: string): Promise<ImportRecord[]> {
    await this.get(incidentId)
    return this.deps.incidents.listImports(incidentId)
  }

  async exposures(
    incidentId: string,
    limit: number,
    after?: string,
  ): Promise<{ exposures: ExposureRecord[]; total: number }> {
    await this.get(incidentId)
    const [exposures, total] = await Promise.all([
      this.deps.incidents.listExposures(incidentId, limit, after),
      this.deps.incidents.countExposures(incidentId),
    ])
    return { exposures, total }
  }

  async timeline(incidentId: string): Promise<TimelineEntry[]> {
    await this.get(incidentId)
    return assembleTimeline(this.sources, incidentId)
  }

  /**
   * Streams a leak into the incident. A mapping that names no identifier, or a column the CSV
   * header lacks, is refused before anything is recorded; from then on rows that cannot be read
   * are counted (the first few reported by line) and the import goes on. Resolves when the stream
   * ends, with the final counts; a failing stream or database marks the import failed and rejects.
   */
  async importLeak(input: ImportInput, actor: string, ctx: Ctx): Promise<ImportRecord> {
    const incident = await this.get(input.incidentId)
    const { mapping, rows } = await this.#openLeak(incident, input)
    const record: ImportRecord = {
      id: randomUUID(),
      incidentId: incident.id,
      sourceName: input.sourceName.slice(0, 256),
      format: input.format,
      mapping,
      status: 'running',
      rowsRead: 0,
      rowsMatched: 0,
      rowsUnparseable: 0,
      accountsMatched: 0,
      error: null,
      problems: [],
      createdBy: actor,
      startedAt: this.deps.now(),
      finishedAt: null,
    }
    await this.deps.incidents.createImport(record)
    const run = new ImportRun(
      {
        incidents: this.deps.incidents,
        now: this.deps.now,
        batchSize: this.deps.batchSize ?? IMPORT_BATCH_ROWS,
        region: input.phoneRegion ?? this.deps.defaultPhoneRegion,
        onProgress: input.onProgress,
      },
      record,
    )
    const { counts, problems } = run
    try {
      // Whatever is left of the body is drained on a failure, so that the answer can go out.
      await run.run(rows, () => input.input.resume())
    } catch (e) {
      const error = isAppError(e) ? e.message : 'the import stopped: the data could not be read or stored'
      await this.finish(record, 'failed', counts, problems, error, actor, ctx)
      throw e
    }
    return this.finish(record, 'done', counts, problems, null, actor, ctx)
  }

  /** Checks the incident and the mapping and opens the rows; the upload is drained on a refusal. */
  async #openLeak(
    incident: IncidentRecord,
    input: ImportInput,
  ): Promise<{ mapping: ColumnMapping; rows: AsyncIterable<LeakRow> }> {
    if (incident.status === 'closed') {
      input.input.resume()
      throw new AppError('incident_closed', { detail: 'A closed incident takes no more imports' })
    }
    const mapping = Object.fromEntries(
      Object.entries(input.mapping).filter(([, column]) => column !== undefined && column !== ''),
    ) as ColumnMapping
    if (!mapping.username && !mapping.email && !mapping.phone) {
      input.input.resume()
      throw new AppError('invalid_request', {
        detail: 'Map at least one of username, email and phone to a column',
      })
    }
    try {
      return { mapping, rows: await openLeak(input.format, input.input, mapping) }
    } catch (e) {
      input.input.resume()
      throw e
    }
  }

  /**
   * Marks failed the imports whose instance died while running them (no heartbeat for
   * IMPORT_STALE_MS), each with an `incident.import` audit entry (actor `system`). What they
   * recorded before stays. Returns how many.
   */
  async sweepInterrupted(): Promise<number> {
    const now = this.deps.now()
    const stopped = await this.deps.incidents.failStaleImports(now - IMPORT_STALE_MS, now, INTERRUPTED, (r) =>
      this.deps.audit.entry(
        'system',
        { ip: null, requestId: null },
        'incident.import',
        `incident:${r.incidentId}`,
        { ...importAudit(r, r.status, r), reason: 'interrupted' },
      ),
    )
    // Their stages, and any an instance could not drop as its import ended, hold leaked data.
    await this.deps.incidents.dropIdleLeakStages()
    return stopped.length
  }

  private async finish(
    record: ImportRecord,
    status: 'done' | 'failed',
    counts: ImportCounts,
    problems: ImportProblem[],
    error: string | null,
    actor: string,
    ctx: Ctx,
  ): Promise<ImportRecord> {
    const at = this.deps.now()
    await this.deps.incidents.finishImport(record.id, { status, counts, problems, error, at })
    await this.deps.audit.record(
      actor,
      ctx,
      'incident.import',
      `incident:${record.incidentId}`,
      importAudit(record, status, counts),
    )
    return { ...record, ...counts, status, problems, error, finishedAt: at }
  }
}
