import { type Kysely, sql } from 'kysely'
import type { Dialect } from '../dialect.js'

/*
 * What the guard's detectors found: one open record per detector and key (source address,
 * network, identifier, account …), updated while the activity goes on, then resolved or lifted.
 */

export const up = async (db: Kysely<unknown>, dialect: Dialect): Promise<void> => {
  await db.schema
    .createTable('detections')
    .addColumn('id', dialect.autoIdType, (c) =>
      dialect.name === 'postgres'
        ? c.primaryKey().generatedByDefaultAsIdentity()
        : c.primaryKey().autoIncrement(),
    )
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('first_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('count', 'bigint', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('action_until', 'bigint')
    .addColumn('account_id', 'text')
    .addColumn('closed_at', 'bigint')
    .addColumn('closed_by', 'text')
    .execute()
  // At most one open detection per detector and key, across every instance.
  await db.schema
    .createIndex('detections_open_key')
    .on('detections')
    .columns(['kind', 'key'])
    .unique()
    .where(sql.ref('status'), '=', 'open')
    .execute()
  await db.schema.createIndex('detections_status_id').on('detections').columns(['status', 'id']).execute()
}
