import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { SqlAccountImports } from '../../src/adapters/sql/account-imports-repository.js'
import type { SqlDatabase } from '../../src/adapters/sql/database.js'
import type { ImportedAccount } from '../../src/modules/admin/imports/ports.js'
import { timeOrderedId } from '../../src/modules/admin/imports/run.js'
import { databaseKinds } from '../helpers/databases.js'
import { T0, unique, useSuiteDatabase } from './fixtures.js'

/* The AccountImportRepository contract (src/modules/admin/imports/ports.ts): batches written at once. */

describe.each(databaseKinds())('AccountImportRepository on %s', (kind) => {
  const suite = useSuiteDatabase(kind)
  const repoOn = (d: SqlDatabase) => new SqlAccountImports(d.db, d.dialect, d.maintain)
  const repo = () => repoOn(suite.database)

  /** An account of the file, written with a new id each time a batch names it. */
  const account = (
    key: string,
    at: number,
    username = `user_${key}`,
    email = `${key}@example.org`,
  ): ImportedAccount => ({
    id: timeOrderedId(at),
    externalId: `ext-${username}`,
    username,
    email,
    emailNorm: email,
    emailVerifiedAt: at,
    phone: null,
    phoneVerifiedAt: null,
    role: 'user',
    locale: null,
    createdAt: at,
    passwordHash: '$2b$04$abcdefghijklmnopqrstuuOzO3rjF4m3vqN1Q3k4G5m5pJrG1Vd2W',
    totpSealed: null,
  })

  it('writes each account once when simultaneous batches name the same accounts in opposite orders', async () => {
    const others = kind === 'postgres' ? await Promise.all([1, 2, 3].map(() => suite.openAnother())) : []
    const repos = [suite.database, ...others].map(repoOn)
    // More than one transaction's worth (PostgreSQL writes a large batch in two halves at once).
    const keys = Array.from({ length: 1_200 }, () => unique())
    const batches = 12
    const written = await Promise.all(
      Array.from({ length: batches }, (_, b) => {
        const ordered = b % 2 ? [...keys].reverse() : keys
        return repos[b % repos.length]!.insertAccounts(
          ordered.map((k) => account(k, T0 + b)),
          T0 + b,
        )
      }),
    )
    // Every account by exactly one batch: the sets are disjoint and cover the file.
    expect(written.reduce((n, s) => n + s.size, 0)).toBe(keys.length)
    expect(new Set(written.flatMap((s) => [...s])).size).toBe(keys.length)
    const rows = await suite.database.db
      .selectFrom('accounts')
      .select(['id', 'username'])
      .where(
        'username',
        'in',
        keys.map((k) => `user_${k}`),
      )
      .execute()
    expect(rows).toHaveLength(keys.length)
    const ids = new Set(written.flatMap((s) => [...s]))
    for (const r of rows) expect(ids.has(r.id)).toBe(true)
  }, 120_000)

  it('writes batches whose rows collide on different identifiers at the same time (a deadlock is written again)', async () => {
    // Each batch takes one email of each key (its first usernames), then the other's (its later
    // ones). On PostgreSQL a third transaction holds a username that sorts between the two halves
    // of each batch until both batches wait for it: then each waits for the other, and one is
    // rolled back by the server and written again.
    const keys = Array.from({ length: 200 }, () => unique())
    const first = keys.flatMap((k) => [
      account(k, T0, `a_${k}`, `one-${k}@example.org`),
      account(k, T0, `c_${k}`, `two-${k}@example.org`),
    ])
    const second = keys.flatMap((k) => [
      account(k, T0, `b_${k}`, `two-${k}@example.org`),
      account(k, T0, `d_${k}`, `one-${k}@example.org`),
    ])
    const hold = [`b~${unique()}`, `c~${unique()}`]
    first.push(account(unique(), T0, hold[0]))
    second.push(account(unique(), T0, hold[1]))
    let written: Set<string>[]
    if (kind !== 'postgres')
      written = await Promise.all([repo().insertAccounts(first, T0), repo().insertAccounts(second, T0)])
    else {
      const [one, two, holder] = await Promise.all([1, 2, 3].map(() => suite.openAnother()))
      let batches: Promise<Set<string>[]> | undefined
      await holder!.db
        .transaction()
        .execute(async (trx) => {
          for (const username of hold) {
            await sql`insert into accounts (id, username, email, email_norm, role, created_at, password_hash,
              password_changed_at, updated_at, must_change_password)
              values (${timeOrderedId(T0)}, ${username}, ${`${username}@example.org`}, ${`${username}@example.org`},
              'user', ${T0}, 'x', ${T0}, ${T0}, 0)`.execute(trx)
          }
          // Started once the usernames are held: each batch stops at the one it sorts before.
          batches = Promise.all([
            repoOn(one!).insertAccounts(first, T0),
            repoOn(two!).insertAccounts(second, T0),
          ])
          await waitForLockWaits(2)
          throw new Error('rolled back')
        })
        .catch((e: Error) => expect(e.message).toBe('rolled back'))
      written = await batches!
    }
    // Two accounts for each key, whichever batch wrote them: each email is held once.
    expect(written[0]!.size + written[1]!.size).toBe(2 * keys.length + hold.length)
    const held = await suite.database.db
      .selectFrom('accounts')
      .select('email_norm')
      .where(
        'email_norm',
        'in',
        keys.flatMap((k) => [`one-${k}@example.org`, `two-${k}@example.org`]),
      )
      .execute()
    expect(held).toHaveLength(2 * keys.length)
  }, 60_000)

  /** Waits until `n` statements of the suite's database wait for a lock (PostgreSQL). */
  const waitForLockWaits = async (n: number) => {
    for (let i = 0; i < 400; i++) {
      const r = await sql<{ n: string }>`select count(*) as n from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock'`.execute(suite.database.db)
      if (Number(r.rows[0]!.n) >= n) return
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
    throw new Error(`fewer than ${n} statements waited for a lock`)
  }
})
