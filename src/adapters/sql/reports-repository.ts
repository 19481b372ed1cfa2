import { type Kysely, sql } from 'kysely'
import { EXPOSED_FIELDS } from '../../modules/incidents/ports.js'
import type { ExposureFacts } from '../../modules/reports/service.js'
import type { Database } from './schema.js'

/** Counts over an incident's exposed accounts (accounts deleted since drop out, as everywhere). */
export class SqlReportFacts {
  constructor(private readonly db: Kysely<Database>) {}

  async exposureFacts(incidentId: string): Promise<ExposureFacts> {
    const has = (field: string) =>
      sql<number>`sum(case when (',' || e.fields || ',') like ${`%,${field},%`} then 1 else 0 end)`
    const row = await this.db
      .selectFrom('incident_exposures as e')
      .innerJoin('accounts as a', 'a.id', 'e.account_id')
      .where('e.incident_id', '=', incidentId)
      .select((eb) => [
        eb.fn.countAll<number>().as('accounts'),
        ...EXPOSED_FIELDS.map((f) => has(f).as(f)),
        sql<number>`sum(case when not exists (
          select 1 from mfa_factors f where f.account_id = e.account_id and f.confirmed_at is not null
        ) then 1 else 0 end)`.as('without_factor'),
      ])
      .executeTakeFirstOrThrow()
    return {
      accountsExposed: Number(row.accounts),
      fieldsExposed: Object.fromEntries(EXPOSED_FIELDS.map((f) => [f, Number(row[f] ?? 0)])),
      exposedWithoutSecondFactor: Number(row.without_factor ?? 0),
    }
  }
}
