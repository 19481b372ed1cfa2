import { join } from 'node:path'
import SQLite from 'better-sqlite3'
import {
  Kysely,
  PostgresDialect,
  type PostgresPool,
  type PostgresPoolClient,
  SqliteDialect,
  sql,
} from 'kysely'
import type pg from 'pg'
import { withDeadline } from '../../kernel/outages.js'
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
  /** A read: the database answers (PostgreSQL: within `timeoutMs`, the connection dropped past it). */
  ping(timeoutMs?: number): Promise<void>
  /** A write of one row (readiness): the database, and under SQLite its disk, take writes. */
  pingWrite(timeoutMs?: number): Promise<void>
  /**
   * Runs one maintenance statement (PostgreSQL: VACUUM, ANALYZE) outside any transaction and
   * without the statement deadline: PostgreSQL on a connection of its own, opened for it and closed
   * after; SQLite on the shared connection, its turn like any write.
   */
  maintain(statement: string): Promise<void>
  close(): Promise<void>
}

/** The readiness write: one row, upserted. */
const WRITE_PROBE = `insert into health_checks (name, checked_at) values ('readiness', $1)
  on conflict (name) do update set checked_at = excluded.checked_at`

export class DatabaseConnectError extends Error {
  override readonly name = 'DatabaseConnectError'
}

// int8 (bigint) columns hold epoch milliseconds and counts, well inside 2^53: read them as numbers.
const pgTypesOf = (types: typeof pg.types) => ({
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === types.builtins.INT8) return (v: string) => Number(v)
    return types.getTypeParser(oid, format)
  }) as typeof pg.types.getTypeParser,
})

export const describePostgresUrl = (url: string): string => {
  const u = new URL(url)
  return `PostgreSQL at ${u.hostname}:${u.port || '5432'}${u.pathname}`
}

/** Deadlines of every call to PostgreSQL. */
export interface PostgresDeadlines {
  /** Opening a connection, or waiting for a free one in the pool. */
  connectTimeoutMs: number
  /**
   * One statement: the server cancels it (statement_timeout), and the client gives up a second
   * later when the server does not answer at all (a hung server), dropping that connection.
   */
  statementTimeoutMs: number
}

export const DEFAULT_POSTGRES_DEADLINES: PostgresDeadlines = {
  connectTimeoutMs: 3000,
  statementTimeoutMs: 10_000,
}

/** How long closing waits for the pool's connections to end (a hung server never answers). */
const CLOSE_TIMEOUT_MS = 2000

/**
 * The pool as Kysely sees it, except that a connection whose query ran past the client's deadline
 * (`Query read timeout`: the server did not answer), or that failed while checked out, is
 * destroyed when released, not handed to the next caller with a query still in flight.
 */
const droppingBroken = (pool: pg.Pool): PostgresPool => {
  const broken = new WeakMap<pg.PoolClient, Error>()
  const watched = new WeakSet<pg.PoolClient>()
  return {
    connect: async () => {
      const client = await pool.connect()
      if (!watched.has(client)) {
        watched.add(client)
        // A connection lost while checked out (a server restart) is reported here as well as to
        // the query: without a listener the 'error' event would end the process.
        client.on('error', (e: Error) => broken.set(client, e))
      }
      const query = (sql: string, parameters: ReadonlyArray<unknown>) =>
        client.query(sql, [...parameters]).catch((e: unknown) => {
          if (e instanceof Error && /Query read timeout/.test(e.message)) broken.set(client, e)
          throw e
        })
      return {
        query,
        release: () => client.release(broken.get(client)),
      } as unknown as PostgresPoolClient
    },
    end: () => pool.end(),
  }
}

/** node-postgres reads `query_timeout` per query too; its types only know it per client. */
const withReadTimeout = (query: pg.QueryConfig, timeoutMs: number): pg.QueryConfig =>
  ({ ...query, query_timeout: timeoutMs }) as pg.QueryConfig

