import { type Kysely, sql } from 'kysely'
import type { Dialect } from '../dialect.js'

/*
 * Imported password hashes (`$gh$…`, until the next login replaces them with argon2id) counted by
 * scheme: a partial index holds those accounts only, so the count reads as many entries as there
 * are imported hashes left, none once they are all replaced.
 */

export const up = async (db: Kysely<unknown>, _dialect: Dialect): Promise<void> => {
  await sql`create index accounts_imported_hash on accounts (password_hash) where password_hash like '$gh$%'`.execute(
    db,
  )
}

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await db.schema.dropIndex('accounts_imported_hash').execute()
}
