import { type Kysely, sql } from 'kysely'
import type { Dialect } from '../dialect.js'

/*
 * Usernames and normalised email addresses are compared byte by byte on PostgreSQL, as SQLite
 * compares them. Under the database's collation (a language's rules, or C.UTF-8 through the C
 * library) each comparison in their indexes went through the library's collation, which the
 * lookups of a leak import (tens of thousands of values per batch, about 25 comparisons each), of
 * every login and of every account import pay for: an eighth of a leak's lookup time at a million
 * accounts, more under a language's rules. Equality, and so uniqueness, is the same under both:
 * these are identifiers, normalised before they are stored, never sorted for a reader.
 * Changing a column's collation rebuilds its indexes; the table is not rewritten.
 */

const COLUMNS = ['username', 'email_norm'] as const

export const up = async (db: Kysely<unknown>, dialect: Dialect): Promise<void> => {
  if (dialect.name !== 'postgres') return
  for (const column of COLUMNS)
    await sql`alter table accounts alter column ${sql.id(column)} type text collate "C"`.execute(db)
}

export const down = async (db: Kysely<unknown>, dialect: Dialect): Promise<void> => {
  if (dialect.name !== 'postgres') return
  for (const column of COLUMNS)
    await sql`alter table accounts alter column ${sql.id(column)} type text collate "default"`.execute(db)
}
