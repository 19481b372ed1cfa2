import type { Kysely } from 'kysely'
import type { Dialect } from '../dialect.js'

/*
 * The language an account's mails and texts are written in (`en`, `de`; null until sign-up or the
 * holder names one), and the language of the request that asked for a recovery, for an account that
 * has none stored.
 */

export const up = async (db: Kysely<unknown>, _dialect: Dialect): Promise<void> => {
  await db.schema.alterTable('accounts').addColumn('locale', 'text').execute()
  await db.schema.alterTable('recovery_requests').addColumn('locale', 'text').execute()
}

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await db.schema.alterTable('recovery_requests').dropColumn('locale').execute()
  await db.schema.alterTable('accounts').dropColumn('locale').execute()
}
