import type { Kysely } from 'kysely'
import type { Dialect } from '../dialect.js'

/*
 * Operators' lifts of the guard (`gatehouse guard lift`): the command line writes a row, and every
 * running server reads the rows it has not seen yet and ends the challenges, delays and blocks of
 * the sources named (src/modules/guard/lifts.ts).
 */

export const up = async (db: Kysely<unknown>, dialect: Dialect): Promise<void> => {
  await db.schema
    .createTable('guard_lifts')
    .addColumn('id', dialect.autoIdType, (c) =>
      dialect.name === 'postgres'
        ? c.primaryKey().generatedByDefaultAsIdentity()
        : c.primaryKey().autoIncrement(),
    )
    // An address or network (`203.0.113.0/24`); null for every source.
    .addColumn('sources', 'text')
    .addColumn('reason', 'text')
    .addColumn('operator', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('guard_lifts_created_at').on('guard_lifts').column('created_at').execute()
}

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await db.schema.dropTable('guard_lifts').execute()
}
