import { type Kysely, sql } from 'kysely'
import type { Dialect } from '../dialect.js'

/*
 * A campaign's targets are kept as groups of up to 40 accounts, one row per group, instead of one
 * row per account (src/adapters/sql/campaign-selection.ts, "groups"). A force reset of 17.5
 * million accounts wrote 17.5 million target rows in the transaction that created it, then
 * rewrote each of them once more, with a new index entry, when its batch marked it; it now writes
 * and marks 440,000 rows. A group is claimed, handled and marked as a whole.
 *
 * A group is named by its first account (`first_id`); `account_ids` is the JSON array of its
 * accounts, in account order, and `size` their number. Claims follow (slot, first_id), as they
 * followed (slot, account_id). A campaign's targets that were pending or failed are carried over,
 * grouped the same way; those already handled live on in the campaign's counters and its batches.
 */

/** The JSON array of a group's account ids, in account order. */
const idsOf = (dialect: Dialect) =>
  dialect.name === 'postgres'
    ? sql`cast(json_agg(t.account_id order by t.account_id) as text)`
    : sql`json_group_array(t.account_id order by t.account_id)`

export const up = async (db: Kysely<unknown>, dialect: Dialect): Promise<void> => {
  await db.schema
    .createTable('campaign_target_groups')
    .addColumn('campaign_id', 'text', (c) =>
      // On PostgreSQL no foreign key check per row (migration 0030): groups are written only with
      // their campaign, in its transaction, and campaigns are never deleted.
      dialect.name === 'postgres' ? c.notNull() : c.notNull().references('campaigns.id'),
    )
    .addColumn('first_id', 'text', (c) => c.notNull())
    .addColumn('slot', 'integer', (c) => c.notNull())
    .addColumn('account_ids', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('handled_at', 'bigint')
    .addPrimaryKeyConstraint('campaign_target_groups_pk', ['campaign_id', 'first_id'])
    .execute()
  await db.schema
    .createIndex('campaign_target_groups_pending')
    .on('campaign_target_groups')
    .columns(['campaign_id', 'slot', 'first_id'])
    .where(sql.ref('status'), '=', sql.lit('pending'))
    .execute()
  // Pending and failed targets, grouped as creation groups them: forty to a group, one for notify.
  await sql`insert into campaign_target_groups
      (campaign_id, first_id, slot, account_ids, size, status, attempts, handled_at)
    select t.campaign_id, min(t.account_id), t.slot, ${idsOf(dialect)}, count(*), t.status,
      max(t.attempts), max(t.handled_at)
    from (
      select ct.campaign_id, ct.account_id, ct.slot, ct.status, ct.attempts, ct.handled_at,
        (row_number() over (partition by ct.campaign_id, ct.slot, ct.status order by ct.account_id) - 1)
          / (case when c.action = 'notify' then 1 else 40 end) as g
      from campaign_targets as ct join campaigns as c on c.id = ct.campaign_id
      where ct.status in ('pending', 'failed')
    ) as t
    group by t.campaign_id, t.slot, t.status, t.g`.execute(db)
  await db.schema.dropTable('campaign_targets').execute()
}

export const down = async (db: Kysely<unknown>, dialect: Dialect): Promise<void> => {
  await db.schema
    .createTable('campaign_targets')
    .addColumn('campaign_id', 'text', (c) =>
      dialect.name === 'postgres' ? c.notNull() : c.notNull().references('campaigns.id'),
    )
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('handled_at', 'bigint')
    .addColumn('slot', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('campaign_targets_pk', ['campaign_id', 'account_id'])
    .execute()
  await db.schema
    .createIndex('campaign_targets_pending')
    .on('campaign_targets')
    .columns(['campaign_id', 'slot', 'account_id'])
    .where(sql.ref('status'), '=', sql.lit('pending'))
    .execute()
  // Each group's accounts as targets of their own (those of handled groups are not kept).
  const each =
    dialect.name === 'postgres'
      ? sql`cross join lateral json_array_elements_text(cast(g.account_ids as json)) as a(value)`
      : sql`cross join json_each(g.account_ids) as a`
  await sql`insert into campaign_targets (campaign_id, account_id, status, attempts, handled_at, slot)
    select g.campaign_id, a.value, g.status, g.attempts, g.handled_at, g.slot
    from campaign_target_groups as g ${each}
    where g.status in ('pending', 'failed')`.execute(db)
  await db.schema.dropTable('campaign_target_groups').execute()
}
