import type { Kysely } from 'kysely'
import type { Dialect } from '../dialect.js'

/* A holder's own security history is read newest first, page by page, by event id. */

export const up = async (db: Kysely<unknown>, _dialect: Dialect): Promise<void> => {
  await db.schema
    .createIndex('security_events_account_id')
    .on('security_events')
    .columns(['account_id', 'id'])
    .execute()
}
