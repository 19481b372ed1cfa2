import type { Kysely } from 'kysely'
import type { Dialect } from '../dialect.js'

/*
 * Deletion of an account with a grace period: `deletion_due_at` is when the purge removes it (null:
 * none pending), `deletion_requested_by` who asked (`account:<id>` for its holder, or staff as the
 * audit log names actors). While it is pending the account is disabled (`disabled_by` 'deletion'
 * when the request disabled it), so that logins and recovery answer exactly as for a disabled one.
 */

export const up = async (db: Kysely<unknown>, _dialect: Dialect): Promise<void> => {
  await db.schema.alterTable('accounts').addColumn('deletion_due_at', 'bigint').execute()
  await db.schema.alterTable('accounts').addColumn('deletion_requested_by', 'text').execute()
  await db.schema.createIndex('accounts_deletion_due').on('accounts').column('deletion_due_at').execute()
}

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await db.schema.dropIndex('accounts_deletion_due').execute()
  await db.schema.alterTable('accounts').dropColumn('deletion_requested_by').execute()
  await db.schema.alterTable('accounts').dropColumn('deletion_due_at').execute()
}
