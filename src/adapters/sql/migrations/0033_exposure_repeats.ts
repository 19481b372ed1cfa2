import type { Kysely } from 'kysely'
import type { Dialect } from '../dialect.js'

/*
 * An import counts the distinct accounts it matched: a batch's account is new to the import unless
 * its exposure row was last written by the same import. That was read before each batch's upsert,
 * a second lookup of every account in the exposures' key (and a read of its row, for the import
 * that wrote it). The upsert now records what it found: `repeated` is 1 when the row it updated was
 * last written by the same import, 0 when it inserted the row or took it over from another import.
 * The batch's count is its rows written with 0.
 */

export const up = async (db: Kysely<unknown>, _dialect: Dialect): Promise<void> => {
  await db.schema
    .alterTable('incident_exposures')
    .addColumn('repeated', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
}

export const down = async (db: Kysely<unknown>, _dialect: Dialect): Promise<void> => {
  await db.schema.alterTable('incident_exposures').dropColumn('repeated').execute()
}
