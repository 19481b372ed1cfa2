import type { Kysely } from 'kysely'
import type { Dialect } from '../dialect.js'

/*
 * Campaigns: an action (forced password reset, session revocation, required MFA enrolment, reset
 * lock, notification) over a selection of accounts, processed in batches by background workers.
 * Two account flags that campaigns set: a password reset is required before any session opens,
 * and the account must enrol a second factor at its next login.
 */

export const up = async (db: Kysely<unknown>, _dialect: Dialect): Promise<void> => {
  await db.schema.alterTable('accounts').addColumn('password_reset_required_at', 'bigint').execute()
  await db.schema
    .alterTable('accounts')
    .addColumn('mfa_enrolment_required', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()

  await db.schema
    .createTable('campaigns')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text', (c) => c.references('incidents.id'))
    .addColumn('selector', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('total', 'bigint', (c) => c.notNull())
    .addColumn('done', 'bigint', (c) => c.notNull())
    .addColumn('failed', 'bigint', (c) => c.notNull())
    .addColumn('skipped', 'bigint', (c) => c.notNull())
    .addColumn('sessions_revoked', 'bigint', (c) => c.notNull())
    .addColumn('not_before', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .execute()
  await db.schema.createIndex('campaigns_status').on('campaigns').columns(['status', 'created_at']).execute()
  await db.schema
    .createIndex('campaigns_incident')
    .on('campaigns')
    .columns(['incident_id', 'created_at'])
    .execute()

  // One row per campaign and selected account; `status` pending, done, skipped or failed.
  await db.schema
    .createTable('campaign_targets')
    .addColumn('campaign_id', 'text', (c) => c.notNull().references('campaigns.id'))
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('handled_at', 'bigint')
    .addPrimaryKeyConstraint('campaign_targets_pk', ['campaign_id', 'account_id'])
    .execute()
  await db.schema
    .createIndex('campaign_targets_status')
    .on('campaign_targets')
    .columns(['campaign_id', 'status', 'account_id'])
    .execute()

  // One row per processed batch: the recent rate and the timeline.
  await db.schema
    .createTable('campaign_batches')
    .addColumn('campaign_id', 'text', (c) => c.notNull().references('campaigns.id'))
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('done', 'integer', (c) => c.notNull())
    .addColumn('skipped', 'integer', (c) => c.notNull())
    .addColumn('failed', 'integer', (c) => c.notNull())
    .addColumn('sessions_revoked', 'integer', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('campaign_batches_campaign')
    .on('campaign_batches')
    .columns(['campaign_id', 'at'])
    .execute()
}