export const openPostgres = async (
  url: string,
  poolSize = 10,
  deadlines: PostgresDeadlines = DEFAULT_POSTGRES_DEADLINES,
): Promise<SqlDatabase> => {
  // node-postgres is loaded only when PostgreSQL is configured: SQLite servers start without it.
  const { default: postgres } = await import('pg')
  const pool = new postgres.Pool({
    connectionString: url,
    max: poolSize,
    types: pgTypesOf(postgres.types),
    connectionTimeoutMillis: deadlines.connectTimeoutMs,
    statement_timeout: deadlines.statementTimeoutMs,
    query_timeout: deadlines.statementTimeoutMs + 1000,
    keepAlive: true,
  })
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
    dialect: principalChanges.observe(new PostgresDialect({ pool: droppingBroken(pool) })),
    plugins: [principalChanges],
  })
  return {
    db,
    dialect: postgresDialect,
    description,
    principalChanges,
    // Straight on the pool, with their own deadline: a timed-out probe's connection is dropped.
    ping: async (timeoutMs = deadlines.statementTimeoutMs) => {
      await pool.query(withReadTimeout({ text: 'select 1' }, timeoutMs))
    },
    pingWrite: async (timeoutMs = deadlines.statementTimeoutMs) => {
      await pool.query(withReadTimeout({ text: WRITE_PROBE, values: [Date.now()] }, timeoutMs))
    },
    maintain: async (statement) => {
      const client = new postgres.Client({
        connectionString: url,
        connectionTimeoutMillis: deadlines.connectTimeoutMs,
        application_name: 'gatehouse maintenance',
      })
      await client.connect()
      try {
        await client.query(statement)
      } finally {
        await client.end().catch(() => {})
      }
    },
    close: () => withDeadline(db.destroy(), CLOSE_TIMEOUT_MS, 'database', 'closing').catch(() => {}),
  }
}

/** Stands in for a statement that has nothing to do (see withStatementCache). */
const NO_OP_STATEMENT = {
  reader: false,
  busy: false,
  run: () => ({ changes: 0, lastInsertRowid: 0 }),
} as unknown as SQLite.Statement

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
        // SQLite ends a transaction by itself on some errors (SQLITE_FULL, SQLITE_IOERR, SQLITE_BUSY
        // in a commit): Kysely's ROLLBACK then fails with "cannot rollback - no transaction is
        // active" and that error replaces the one that says what happened. It is a no-op instead.
        if (source === 'rollback' && !target.inTransaction) return NO_OP_STATEMENT
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
  // Deleted rows are overwritten with zeros, not left in free space: a purged account's email,
  // username and phone are gone from the file once the write-ahead log is checkpointed.
  sqlite.pragma('secure_delete = ON')
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
    // On the connection Kysely shares: the write waits its turn like any other (SQLite has one writer).
    pingWrite: async () => {
      await sql.raw(WRITE_PROBE.replace('$1', String(Date.now()))).execute(db)
    },
    maintain: async (statement) => {
      await sql.raw(statement).execute(db)
    },
    close: () => db.destroy(),
  }
}

export const openDatabase = async (opts: {
  databaseUrl?: string | undefined
  dataDir: string
  dbConnectTimeoutMs?: number
  dbStatementTimeoutMs?: number
}): Promise<SqlDatabase> => {
  if (opts.databaseUrl)
    return openPostgres(opts.databaseUrl, 10, {
      connectTimeoutMs: opts.dbConnectTimeoutMs ?? DEFAULT_POSTGRES_DEADLINES.connectTimeoutMs,
      statementTimeoutMs: opts.dbStatementTimeoutMs ?? DEFAULT_POSTGRES_DEADLINES.statementTimeoutMs,
    })
  makePrivateDir(opts.dataDir)
  return openSqlite(join(opts.dataDir, SQLITE_FILE_NAME))
}
