import { join } from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely'
import pg from 'pg'
import { makePrivateDir, SQLITE_FILE_NAME, touchPrivateFile } from '../files/private-files.js'
import { type Dialect, postgresDialect, sqliteDialect } from './dialect.js'
import { PrincipalChanges } from './principal-changes.js'
import type { Database } from './schema.js'

export interface SqlDatabase {
  readonly db: Kysely<Database>
  readonly dialect: Dialect
  /** Where it lives, without credentials, for logs. */
  readonly description: string
  /** Moves whenever a write may change what a session check answers (see PrincipalChanges). */
  readonly principalChanges: PrincipalChanges
  ping(): Promise<void>
  close(): Promise<void>
}

export class DatabaseConnectError extends Error {
  override readonly name = 'DatabaseConnectError'
}

// int8 (bigint) columns hold epoch milliseconds and counts, well inside 2^53: read them as numbers.
const pgTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === pg.types.builtins.INT8) return (v: string) => Number(v)
    return pg.types.getTypeParser(oid, format)
  }) as typeof pg.types.getTypeParser,
}

export const describePostgresUrl = (url: string): string => {
  const u = new URL(url)
  return `PostgreSQL at ${u.hostname}:${u.port || '5432'}${u.pathname}`
}

export const openPostgres = async (url: string, poolSize = 10): Promise<SqlDatabase> => {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types: pgTypes })
  // Errors on idle clients (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {})
  const description = describePostgresUrl(url)
  try {
    const client = await pool.connect()
    client.release()
  } catch (e) {
    await pool.end().catch(() => {})
    throw new DatabaseConnectError(
      `cannot connect to ${description} (${(e as Error).message}); check DATABASE_URL and that the server is running`,
    )
  }
  const principalChanges = new PrincipalChanges()
  const db = new Kysely<Database>({
    dialect: principalChanges.observe(new PostgresDialect({ pool })),
    plugins: [principalChanges],
  })
  return {
    db,
    dialect: postgresDialect,
    description,
    principalChanges,
    ping: async () => {
      await pool.query('select 1')
    },
    close: () => db.destroy(),
  }
}

/** Distinct statements kept prepared; past that the cache starts over (lists of ids make many shapes). */
const STATEMENT_CACHE_SIZE = 1000

/**
 * The connection as the SQLite dialect sees it, with prepared statements kept per SQL text: the
 * dialect prepares every query it runs, and preparing costs more than running a lookup by key.
 * The one connection runs one query at a time, so a statement is never in use twice (one still
 * being iterated is not handed out again).
 */
const withStatementCache = (sqlite: SQLite.Database): SQLite.Database => {
  let cache = new Map<string, SQLite.Statement>()
  const prepare = sqlite.prepare.bind(sqlite)
  return new Proxy(sqlite, {
    get(target, property, receiver) {
      if (property !== 'prepare') {
        const value = Reflect.get(target, property, receiver)
        // Native methods must run on the connection itself, not on the proxy.
        return typeof value === 'function' ? value.bind(target) : value
      }
      return (source: string) => {
        const known = cache.get(source)
        if (known && !known.busy) return known
        const statement = prepare(source)
        if (cache.size >= STATEMENT_CACHE_SIZE) cache = new Map()
        cache.set(source, statement)
        return statement
      }
    },
  })
}

/**
 * Opens (creating it when missing) the SQLite database in `file`. A new file is created owner-only
 * (0600) before SQLite opens it: SQLite gives its -wal and -shm files the database file's mode.
 */
export const openSqlite = (file: string): SqlDatabase => {
  if (file !== ':memory:') touchPrivateFile(file)
  const sqlite = new SQLite(file)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = NORMAL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  // 64 MiB of pages (the default is 2 MiB): large writes such as leak imports touch thousands of pages per batch.
  sqlite.pragma('cache_size = -65536')
  const principalChanges = new PrincipalChanges()
  const db = new Kysely<Database>({
    dialect: principalChanges.observe(new SqliteDialect({ database: withStatementCache(sqlite) })),
    plugins: [principalChanges],
  })
  return {
    db,
    dialect: sqliteDialect,
    description: `SQLite at ${file}`,
    principalChanges,
    ping: async () => {
      sqlite.prepare('select 1').get()
    },
    close: () => db.destroy(),
  }
}

export const openDatabase = async (opts: {
  databaseUrl?: string | undefined
  dataDir: string
}): Promise<SqlDatabase> => {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl)
  makePrivateDir(opts.dataDir)
  return openSqlite(join(opts.dataDir, SQLITE_FILE_NAME))
}
