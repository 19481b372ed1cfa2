import { type Kysely, type RawBuilder, type Selectable, sql } from 'kysely'
import type { NewAuditEntry } from '../../modules/audit/ports.js'
import {
  type ColumnMapping,
  EXPOSED_FIELDS,
  type ExposedField,
  type ExposureDelta,
  type ExposureRecord,
  type ImportCounts,
  type ImportFormat,
  type ImportProblem,
  type ImportRecord,
  type IncidentPatch,
  type IncidentRecord,
  type IncidentRepository,
  type LeakStage,
  type Severity,
} from '../../modules/incidents/ports.js'
import { SqlAuditLog } from './audit-repository.js'
import type { SqlDatabase } from './database.js'
import type { Dialect } from './dialect.js'
import { dropLeakStage, SqlLeakStage, stagedImports } from './leak-stage.js'
import type { Database, IncidentImportsTable, IncidentsTable } from './schema.js'

const toIncident = (r: Selectable<IncidentsTable>): IncidentRecord => ({
  id: r.id,
  title: r.title,
  summary: r.summary,
  severity: r.severity as Severity,
  status: r.status === 'closed' ? 'closed' : 'open',
  risks: r.risks,
  mitigations: r.mitigations,
  createdBy: r.created_by,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
  closedAt: r.closed_at === null ? null : Number(r.closed_at),
})

const toImport = (r: Selectable<IncidentImportsTable>): ImportRecord => ({
  id: r.id,
  incidentId: r.incident_id,
  sourceName: r.source_name,
  format: r.format as ImportFormat,
  mapping: JSON.parse(r.mapping) as ColumnMapping,
  status: r.status as ImportRecord['status'],
  rowsRead: Number(r.rows_read),
  rowsMatched: Number(r.rows_matched),
  rowsUnparseable: Number(r.rows_unparseable),
  accountsMatched: Number(r.accounts_matched),
  error: r.error,
  problems: JSON.parse(r.problems) as ImportProblem[],
  createdBy: r.created_by,
  startedAt: Number(r.started_at),
  finishedAt: r.finished_at === null ? null : Number(r.finished_at),
})

const countColumns = (c: ImportCounts) => ({
  rows_read: c.rowsRead,
  rows_matched: c.rowsMatched,
  rows_unparseable: c.rowsUnparseable,
  accounts_matched: c.accountsMatched,
})

/**
 * The union of two `fields` lists (sorted, comma-separated) in SQL that both databases run: each
 * known field is kept when either side has it, in the canonical order.
 */
const fieldsUnion = sql.raw(
  `substr(${EXPOSED_FIELDS.map(
    (f) =>
      `(case when (',' || incident_exposures.fields || ',') like '%,${f},%' or (',' || excluded.fields || ',') like '%,${f},%' then ',${f}' else '' end)`,
  ).join(' || ')}, 2)`,
)

