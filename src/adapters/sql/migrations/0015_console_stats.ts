import type { Kysely } from 'kysely'
import type { Dialect } from '../dialect.js'

/*
 * Indexes for the console's time-series figures (GET /v1/admin/stats): events of a type over a
 * time range, and messages sent over a time range. Both are range scans, never full scans.
 */

export const up = async (db: Kysely<unknown>, _dialect: Dialect): Promise<void> => {
  await db.schema
    .createIndex('security_events_type_created')
    .on('security_events')
    .columns(['type', 'created_at'])
    .execute()
  await db.schema.createIndex('outbox_status_sent').on('outbox').columns(['status', 'sent_at']).execute()
}

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await db.schema.dropIndex('outbox_status_sent').execute()
  await db.schema.dropIndex('security_events_type_created').execute()
}
