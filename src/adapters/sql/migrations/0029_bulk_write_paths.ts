import { type Kysely, sql } from 'kysely'
import type { Dialect } from '../dialect.js'

/*
 * Cheaper writes on the paths that touch every account at once (a forced reset of all of them, an
 * import of millions): fewer index entries for each row written, none of them one a query reads.
 *
 * - campaign targets are looked up by status only while pending (the claim of a batch, and whether
 *   any is left): a target handled leaves that index instead of being written into it again;
 * - the index of pending deletions holds only accounts with one, not a null for every other account;
 * - security events are looked up by source address only for a given address: events without one
 *   (campaigns, jobs, the CLI) are left out of that index;
 * - an account's events are read through (account, id), whose order is their time's: the older
 *   (account, created_at) index is dropped, one entry less for every event written.
 */

export const up = async (db: Kysely<unknown>, _dialect: Dialect): Promise<void> => {
  await db.schema.dropIndex('campaign_targets_status').execute()
  await db.schema
    .createIndex('campaign_targets_pending')
    .on('campaign_targets')
    .columns(['campaign_id', 'account_id'])
    .where(sql.ref('status'), '=', sql.lit('pending'))
    .execute()
  await db.schema.dropIndex('accounts_deletion_due').execute()
  await db.schema
    .createIndex('accounts_deletion_due')
    .on('accounts')
    .column('deletion_due_at')
    .where(sql.ref('deletion_due_at'), 'is not', null)
    .execute()
  await db.schema.dropIndex('security_events_account').execute()
  await db.schema.dropIndex('security_events_ip_id').execute()
  await db.schema
    .createIndex('security_events_ip_id')
    .on('security_events')
    .columns(['ip', 'id'])
    .where(sql.ref('ip'), 'is not', null)
    .execute()
}

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await db.schema
    .createIndex('security_events_account')
    .on('security_events')
    .columns(['account_id', 'created_at'])
    .execute()
  await db.schema.dropIndex('campaign_targets_pending').execute()
  await db.schema
    .createIndex('campaign_targets_status')
    .on('campaign_targets')
    .columns(['campaign_id', 'status', 'account_id'])
    .execute()
  await db.schema.dropIndex('security_events_ip_id').execute()
  await db.schema.createIndex('security_events_ip_id').on('security_events').columns(['ip', 'id']).execute()
  await db.schema.dropIndex('accounts_deletion_due').execute()
  await db.schema.createIndex('accounts_deletion_due').on('accounts').column('deletion_due_at').execute()
}
