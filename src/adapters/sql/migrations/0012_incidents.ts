import { type Kysely, sql } from 'kysely'
import type { Dialect } from '../dialect.js'

/*
 * Incidents, the leaked data sets imported into them, and which accounts each one exposed (and
 * which of their fields).
 */

export const up = async (db: Kysely<unknown>, _dialect: Dialect): Promise<void> => {
  await db.schema
    .createTable('incidents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('risks', 'text', (c) => c.notNull())
    .addColumn('mitigations', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('closed_at', 'bigint')
    .execute()
  await db.schema.createIndex('incidents_created').on('incidents').columns(['created_at']).execute()

  await db.schema
    .createTable('incident_imports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id'))
    .addColumn('source_name', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('mapping', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('rows_read', 'bigint', (c) => c.notNull())
    .addColumn('rows_matched', 'bigint', (c) => c.notNull())
    .addColumn('rows_unparseable', 'bigint', (c) => c.notNull())
    .addColumn('accounts_matched', 'bigint', (c) => c.notNull())
    .addColumn('error', 'text')
    // JSON: the first unparseable rows as {line, reason} (never their content).
    .addColumn('problems', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .execute()
  await db.schema
    .createIndex('incident_imports_incident')
    .on('incident_imports')
    .columns(['incident_id', 'started_at'])
    .execute()

  // One row per incident and exposed account; `fields` is the sorted, comma-separated union of
  // what the leak held about it (username, email, phone, location).
  await db.schema
    .createTable('incident_exposures')
    // No foreign keys here: checking two per row made bulk imports several times slower on
    // PostgreSQL (a trigger call each). Imports write only ids they just read from both tables;
    // readers join accounts, so exposures of since-deleted accounts drop out of every answer.
    .addColumn('incident_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('fields', 'text', (c) => c.notNull())
    .addColumn('rows', 'bigint', (c) => c.notNull())
    .addColumn('first_import_id', 'text', (c) => c.notNull())
    .addColumn('first_seen_at', 'bigint', (c) => c.notNull())
    // The import that matched it last: counts the distinct accounts of an import without keeping them in memory.
    .addColumn('last_import_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('incident_exposures_pk', ['incident_id', 'account_id'])
    .execute()
  await db.schema
    .createIndex('incident_exposures_account')
    .on('incident_exposures')
    .columns(['account_id'])
    .execute()

  // Which audit entries concern what: each entry's target, and `<kind>:<id>` for every `<kind>_id`
  // in its details (an incident's timeline finds `incident.import` and campaign entries this way).
  // Beside the chain, not in it: the entries and their hashes are unchanged.
  await db.schema
    .createTable('audit_refs')
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('audit_refs_pk', ['ref', 'seq'])
    .execute()
  await sql`insert into audit_refs (ref, seq) select target, seq from audit_log where target is not null`.execute(
    db,
  )
}
