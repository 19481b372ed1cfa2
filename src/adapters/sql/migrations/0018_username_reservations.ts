import type { Kysely } from 'kysely'
import type { Dialect } from '../dialect.js'

/*
 * Sign-up reserves the username it was asked for, for as long as an unverified account would hold
 * it, whether or not the address already has an account (then no account is created, and the owner
 * of the address gets a notice): a later sign-up with the same name gets 409 either way, so the
 * name's fate tells nothing about the address.
 */

export const up = async (db: Kysely<unknown>, _dialect: Dialect): Promise<void> => {
  await db.schema
    .createTable('username_reservations')
    .addColumn('username', 'text', (c) => c.primaryKey())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('username_reservations_expiry')
    .on('username_reservations')
    .column('expires_at')
    .execute()
}

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await db.schema.dropTable('username_reservations').execute()
}
