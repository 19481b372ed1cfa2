import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { openPostgres, openSqlite } from '../../src/adapters/sql/database.js'
import { migrateToLatest } from '../../src/adapters/sql/migrate.js'

let warned = false
/** The databases the suites run on: SQLite always, PostgreSQL when TEST_DATABASE_URL is set. */
export const databaseKinds = () => {
  if (process.env.TEST_DATABASE_URL) return ['sqlite', 'postgres']
  if (!warned) {
    warned = true
    console.warn(
      '\n*** TEST_DATABASE_URL is not set: PostgreSQL suites are SKIPPED. ' +
        'Set it (e.g. postgres://postgres@127.0.0.1:5432/test) to run them. ***\n',
    )
  }
  return ['sqlite']
}
/**
 * A fresh, empty, migrated database of the given kind: a new SQLite file in a
 * temporary folder, or a new PostgreSQL database created on the test server.
 */
export const createTestDatabase = async (kind) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-test-'))
  if (kind === 'sqlite') {
    const file = join(dataDir, 'gatehouse.sqlite')
    const first = openSqlite(file)
    const result = await migrateToLatest(first.db, first.dialect)
    if (result.error) throw result.error
    await first.close()
    return {
      kind,
      databaseUrl: undefined,
      dataDir,
      open: async () => openSqlite(file),
      drop: async () => rmSync(dataDir, { recursive: true, force: true }),
    }
  }
  const base = process.env.TEST_DATABASE_URL
  if (!base) throw new Error('TEST_DATABASE_URL is not set')
  const name = `gh_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`
  const admin = new pg.Client({ connectionString: base })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  const url = new URL(base)
  url.pathname = `/${name}`
  const databaseUrl = url.toString()
  const first = await openPostgres(databaseUrl, 2)
  const result = await migrateToLatest(first.db, first.dialect)
  if (result.error) throw result.error
  await first.close()
  return {
    kind,
    databaseUrl,
    dataDir,
    open: () => openPostgres(databaseUrl),
    drop: async () => {
      const c = new pg.Client({ connectionString: base })
      await c.connect()
      await c.query(`drop database if exists ${name} with (force)`)
      await c.end()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
//# sourceMappingURL=databases.js.map
