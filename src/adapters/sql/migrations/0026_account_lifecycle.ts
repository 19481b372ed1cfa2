import type { Kysely } from 'kysely'
import type { Dialect } from '../dialect.js'

/*
 * Account administration: an account a staff member disabled opens no session (a right password
 * answers like a required reset) until it is enabled again. `disabled_by` names who disabled it as
 * the audit log does (`account:<id>`, `api_key:<id>` or `cli`).
 */

export const up = async (db: Kysely<unknown>, _dialect: Dialect): Promise<void> => {
  await db.schema.alterTable('accounts').addColumn('disabled_at', 'bigint').execute()
  await db.schema.alterTable('accounts').addColumn('disabled_by', 'text').execute()
}

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await db.schema.alterTable('accounts').dropColumn('disabled_by').execute()
  await db.schema.alterTable('accounts').dropColumn('disabled_at').execute()
}
