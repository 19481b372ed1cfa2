import type { Kysely } from 'kysely'
import type { Dialect } from '../dialect.js'

/*
 * What a session's login proved, as RFC 8176 authentication method references: a JSON array of
 * strings (`["pwd","otp","mfa"]`). Sessions opened before it have none and read as `["pwd"]`.
 */

export const up = async (db: Kysely<unknown>, _dialect: Dialect): Promise<void> => {
  await db.schema.alterTable('sessions').addColumn('amr', 'text').execute()
}

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await db.schema.alterTable('sessions').dropColumn('amr').execute()
}
