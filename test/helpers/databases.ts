import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { openPostgres, openSqlite, type SqlDatabase } from '../../src/adapters/sql/database.js'
import { migrateToLatest } from '../../src/adapters/sql/migrate.js'

export type DatabaseKind = 'sqlite' | 'postgres'

let warned = false
/**
 * The databases the suites run on: SQLite always, PostgreSQL when TEST_DATABASE_URL is set.
 * TEST_DATABASE_KINDS (`postgres`, `sqlite` or both, comma-separated) keeps only those: CI runs
 * the PostgreSQL suites on a second Node version, where the SQLite driver built for the first
 * cannot load.
 */
export const databaseKinds = (): DatabaseKind[] => {
  const only = process.env.TEST_DATABASE_KINDS
  if (only) {
    const kinds = only.split(',').map((k) => k.trim())
    const unknown = kinds.filter((k) => k !== 'sqlite' && k !== 'postgres')
    if (unknown.length > 0) throw new Error(`TEST_DATABASE_KINDS: unknown kind ${unknown.join(', ')}`)
    if (kinds.includes('postgres') && !process.env.TEST_DATABASE_URL) {
      throw new Error('TEST_DATABASE_KINDS names postgres: set TEST_DATABASE_URL too')
    }
    return kinds as DatabaseKind[]
  }
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

export interface TestDatabase {
  kind: DatabaseKind
  /** For servers started as separate processes: DATABASE_URL (postgres) or the data dir (sqlite). */
  databaseUrl: string | undefined
  dataDir: string
  open(): Promise<SqlDatabase>
  drop(): Promise<void>
}

/**
 * A fresh, empty, migrated database of the given kind: a new SQLite file in a
 * temporary folder, or a new PostgreSQL database created on the test server.
 */
export const createTestDatabase = async (kind: DatabaseKind): Promise<TestDatabase> => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-test-'))
  if (kind === 'sqlite') {
    const file = join(dataDir, 'gatehouse.sqlite')
    const first = openSqlite(file)
    const result = await migrateToLatest(first.db as never, first.dialect)
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
  const result = await migrateToLatest(first.db as never, first.dialect)
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
