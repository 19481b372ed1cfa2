import type { Kysely } from 'kysely'
import type { Dialect } from '../dialect.js'

/*
 * Re-authentication and the MFA policy: when a session's holder last proved who they are, whether
 * the session may only enrol a second factor, and email-address changes waiting for their link.
 */

export const up = async (db: Kysely<unknown>, _dialect: Dialect): Promise<void> => {
  await db.schema.alterTable('sessions').addColumn('authenticated_at', 'bigint').execute()
  await db.schema
    .alterTable('sessions')
    .addColumn('mfa_enrolment', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()

  await db.schema
    .createTable('email_changes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('new_email', 'text', (c) => c.notNull())
    .addColumn('new_email_norm', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('email_changes_account').on('email_changes').column('account_id').execute()
}
