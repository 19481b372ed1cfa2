import { type Kysely, sql } from 'kysely'
import { IMPORTED_SCHEMES, type ImportedScheme } from '../../modules/accounts/legacy/scheme.js'
import type { Database } from './schema.js'

/*
 * How many accounts still hold an imported password hash, by scheme (the name after `$gh$`).
 * The `like '$gh$%'` term is written as the partial index accounts_imported_hash's (migration
 * 0025) so that both databases read that index only.
 */

const scheme = sql.join(
  IMPORTED_SCHEMES.map((s) => sql`when password_hash like ${sql.lit(`$gh$${s}$%`)} then ${sql.lit(s)}`),
  sql` `,
)

export const countImportedHashes = async (db: Kysely<Database>): Promise<Record<ImportedScheme, number>> => {
  const rows = await sql<{ scheme: string | null; n: number | string }>`
    select case ${scheme} else null end as scheme, count(*) as n
    from accounts where password_hash like '$gh$%' group by 1`.execute(db)
  const counts = Object.fromEntries(IMPORTED_SCHEMES.map((s) => [s, 0])) as Record<ImportedScheme, number>
  for (const r of rows.rows) {
    if (r.scheme && r.scheme in counts) counts[r.scheme as ImportedScheme] = Number(r.n)
  }
  return counts
}
