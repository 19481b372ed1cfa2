import { type Kysely, sql } from 'kysely'
import type { Dialect } from '../dialect.js'

/*
 * Account imports: an account brought from another system keeps the id it had there
 * (`external_id`, unique where set), so that importing the same file again finds it instead of
 * creating it twice. Each import is recorded with its counts and first problems (line and reason
 * only), and while it runs with a heartbeat, like leak imports.
 */

export const up = async (db: Kysely<unknown>, _dialect: Dialect): Promise<void> => {
  await db.schema.alterTable('accounts').addColumn('external_id', 'text').execute()
  await db.schema
    .createIndex('accounts_external_id')
    .on('accounts')
    .column('external_id')
    .unique()
    .where(sql.ref('external_id'), 'is not', null)
    .execute()

  await db.schema
    .createTable('account_imports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // running, completed, failed, interrupted
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('source_name', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    // JSON: which column or key holds each field (never a value).
    .addColumn('mapping', 'text', (c) => c.notNull())
    .addColumn('rows_read', 'bigint', (c) => c.notNull())
    .addColumn('rows_created', 'bigint', (c) => c.notNull())
    .addColumn('rows_present', 'bigint', (c) => c.notNull())
    .addColumn('rows_bad', 'bigint', (c) => c.notNull())
    // JSON: the first bad rows as {line, reason} (never their content).
    .addColumn('problems', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('error', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('heartbeat_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .execute()
  await db.schema
    .createIndex('account_imports_started')
    .on('account_imports')
    .columns(['started_at'])
    .execute()
  await db.schema
    .createIndex('account_imports_running')
    .on('account_imports')
    .columns(['heartbeat_at'])
    .where(sql.ref('status'), '=', 'running')
    .execute()
}

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await db.schema.dropTable('account_imports').execute()
  await db.schema.dropIndex('accounts_external_id').execute()
  await db.schema.alterTable('accounts').dropColumn('external_id').execute()
}
