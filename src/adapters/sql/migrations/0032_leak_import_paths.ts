import { type Kysely, sql } from 'kysely'
import type { Dialect } from '../dialect.js'

/*
 * The two paths of a leak import on PostgreSQL, at tens of millions of accounts:
 *
 * - Each batch looks its usernames and email addresses up, for the accounts' ids. Through the
 *   unique indexes alone the ids came from the table's rows, one random page of the table for each
 *   match: at 17.5 million accounts most of them outside the shared buffers. The unique indexes on
 *   `username` and `email_norm` now carry the id (`include (id)`), so a lookup reads the index only.
 *   They replace the unique constraints of the first migration, and stay unique.
 * - An import that meets an account again (a second row naming it, or a later import of the same
 *   incident) updates its exposure row: the union of fields, the sum of rows, the last import. None
 *   of those columns is indexed, so the new row version can stay on its page (a heap-only update,
 *   with no new entry in either index) if the page has room. Pages filled by an import had none;
 *   now each keeps three tenths free.
 *
 * SQLite keeps both as they were: it updates in place, and its table is small enough to read.
 */

export const up = async (db: Kysely<unknown>, dialect: Dialect): Promise<void> => {
  if (dialect.name !== 'postgres') return
  for (const column of ['username', 'email_norm']) {
    await sql`create unique index ${sql.id(`accounts_${column}_id`)} on accounts (${sql.id(column)}) include (id)`.execute(
      db,
    )
    await sql`alter table accounts drop constraint ${sql.id(`accounts_${column}_key`)}`.execute(db)
  }
  await sql`alter table incident_exposures set (fillfactor = 70)`.execute(db)
}

export const down = async (db: Kysely<unknown>, dialect: Dialect): Promise<void> => {
  if (dialect.name !== 'postgres') return
  await sql`alter table incident_exposures reset (fillfactor)`.execute(db)
  for (const column of ['username', 'email_norm']) {
    await sql`alter table accounts add constraint ${sql.id(`accounts_${column}_key`)} unique (${sql.id(column)})`.execute(
      db,
    )
    await sql`drop index ${sql.id(`accounts_${column}_id`)}`.execute(db)
  }
}
