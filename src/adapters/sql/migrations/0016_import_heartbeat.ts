import { type Kysely, sql } from 'kysely'
import type { Dialect } from '../dialect.js'

/*
 * A running leak import writes when it was last alive. An import whose instance died (SIGKILL, a lost
 * machine) stops beating; housekeeping then marks it failed instead of leaving it running forever.
 * Imports from before this migration count as alive since they started.
 */

export const up = async (db: Kysely<unknown>, _dialect: Dialect): Promise<void> => {
  await db.schema.alterTable('incident_imports').addColumn('heartbeat_at', 'bigint').execute()
  await sql`update incident_imports set heartbeat_at = started_at`.execute(db)
}

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await db.schema.alterTable('incident_imports').dropColumn('heartbeat_at').execute()
}
