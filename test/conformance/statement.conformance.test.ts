import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { SqlAccountRepository } from '../../src/adapters/sql/accounts-repository.js'
import { statement } from '../../src/adapters/sql/statement.js'
import { databaseKinds } from '../helpers/databases.js'
import { newAccount, T0, useSuiteDatabase } from './fixtures.js'

/*
 * Statements compiled once and run with new values (src/adapters/sql/statement.ts): every run must
 * see its own values in their places, the constants built in must stay, and a write that the
 * session cache must hear of must be refused rather than slip past it.
 */

describe.each(databaseKinds())('statements compiled once, on %s', (kind) => {
  const suite = useSuiteDatabase(kind)

  const byUsernameSince = statement((db, v: { username: string; since: number }) =>
    db
      .selectFrom('accounts')
      .select(['id', 'username'])
      .where('username', '=', v.username)
      .where('created_at', '>=', v.since)
      .where('role', '=', 'user'),
  )

  it('runs each time with that run’s values, and keeps the constants it was built with', async () => {
    const [a, b] = [newAccount(), newAccount()]
    const admin = newAccount({ role: 'admin' })
    for (const x of [a, b, admin]) await suite.store.accounts.create(x)
    const db = suite.database.db
    expect((await byUsernameSince.run(db, { username: a.username, since: T0 })).rows).toEqual([
      { id: a.id, username: a.username },
    ])
    expect((await byUsernameSince.run(db, { username: b.username, since: T0 })).rows).toEqual([
      { id: b.id, username: b.username },
    ])
    // The same value twice in one statement, and a value that excludes the row.
    expect((await byUsernameSince.run(db, { username: b.username, since: T0 + 1 })).rows).toEqual([])
    // `role = 'user'` was built in: an admin is never found, whatever the values.
    expect((await byUsernameSince.run(db, { username: admin.username, since: 0 })).rows).toEqual([])
  })

  it('runs inside a transaction of the same database, and sees its uncommitted rows', async () => {
    const a = newAccount()
    const db = suite.database.db
    await db
      .transaction()
      .execute(async (trx) => {
        await new SqlAccountRepository(trx).create(a)
        expect((await byUsernameSince.run(trx, { username: a.username, since: T0 })).rows).toHaveLength(1)
        throw new Error('roll back')
      })
      .catch((err: Error) => expect(err.message).toBe('roll back'))
    expect((await byUsernameSince.run(db, { username: a.username, since: T0 })).rows).toHaveLength(0)
  })

  it('refuses a write that changes what a session check answers, and a run without a value', async () => {
    const db = suite.database.db
    const revoke = statement((d, v: { id: string; at: number }) =>
      d.updateTable('sessions').set({ revoked_at: v.at }).where('id', '=', v.id),
    )
    await expect(revoke.run(db, { id: 'x', at: T0 })).rejects.toThrow(/session cache/)
    const rename = statement((d, v: { id: string; username: string }) =>
      d.updateTable('accounts').set({ username: v.username }).where('id', '=', v.id),
    )
    await expect(rename.run(db, { id: 'x', username: 'y' })).rejects.toThrow(/session cache/)
    await expect(
      byUsernameSince.run(db, { username: 'someone' } as { username: string; since: number }),
    ).rejects.toThrow(/no value for "since"/)
    // A stand-in used as SQL text (here an identifier) instead of a value is refused.
    const misplaced = statement((d, v: { column: string }) =>
      d.selectFrom('accounts').select(sql.ref<string>(String(v.column)).as('x')),
    )
    await expect(misplaced.run(db, { column: 'username' })).rejects.toThrow(/not a parameter/)
  })
})
