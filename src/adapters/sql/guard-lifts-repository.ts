import type { Kysely, Selectable } from 'kysely'
import type { GuardLift, GuardLiftStore } from '../../modules/guard/lifts.js'
import type { Database, GuardLiftsTable } from './schema.js'

const toLift = (r: Selectable<GuardLiftsTable>): GuardLift => ({
  id: Number(r.id),
  sources: r.sources,
  reason: r.reason,
  operator: r.operator,
  createdAt: Number(r.created_at),
})

export class SqlGuardLiftStore implements GuardLiftStore {
  constructor(private readonly db: Kysely<Database>) {}

  async add(lift: Omit<GuardLift, 'id'>): Promise<GuardLift> {
    const row = await this.db
      .insertInto('guard_lifts')
      .values({
        sources: lift.sources,
        reason: lift.reason,
        operator: lift.operator,
        created_at: lift.createdAt,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    return toLift(row)
  }

  async after(id: number, limit: number): Promise<GuardLift[]> {
    const rows = await this.db
      .selectFrom('guard_lifts')
      .selectAll()
      .where('id', '>', id)
      .orderBy('id')
      .limit(limit)
      .execute()
    return rows.map(toLift)
  }

  async since(at: number): Promise<GuardLift[]> {
    const rows = await this.db
      .selectFrom('guard_lifts')
      .selectAll()
      .where('created_at', '>=', at)
      .orderBy('id')
      .execute()
    return rows.map(toLift)
  }

  async lastId(): Promise<number> {
    const row = await this.db
      .selectFrom('guard_lifts')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirst()
    return row?.id == null ? 0 : Number(row.id)
  }
}
