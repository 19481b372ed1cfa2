import { type Kysely, sql } from 'kysely'
import type { Dialect } from '../dialect.js'

/*
 * A campaign over every account touches each account row once; in account order a batch rewrote a
 * run of consecutive, full table pages, so on PostgreSQL each new row version went to another page
 * and every index of accounts took a new entry for it.
 *
 * - each target gets a slot (src/adapters/sql/campaign-selection.ts, "spread"), and batches are
 *   claimed in slot order: one batch takes accounts far apart in the table, at most one of them on
 *   most pages;
 * - on PostgreSQL the accounts table leaves a tenth of each page it fills free, so such an update
 *   fits on its own page: a heap-only update, with no new index entry (the same holds for the
 *   login's rehash and last-login writes);
 * - on PostgreSQL a target no longer checks its campaign by foreign key: targets are written only
 *   with their campaign, in its transaction, and campaigns are never deleted, while the check cost
 *   a lookup of the campaign for each of a campaign's million targets, in the one transaction that
 *   creates it. (SQLite keeps it: there it costs next to nothing.)
 */

export const up = async (db: Kysely<unknown>, dialect: Dialect): Promise<void> => {
  await db.schema
    .alterTable('campaign_targets')
    .addColumn('slot', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
  await db.schema.dropIndex('campaign_targets_pending').execute()
  await db.schema
    .createIndex('campaign_targets_pending')
    .on('campaign_targets')
    .columns(['campaign_id', 'slot', 'account_id'])
    .where(sql.ref('status'), '=', sql.lit('pending'))
    .execute()
  if (dialect.name === 'postgres') {
    await sql`alter table accounts set (fillfactor = 90)`.execute(db)
    await sql`do $$
      declare c text;
      begin
        for c in select conname from pg_constraint
          where conrelid = 'campaign_targets'::regclass and contype = 'f'
        loop
          execute format('alter table campaign_targets drop constraint %I', c);
        end loop;
      end $$`.execute(db)
  }
}

export const down = async (db: Kysely<unknown>, dialect: Dialect): Promise<void> => {
  if (dialect.name === 'postgres') {
    await sql`alter table accounts reset (fillfactor)`.execute(db)
    await sql`alter table campaign_targets add constraint campaign_targets_campaign_id_fkey
      foreign key (campaign_id) references campaigns (id)`.execute(db)
  }
  await db.schema.dropIndex('campaign_targets_pending').execute()
  await db.schema
    .createIndex('campaign_targets_pending')
    .on('campaign_targets')
    .columns(['campaign_id', 'account_id'])
    .where(sql.ref('status'), '=', sql.lit('pending'))
    .execute()
  await db.schema.alterTable('campaign_targets').dropColumn('slot').execute()
}
