import type { Kysely } from 'kysely'
import type { Dialect } from '../dialect.js'

/*
 * A sign-up's reservation keeps the password hash it was given. When the address already had an
 * account no account is created, yet login by the reserved name with that password must answer
 * as an unverified account's right password does (`email_unverified`): otherwise whoever signs up
 * with someone's address learns from the login whether that address has an account.
 */

export const up = async (db: Kysely<unknown>, _dialect: Dialect): Promise<void> => {
  await db.schema.alterTable('username_reservations').addColumn('password_hash', 'text').execute()
}

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await db.schema.alterTable('username_reservations').dropColumn('password_hash').execute()
}
