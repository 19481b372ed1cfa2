import { type Kysely, sql } from 'kysely'
import type { Dialect } from '../dialect.js'

/*
 * External parties: clients (third-party apps, partners) owned by a staff or partner account, their
 * admin API keys (only the SHA-256 of each key is kept, with a displayable prefix), and on accounts
 * the client a partner account belongs to and whether an administrator revoked its access.
 *
 * A revoked partner account keeps `locked_at` set for as long as `access_revoked_at` is: a trigger
 * puts the lock back when anything else clears it (a completed password reset does), so that only
 * an administrator's reinstatement (which clears both at once) opens login again.
 */

export const up = async (db: Kysely<unknown>, dialect: Dialect): Promise<void> => {
  await db.schema
    .createTable('clients')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    // No foreign key: the owner is checked when set, and a missing owner shows in the access review.
    .addColumn('owner_account_id', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('disabled_at', 'bigint')
    .execute()

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id'))
    .addColumn('prefix', 'text', (c) => c.notNull().unique())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('expires_in_days', 'integer')
    .addColumn('expires_at', 'bigint')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .addColumn('last_used_ip', 'text')
    .addColumn('revoked_at', 'bigint')
    .addColumn('replaced_by', 'text')
    .execute()
  await db.schema.createIndex('api_keys_client').on('api_keys').columns(['client_id', 'created_at']).execute()

  await db.schema.alterTable('accounts').addColumn('client_id', 'text').execute()
  await db.schema.alterTable('accounts').addColumn('access_revoked_at', 'bigint').execute()

  if (dialect.name === 'postgres') {
    await sql`
      create function gatehouse_keep_access_lock() returns trigger language plpgsql as $$
      begin
        new.locked_at := new.access_revoked_at;
        return new;
      end $$`.execute(db)
    await sql`
      create trigger accounts_keep_access_lock before update of locked_at on accounts
      for each row when (new.locked_at is null and new.access_revoked_at is not null)
      execute function gatehouse_keep_access_lock()`.execute(db)
  } else {
    await sql`
      create trigger accounts_keep_access_lock after update of locked_at on accounts
      for each row when new.locked_at is null and new.access_revoked_at is not null
      begin
        update accounts set locked_at = new.access_revoked_at where id = new.id;
      end`.execute(db)
  }
}