export class SqlIncidentRepository implements IncidentRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
    private readonly maintain: SqlDatabase['maintain'],
  ) {}

  async create(i: IncidentRecord): Promise<void> {
    await this.db
      .insertInto('incidents')
      .values({
        id: i.id,
        title: i.title,
        summary: i.summary,
        severity: i.severity,
        status: i.status,
        risks: i.risks,
        mitigations: i.mitigations,
        created_by: i.createdBy,
        created_at: i.createdAt,
        updated_at: i.updatedAt,
        closed_at: i.closedAt,
      })
      .execute()
  }

  async get(id: string): Promise<IncidentRecord | null> {
    const r = await this.db.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst()
    return r ? toIncident(r) : null
  }

  async list(limit: number, before?: string): Promise<IncidentRecord[]> {
    let q = this.db.selectFrom('incidents').selectAll()
    if (before !== undefined) {
      const cursor = await this.db
        .selectFrom('incidents')
        .select(['created_at', 'id'])
        .where('id', '=', before)
        .executeTakeFirst()
      if (!cursor) return []
      q = q.where((eb) =>
        eb.or([
          eb('created_at', '<', cursor.created_at),
          eb.and([eb('created_at', '=', cursor.created_at), eb('id', '<', cursor.id)]),
        ]),
      )
    }
    const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute()
    return rows.map(toIncident)
  }

  async update(id: string, patch: IncidentPatch, at: number): Promise<void> {
    await this.db
      .updateTable('incidents')
      .set({
        ...(patch.title !== undefined ? { title: patch.title } : {}),
        ...(patch.summary !== undefined ? { summary: patch.summary } : {}),
        ...(patch.severity !== undefined ? { severity: patch.severity } : {}),
        ...(patch.risks !== undefined ? { risks: patch.risks } : {}),
        ...(patch.mitigations !== undefined ? { mitigations: patch.mitigations } : {}),
        updated_at: at,
      })
      .where('id', '=', id)
      .execute()
  }

  async close(id: string, at: number): Promise<void> {
    await this.db
      .updateTable('incidents')
      .set({ status: 'closed', closed_at: at, updated_at: at })
      .where('id', '=', id)
      .where('status', '=', 'open')
      .execute()
  }

  async createImport(r: ImportRecord): Promise<void> {
    await this.db
      .insertInto('incident_imports')
      .values({
        id: r.id,
        incident_id: r.incidentId,
        source_name: r.sourceName,
        format: r.format,
        mapping: JSON.stringify(r.mapping),
        status: r.status,
        ...countColumns(r),
        error: r.error,
        problems: JSON.stringify(r.problems),
        created_by: r.createdBy,
        started_at: r.startedAt,
        finished_at: r.finishedAt,
        heartbeat_at: r.startedAt,
      })
      .execute()
  }

  async getImport(incidentId: string, importId: string): Promise<ImportRecord | null> {
    const r = await this.db
      .selectFrom('incident_imports')
      .selectAll()
      .where('id', '=', importId)
      .where('incident_id', '=', incidentId)
      .executeTakeFirst()
    return r ? toImport(r) : null
  }

  async listImports(incidentId: string): Promise<ImportRecord[]> {
    const rows = await this.db
      .selectFrom('incident_imports')
      .selectAll()
      .where('incident_id', '=', incidentId)
      .orderBy('started_at', 'asc')
      .orderBy('id', 'asc')
      .execute()
    return rows.map(toImport)
  }

  async updateImportCounts(
    importId: string,
    counts: ImportCounts,
    problems: ImportProblem[],
    at: number,
  ): Promise<void> {
    await this.db
      .updateTable('incident_imports')
      .set({ ...countColumns(counts), problems: JSON.stringify(problems), heartbeat_at: at })
      .where('id', '=', importId)
      .execute()
  }

  async beatImport(importId: string, at: number): Promise<void> {
    await this.db
      .updateTable('incident_imports')
      .set({ heartbeat_at: at })
      .where('id', '=', importId)
      .where('status', '=', 'running')
      .execute()
  }

  async failStaleImports(
    staleBefore: number,
    at: number,
    error: string,
    entry: (stopped: ImportRecord) => NewAuditEntry,
  ): Promise<ImportRecord[]> {
    return this.db.transaction().execute(async (trx) => {
      const rows = await trx
        .updateTable('incident_imports')
        .set({ status: 'failed', error, finished_at: at })
        .where('status', '=', 'running')
        .where('heartbeat_at', '<', staleBefore)
        .returningAll()
        .execute()
      const stopped = rows.map(toImport)
      const audit = new SqlAuditLog(trx, this.dialect)
      for (const r of stopped) await audit.append(entry(r))
      return stopped
    })
  }

  async finishImport(
    importId: string,
    o: {
      status: 'done' | 'failed'
      counts: ImportCounts
      problems: ImportProblem[]
      error: string | null
      at: number
    },
  ): Promise<void> {
    await this.db
      .updateTable('incident_imports')
      .set({
        status: o.status,
        ...countColumns(o.counts),
        problems: JSON.stringify(o.problems),
        error: o.error,
        finished_at: o.at,
      })
      .where('id', '=', importId)
      .execute()
  }

  openLeakStage(importId: string): Promise<LeakStage> {
    return SqlLeakStage.create(this.db, this.dialect, this.maintain, importId)
  }

  async dropIdleLeakStages(): Promise<number> {
    const staged = await stagedImports(this.db, this.dialect)
    if (staged.length === 0) return 0
    const running = new Set(
      (
        await this.db
          .selectFrom('incident_imports')
          .select('id')
          .where('id', 'in', staged)
          .where('status', '=', 'running')
          .execute()
      ).map((r) => r.id),
    )
    const idle = staged.filter((id) => !running.has(id))
    for (const id of idle) await dropLeakStage(this.db, id)
    return idle.length
  }

  dropLeakStage(importId: string): Promise<void> {
    return dropLeakStage(this.db, importId)
  }

  async recordExposures(
    incidentId: string,
    importId: string,
    at: number,
    deltas: ExposureDelta[],
  ): Promise<number> {
    if (deltas.length === 0) return 0
    // In key order: each index page is visited once per statement, not at random again and again.
    deltas = [...deltas].sort((a, b) => (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0))
    const ids = deltas.map((d) => d.accountId)
    const fields = deltas.map((d) => d.fields.join(','))
    const rows = deltas.map((d) => d.rows)
    // `repeated` tells what the upsert found: 1 when the row was last written by this import (the
    // account is not new to it), 0 when it inserted the row or took it over from another import.
    const upsert = (source: RawBuilder<unknown>) => sql`
      insert into incident_exposures
        (incident_id, account_id, fields, rows, first_import_id, first_seen_at, last_import_id, repeated)
      ${source}
      on conflict (incident_id, account_id) do update set
        fields = ${fieldsUnion},
        rows = incident_exposures.rows + excluded.rows,
        last_import_id = excluded.last_import_id,
        repeated = case when incident_exposures.last_import_id = excluded.last_import_id then 1 else 0 end
      returning repeated`
    if (this.dialect.name === 'postgres') {
      const r = await sql<{ fresh: string }>`
        with written as (
          ${upsert(sql`select ${incidentId}, t.a, t.f, t.n, ${importId}, ${at}, ${importId}, 0
            from unnest(${ids}::text[], ${fields}::text[], ${rows}::bigint[]) as t(a, f, n)`)}
        )
        select count(*)::text as fresh from written where repeated = 0`.execute(this.db)
      return Number(r.rows[0]?.fresh ?? 0)
    }
    const written = (await upsert(
      sql`select ${incidentId}, j.value ->> 0, j.value ->> 1, j.value ->> 2, ${importId}, ${at}, ${importId}, 0
        from json_each(${JSON.stringify(deltas.map((d, i) => [d.accountId, fields[i], d.rows]))}) as j where true`,
    ).execute(this.db)) as { rows: { repeated: number }[] }
    return written.rows.filter((w) => Number(w.repeated) === 0).length
  }

  async listExposures(incidentId: string, limit: number, after?: string): Promise<ExposureRecord[]> {
    let q = this.db
      .selectFrom('incident_exposures')
      .innerJoin('accounts', 'accounts.id', 'incident_exposures.account_id')
      .select([
        'incident_exposures.account_id',
        'accounts.username',
        'incident_exposures.fields',
        'incident_exposures.rows',
        'incident_exposures.first_import_id',
        'incident_exposures.first_seen_at',
      ])
      .where('incident_exposures.incident_id', '=', incidentId)
    if (after !== undefined) q = q.where('incident_exposures.account_id', '>', after)
    const rows = await q.orderBy('incident_exposures.account_id', 'asc').limit(limit).execute()
    return rows.map((r) => ({
      accountId: r.account_id,
      username: r.username,
      fields: r.fields
        .split(',')
        .filter((f): f is ExposedField => (EXPOSED_FIELDS as readonly string[]).includes(f)),
      rows: Number(r.rows),
      firstImportId: r.first_import_id,
      firstSeenAt: Number(r.first_seen_at),
    }))
  }

  async countExposures(incidentId: string): Promise<number> {
    const r = await this.db
      .selectFrom('incident_exposures')
      .innerJoin('accounts', 'accounts.id', 'incident_exposures.account_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('incident_exposures.incident_id', '=', incidentId)
      .executeTakeFirstOrThrow()
    return Number(r.n)
  }
}
