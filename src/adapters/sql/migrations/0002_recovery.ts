import { type Kysely, sql } from 'kysely'
import type { Dialect } from '../dialect.js'

/* Account recovery: queued requests, suppression digests, second factors, reset lock. */

export const up = async (db: Kysely<unknown>, _dialect: Dialect): Promise<void> => {
  await db.schema
    .alterTable('accounts')
    .addColumn('reset_lock', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
  await db.schema.alterTable('accounts').addColumn('locked_at', 'bigint').execute()

  await db.schema
    .alterTable('one_time_tokens')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
  await db.schema.alterTable('one_time_tokens').addColumn('channel', 'text').execute()

  // A recovery request waits here until a worker looks the identifier up: nothing that
  // depends on whether the account exists happens on the request path.
  await db.schema
    .createTable('recovery_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('identifier', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('mfa_code', 'text')
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('client_version', 'text')
    .addColumn('request_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text')
    .addColumn('locked_until', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('processed_at', 'bigint')
    .execute()
  await db.schema
    .createIndex('recovery_requests_due')
    .on('recovery_requests')
    .columns(['status', 'created_at'])
    .execute()

  await db.schema
    .createTable('recovery_digests')
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('suppressed', 'integer', (c) => c.notNull())
    .addColumn('send_after', 'bigint', (c) => c.notNull())
    .addColumn('sent_at', 'bigint')
    .addPrimaryKeyConstraint('recovery_digests_pk', ['account_id', 'day'])
    .execute()
  await db.schema
    .createIndex('recovery_digests_due')
    .on('recovery_digests')
    .column('send_after')
    .where(sql.ref('sent_at'), 'is', null)
    .execute()

  await db.schema
    .createTable('mfa_factors')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('secret', 'text')
    .addColumn('last_used_step', 'bigint')
    .addColumn('confirmed_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('mfa_factors_account')
    .on('mfa_factors')
    .columns(['account_id', 'kind'])
    .execute()
}
