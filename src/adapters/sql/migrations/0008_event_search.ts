import type { Kysely } from 'kysely'
import type { Dialect } from '../dialect.js'

/* Operators search security events by type and by source address, newest first. */

export const up = async (db: Kysely<unknown>, _dialect: Dialect): Promise<void> => {
  await db.schema
    .createIndex('security_events_type_id')
    .on('security_events')
    .columns(['type', 'id'])
    .execute()
  await db.schema.createIndex('security_events_ip_id').on('security_events').columns(['ip', 'id']).execute()
}
