import { type Expression, type SqlBool, sql } from 'kysely'
import type { Dialect } from './dialect.js'

/**
 * `column` is one of `ids` (text ids), for statements over a batch of thousands of accounts. Where
 * the database takes arrays (PostgreSQL) the ids are one parameter, `= any($1)`: binding and
 * planning five thousand parameters cost more than the rows the statement touches. Elsewhere an
 * `in (…)` list, each id a parameter (callers keep it below the parameter limit).
 */
export const idIn = (dialect: Dialect, column: string, ids: readonly string[]): Expression<SqlBool> =>
  dialect.arrayParameters
    ? sql<SqlBool>`${sql.ref(column)} = any(cast(${ids} as text[]))`
    : sql<SqlBool>`${sql.ref(column)} in (${sql.join(ids)})`
