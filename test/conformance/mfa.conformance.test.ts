import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SqlDatabase } from '../../src/adapters/sql/database.js'
import { SqlMfaFactorRepository } from '../../src/adapters/sql/mfa-repository.js'
import { ManualClock } from '../../src/kernel/clock.js'
import { SecretBox } from '../../src/kernel/secret-box.js'
import { newId } from '../../src/kernel/tokens.js'
import { enrolConfirmedTotp, StoredSecondFactors } from '../../src/modules/mfa/second-factors.js'
import { totpCodeAt, totpStepAt } from '../../src/modules/mfa/totp.js'
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases.js'

/*
 * The second-factor store and check on every database: SQLite always, PostgreSQL when
 * TEST_DATABASE_URL is set. Concurrency tests use separate connections (one SqlDatabase each).
 */

const STEP = 30_000

describe.each(databaseKinds())('second factors on %s', (kind) => {
  let testDb: TestDatabase
  let database: SqlDatabase
  const extra: SqlDatabase[] = []
  const box = new SecretBox(randomBytes(32))
  // Mid-step, so that the steps either side are inside the ±1 window.
  const clock = new ManualClock(Math.floor(Date.UTC(2026, 0, 1) / STEP) * STEP + 10_000)

  beforeAll(async () => {
    testDb = await createTestDatabase(kind)
    database = await testDb.open()
  })
  afterAll(async () => {
    for (const d of extra) await d.close()
    await database?.close()
    await testDb?.drop()
  })

  const repo = () => new SqlMfaFactorRepository(database.db)
  const deps = () => ({ factors: repo(), box, clock })

  const newAccount = async (): Promise<string> => {
    const id = newId()
    const now = clock.now()
    const name = `u${id.replaceAll('-', '').slice(0, 16)}`
    await database.db
      .insertInto('accounts')
      .values({
        id,
        username: name,
        email: `${name}@example.test`,
        email_norm: `${name}@example.test`,
        phone: null,
        phone_verified_at: null,
        password_hash: 'x',
        role: 'user',
        email_verified_at: now,
        must_change_password: 0,
        password_changed_at: now,
        created_at: now,
        updated_at: now,
        locked_at: null,
      })
      .execute()
    return id
  }

  it('counts only confirmed factors; pending ones are neither listed nor checked', async () => {
    const accountId = await newAccount()
    const factors = repo()
    const second = new StoredSecondFactors(deps())
    expect(await second.has(accountId)).toBe(false)
    const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'
    const factorId = newId()
    await factors.create({
      id: factorId,
      accountId,
      kind: 'totp',
      secretSealed: box.seal(secret, accountId),
      lastUsedStep: null,
      confirmedAt: null,
      createdAt: clock.now(),
    })
    expect(await factors.hasConfirmed(accountId)).toBe(false)
    expect(await second.has(accountId)).toBe(false)
    expect(await factors.listConfirmed(accountId)).toEqual([])
    expect(await second.verify(accountId, totpCodeAt(secret, clock.now()))).toBe('wrong')

    await factors.confirm(factorId, clock.now())
    expect(await second.has(accountId)).toBe(true)
    expect(await factors.listConfirmed(accountId)).toEqual([
      {
        id: factorId,
        accountId,
        kind: 'totp',
        secretSealed: expect.any(String),
        lastUsedStep: null,
        confirmedAt: clock.now(),
        createdAt: clock.now(),
      },
    ])
    expect(await factors.deleteForAccount(accountId)).toBe(1)
    expect(await second.has(accountId)).toBe(false)
  })

  it('accepts the current code once and answers its replay as used', async () => {
    const accountId = await newAccount()
    const { secret, factorId } = await enrolConfirmedTotp(deps(), accountId)
    const second = new StoredSecondFactors(deps())
    expect(await second.has(accountId)).toBe(true)
    const code = totpCodeAt(secret, clock.now())
    expect(await second.verify(accountId, code)).toBe('ok')
    expect(await second.verify(accountId, code)).toBe('used')
    // Still inside the window a step later: the step was used, so still refused.
    clock.advance(STEP)
    expect(await second.verify(accountId, code)).toBe('used')
    const [factor] = await repo().listConfirmed(accountId)
    expect(factor?.id).toBe(factorId)
    expect(factor?.lastUsedStep).toBe(totpStepAt(clock.now() - STEP))
    // The next step's code works.
    expect(await second.verify(accountId, totpCodeAt(secret, clock.now()))).toBe('ok')
  })

  it('refuses wrong, malformed and out-of-window codes', async () => {
    const accountId = await newAccount()
    const { secret } = await enrolConfirmedTotp(deps(), accountId)
    const second = new StoredSecondFactors(deps())
    const code = totpCodeAt(secret, clock.now())
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0')
    expect(await second.verify(accountId, wrong)).toBe('wrong')
    expect(await second.verify(accountId, `${code} `)).toBe('wrong')
    expect(await second.verify(accountId, code.slice(1))).toBe('wrong')
    expect(await second.verify(accountId, totpCodeAt(secret, clock.now() - 2 * STEP))).toBe('wrong')
    expect(await second.verify(accountId, totpCodeAt(secret, clock.now() + 2 * STEP))).toBe('wrong')
    expect(await second.verify(await newAccount(), code)).toBe('wrong')
    expect(await second.verify(accountId, code)).toBe('ok')
  })

  it('never lets two removals at once take the last two confirmed factors', async () => {
    for (let round = 0; round < 5; round++) {
      const accountId = await newAccount()
      const first = await enrolConfirmedTotp(deps(), accountId)
      const second = await enrolConfirmedTotp(deps(), accountId)
      // PostgreSQL: two connections. SQLite: one process has one connection (a second one in the
      // same process would block the thread that holds the lock), so two calls share it.
      const connections: SqlDatabase[] =
        kind === 'postgres' ? await Promise.all([testDb.open(), testDb.open()]) : []
      extra.push(...connections)
      if (connections.length === 0) connections.push(database, database)
      const results = await Promise.all(
        [first.factorId, second.factorId].map((id, i) =>
          new SqlMfaFactorRepository(connections[i]!.db).deleteOne(accountId, id, {
            keepOneConfirmed: true,
          }),
        ),
      )
      expect(results.filter((r) => r === 'last')).toHaveLength(1)
      expect(await repo().hasConfirmed(accountId)).toBe(true)
      // Without the condition, the last one goes.
      const left = (await repo().listAll(accountId))[0]!
      expect(await repo().deleteOne(accountId, left.id, { keepOneConfirmed: true })).toBe('last')
      expect(await repo().deleteOne(accountId, left.id)).toMatchObject({ id: left.id })
    }
  })

  it('counts only the kinds in keepOneOf: other factors go freely, the last of those kinds stays', async () => {
    const accountId = await newAccount()
    const totp = await enrolConfirmedTotp(deps(), accountId)
    const emailId = newId()
    await repo().create({
      id: emailId,
      accountId,
      kind: 'email',
      secretSealed: '',
      lastUsedStep: null,
      confirmedAt: clock.now(),
      createdAt: clock.now(),
    })
    const strong = { keepOneConfirmed: true, keepOneOf: ['totp', 'webauthn'] as const }
    // The email factor does not count as the one kept: the TOTP factor cannot go.
    expect(await repo().deleteOne(accountId, totp.factorId, strong)).toBe('last')
    expect(await repo().deleteOne(accountId, emailId, strong)).toMatchObject({ id: emailId, kind: 'email' })
    expect(await repo().deleteOne(accountId, totp.factorId, strong)).toBe('last')
    expect((await repo().listAll(accountId)).map((f) => f.kind)).toEqual(['totp'])
  })

  it('accepts a valid code for exactly one of 10 concurrent callers on separate connections', async () => {
    const accountId = await newAccount()
    const { secret, factorId } = await enrolConfirmedTotp(deps(), accountId)
    const connections = await Promise.all(Array.from({ length: 10 }, () => testDb.open()))
    extra.push(...connections)
    const checkers = connections.map(
      (c) => new StoredSecondFactors({ factors: new SqlMfaFactorRepository(c.db), box, clock }),
    )
    const code = totpCodeAt(secret, clock.now())
    const results = await Promise.all(checkers.map((s) => s.verify(accountId, code)))
    expect(results.filter((r) => r === 'ok')).toHaveLength(1)
    // The others hear that the code was used, not that it was wrong.
    expect(results.filter((r) => r === 'used')).toHaveLength(9)

    // The repository primitive on its own, same contract.
    const step = totpStepAt(clock.now()) + 1
    const marked = await Promise.all(
      connections.map((c) => new SqlMfaFactorRepository(c.db).markStepUsed(factorId, step)),
    )
    expect(marked.filter(Boolean)).toHaveLength(1)
  })

  it("refuses the previous step's code once a newer step was used", async () => {
    const accountId = await newAccount()
    const { secret } = await enrolConfirmedTotp(deps(), accountId)
    const second = new StoredSecondFactors(deps())
    const now = clock.now()
    const previous = totpCodeAt(secret, now - STEP)
    expect(await second.verify(accountId, totpCodeAt(secret, now))).toBe('ok')
    expect(await second.verify(accountId, previous)).toBe('used')
    // And a newer step (clock skew: the next step's code) moves it forward again.
    expect(await second.verify(accountId, totpCodeAt(secret, now + STEP))).toBe('ok')
    expect(await second.verify(accountId, totpCodeAt(secret, now))).toBe('used')
  })

  it("does not open a secret sealed for account A in account B's row", async () => {
    const a = await newAccount()
    const b = await newAccount()
    const { secret } = await enrolConfirmedTotp(deps(), a)
    const [factorA] = await repo().listConfirmed(a)
    const unreadable: string[] = []
    const second = new StoredSecondFactors({ ...deps(), onUnreadable: (id) => unreadable.push(id) })
    const movedId = newId()
    await repo().create({ ...factorA!, id: movedId, accountId: b, lastUsedStep: null })
    expect(() => box.open(factorA!.secretSealed, b)).toThrow()
    expect(await second.has(b)).toBe(true)
    const code = totpCodeAt(secret, clock.now())
    expect(await second.verify(b, code)).toBe('wrong')
    expect(unreadable).toEqual([movedId])
    expect(await second.verify(a, code)).toBe('ok')
  })
})
