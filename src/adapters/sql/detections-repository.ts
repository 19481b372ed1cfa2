import { type Kysely, type Selectable, sql } from 'kysely'
import {
  type Detection,
  type DetectionAction,
  type DetectionKind,
  type DetectionScope,
  type DetectionSighting,
  type DetectionStatus,
  type DetectionStore,
  detectionActions,
} from '../../modules/guard/ports.js'
import type { Database, DetectionsTable } from './schema.js'

const toDetection = (r: Selectable<DetectionsTable>): Detection => ({
  id: Number(r.id),
  kind: r.kind as DetectionKind,
  scope: r.scope as DetectionScope,
  key: r.key,
  status: r.status as DetectionStatus,
  action: r.action as DetectionAction,
  firstSeenAt: Number(r.first_seen_at),
  lastSeenAt: Number(r.last_seen_at),
  count: Number(r.count),
  details: JSON.parse(r.details) as Record<string, unknown>,
  actionUntil: r.action_until === null ? null : Number(r.action_until),
  accountId: r.account_id,
  closedAt: r.closed_at === null ? null : Number(r.closed_at),
  closedBy: r.closed_by,
})

const rank = (a: DetectionAction): number => detectionActions.indexOf(a)

export class SqlDetectionStore implements DetectionStore {
  constructor(private readonly db: Kysely<Database>) {}

  #open(kind: string, key: string) {
    return this.db
      .selectFrom('detections')
      .selectAll()
      .where('kind', '=', kind)
      .where('key', '=', key)
      .where('status', '=', 'open')
      .executeTakeFirst()
  }

  async record(s: DetectionSighting): Promise<{ detection: Detection; escalated: boolean }> {
    for (let attempt = 0; ; attempt++) {
      const open = await this.#open(s.kind, s.key)
      if (open) {
        const stronger = rank(s.action) > rank(open.action as DetectionAction)
        // A weaker sighting (one that raced a stronger one, or a late write-behind) counts, but the
        // details stay those of the action the detection holds.
        const weaker = rank(s.action) < rank(open.action as DetectionAction)
        const updated = await this.db
          .updateTable('detections')
          .set({
            last_seen_at: sql<number>`case when last_seen_at > ${s.at} then last_seen_at else ${s.at} end`,
            count: sql<number>`${sql.ref('count')} + ${s.count}`,
            ...(weaker
              ? {}
              : { details: JSON.stringify({ ...(JSON.parse(open.details) as object), ...s.details }) }),
            ...(stronger ? { action: s.action } : {}),
            ...(s.actionUntil !== null ? { action_until: s.actionUntil } : {}),
            ...(s.accountId !== null ? { account_id: s.accountId } : {}),
          })
          .where('id', '=', open.id)
          .returningAll()
          .executeTakeFirstOrThrow()
        return { detection: toDetection(updated), escalated: stronger }
      }
      try {
        const inserted = await this.db
          .insertInto('detections')
          .values({
            kind: s.kind,
            scope: s.scope,
            key: s.key,
            status: 'open',
            action: s.action,
            first_seen_at: s.at,
            last_seen_at: s.at,
            count: s.count,
            details: JSON.stringify(s.details),
            action_until: s.actionUntil,
            account_id: s.accountId,
            closed_at: null,
            closed_by: null,
          })
          .returningAll()
          .executeTakeFirstOrThrow()
        return { detection: toDetection(inserted), escalated: true }
      } catch (e) {
        // Another instance opened it first (unique open key): update that one.
        if (attempt >= 2) throw e
      }
    }
  }

  async list(
    filter: { status?: DetectionStatus; kind?: DetectionKind },
    limit: number,
    beforeId?: number,
  ): Promise<Detection[]> {
    let q = this.db.selectFrom('detections').selectAll()
    if (filter.status !== undefined) q = q.where('status', '=', filter.status)
    if (filter.kind !== undefined) q = q.where('kind', '=', filter.kind)
    if (beforeId !== undefined) q = q.where('id', '<', beforeId)
    const rows = await q.orderBy('id', 'desc').limit(limit).execute()
    return rows.map(toDetection)
  }

  async get(id: number): Promise<Detection | null> {
    const row = await this.db.selectFrom('detections').selectAll().where('id', '=', id).executeTakeFirst()
    return row ? toDetection(row) : null
  }

  async close(id: number, status: 'resolved' | 'lifted', by: string, at: number): Promise<Detection | null> {
    const row = await this.db
      .updateTable('detections')
      .set({ status, closed_at: at, closed_by: by })
      .where('id', '=', id)
      .where('status', '=', 'open')
      .returningAll()
      .executeTakeFirst()
    return row ? toDetection(row) : null
  }

  async deleteClosedBefore(cutoff: number): Promise<number> {
    const r = await this.db
      .deleteFrom('detections')
      .where('status', '!=', 'open')
      .where('closed_at', '<', cutoff)
      .executeTakeFirst()
    return Number(r.numDeletedRows)
  }
}
