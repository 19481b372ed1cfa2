import type { Kysely } from 'kysely'
import type { Dialect } from '../dialect.js'

/*
 * Readiness writes as well as reads: `/readyz` upserts one row here, so that a database (or the
 * disk under SQLite) that answers reads but refuses writes is reported not ready.
 */

export const up = async (db: Kysely<unknown>, _dialect: Dialect): Promise<void> => {
  await db.schema
    .createTable('health_checks')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('checked_at', 'bigint', (c) => c.notNull())
    .execute()
}

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await db.schema.dropTable('health_checks').execute()
}
