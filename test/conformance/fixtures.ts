import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import { afterAll, beforeAll } from 'vitest'
import type { SqlDatabase } from '../../src/adapters/sql/database.js'
import type { Database } from '../../src/adapters/sql/schema.js'
import { createSqlStore, type SqlStore } from '../../src/adapters/sql/store.js'
import { hashToken } from '../../src/kernel/tokens.js'
import type { NewAccount } from '../../src/modules/accounts/ports.js'
import type { IssuedToken, TokenPurpose } from '../../src/modules/tokens/ports.js'
import { createTestDatabase, type DatabaseKind, type TestDatabase } from '../helpers/databases.js'
import { roomyOutbox } from '../helpers/outbound.js'

/*
 * Shared set-up for the storage conformance suites: one fresh, migrated database per suite
 * and database kind, shared by the suite's tests. Tests stay independent by using their own
 * accounts (unique names), and the few operations that act on the whole table (claims,
 * pruning) either empty the table first or work in a time range no other test uses.
 */

/** "Now" for most tests: a fixed instant, so expiry arithmetic is exact. */
export const T0 = Date.UTC(2026, 0, 15, 12)
/** A time range far before T0, for pruning tests: nothing else in the suite lives there. */
export const ANCIENT = Date.UTC(2001, 0, 1)

export const MINUTE = 60_000
export const HOUR = 60 * MINUTE
export const DAY = 24 * HOUR

let counter = 0
/** A short string no other call (in this process) returns. */
export const unique = (): string => `${++counter}${randomUUID().slice(0, 8)}`

export const newAccount = (overrides: Partial<NewAccount> = {}): NewAccount => {
  const name = `user${unique()}`
  return {
    id: randomUUID(),
    username: name,
    email: `${name}@Example.org`,
    emailNorm: `${name}@example.org`,
    phone: null,
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g',
    role: 'user',
    mustChangePassword: false,
    passwordChangedAt: T0,
    createdAt: T0,
    ...overrides,
  }
}

export const newToken = (
  accountId: string,
  purpose: TokenPurpose = 'verify_email',
  overrides: Partial<IssuedToken> = {},
): IssuedToken & { secret: string } => {
  const secret = `secret-${unique()}`
  return {
    id: randomUUID(),
    tokenHash: hashToken(secret),
    accountId,
    purpose,
    expiresAt: T0 + HOUR,
    createdAt: T0,
    secret,
    ...overrides,
  }
}

export interface Suite {
  kind: DatabaseKind
  testDb: TestDatabase
  /** The suite's main connection (a pool on PostgreSQL). */
  database: SqlDatabase
  store: SqlStore
  /** Opens another, separate connection to the same database; closed after the suite. */
  openAnother(): Promise<SqlDatabase>
  /** Rows in a table, optionally only those of one account. */
  count(table: keyof Database & string, accountId?: string): Promise<number>
}

/**
 * Creates the suite's database before its tests and closes every connection and drops the
 * database after them. Call it in a `describe` body; read the fields inside tests or hooks.
 */
export const useSuiteDatabase = (kind: DatabaseKind): Suite => {
  const extra: SqlDatabase[] = []
  const suite = { kind } as Suite
  beforeAll(async () => {
    suite.testDb = await createTestDatabase(kind)
    suite.database = await suite.testDb.open()
    suite.store = createSqlStore(suite.database, roomyOutbox)
  })
  afterAll(async () => {
    for (const d of extra.splice(0)) await d.close()
    await suite.database?.close()
    await suite.testDb?.drop()
  })
  suite.openAnother = async () => {
    const d = await suite.testDb.open()
    extra.push(d)
    return d
  }
  suite.count = async (table, accountId) => {
    // The tables are typed per name; counting needs only the shared `account_id` column.
    const db = suite.database.db as unknown as Kysely<Record<string, { account_id: string | null }>>
    let q = db.selectFrom(table).select((eb) => eb.fn.countAll<number | string>().as('n'))
    if (accountId !== undefined) q = q.where('account_id', '=', accountId)
    const row = await q.executeTakeFirstOrThrow()
    return Number(row.n)
  }
  return suite
}
