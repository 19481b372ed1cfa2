import { describe, expect, it } from 'vitest'
import { createSqlStore } from '../../src/adapters/sql/store.js'
import { PhoneTakenConflict } from '../../src/modules/accounts/ports.js'
import { databaseKinds } from '../helpers/databases.js'
import { roomyOutbox } from '../helpers/outbound.js'
import { HOUR, MINUTE, newAccount, newToken, T0, unique, useSuiteDatabase } from './fixtures.js'

/* The phone and lock operations of the AccountRepository contract (src/modules/accounts/ports.ts). */

let phoneCounter = 1000
/** A valid US number no other test of this file uses. */
const nextPhone = () => `+1415555${String(phoneCounter++)}`

describe.each(databaseKinds())('AccountRepository phone operations on %s', (kind) => {
  const suite = useSuiteDatabase(kind)
  const create = async (overrides = {}) => {
    const a = newAccount(overrides)
    await suite.store.accounts.create(a)
    return a
  }

  it('sets a number unverified, verifies it, and a new number drops the verification', async () => {
    const a = await create()
    const first = nextPhone()
    await suite.store.accounts.setPhone(a.id, first, T0)
    expect(await suite.store.accounts.findById(a.id)).toMatchObject({ phone: first, phoneVerifiedAt: null })
    expect(await suite.store.accounts.findByVerifiedPhone(first)).toBeNull()
    expect(await suite.store.accounts.markPhoneVerified(a.id, first, T0 + 1)).toBe(true)
    expect((await suite.store.accounts.findByVerifiedPhone(first))?.id).toBe(a.id)

    const second = nextPhone()
    await suite.store.accounts.setPhone(a.id, second, T0 + 2)
    expect(await suite.store.accounts.findById(a.id)).toMatchObject({ phone: second, phoneVerifiedAt: null })
    expect(await suite.store.accounts.findByVerifiedPhone(first)).toBeNull()
    // Verifying a number the account no longer has does nothing.
    expect(await suite.store.accounts.markPhoneVerified(a.id, first, T0 + 3)).toBe(false)
    await suite.store.accounts.setPhone(a.id, null, T0 + 4)
    expect(await suite.store.accounts.findById(a.id)).toMatchObject({ phone: null, phoneVerifiedAt: null })
  })

  it('throws PhoneTakenConflict for a number another account has verified, and changes nothing', async () => {
    const a = await create()
    const b = await create()
    const p = nextPhone()
    await suite.store.accounts.setPhone(a.id, p, T0)
    await suite.store.accounts.markPhoneVerified(a.id, p, T0)
    await suite.store.accounts.setPhone(b.id, p, T0)
    await expect(suite.store.accounts.markPhoneVerified(b.id, p, T0 + 1)).rejects.toBeInstanceOf(
      PhoneTakenConflict,
    )
    expect((await suite.store.accounts.findById(b.id))?.phoneVerifiedAt).toBeNull()
    expect((await suite.store.accounts.findByVerifiedPhone(p))?.id).toBe(a.id)
  })

  it.runIf(kind === 'postgres')(
    'throws PhoneTakenConflict to the loser of two accounts racing for one number',
    async () => {
      const a = await create()
      const b = await create()
      const p = nextPhone()
      await suite.store.accounts.setPhone(a.id, p, T0)
      await suite.store.accounts.setPhone(b.id, p, T0)
      const otherStore = createSqlStore(await suite.openAnother(), roomyOutbox)

      let releaseFirst!: () => void
      const held = new Promise<void>((r) => {
        releaseFirst = r
      })
      let firstMarked!: () => void
      const marked = new Promise<void>((r) => {
        firstMarked = r
      })
      // The first transaction marks A verified and holds its commit; the second passes the pre-check
      // (A's row is not committed yet) and then waits on the unique index until the first commits.
      const first = suite.store.transaction(async (tx) => {
        const ok = await tx.accounts.markPhoneVerified(a.id, p, T0 + 1)
        firstMarked()
        await held
        return ok
      })
      await marked
      // Settled at once: the loser may be refused before the winner's commit resumes this test, and
      // a refusal nobody listens to yet would count as an unhandled rejection.
      const second = otherStore
        .transaction((tx) => tx.accounts.markPhoneVerified(b.id, p, T0 + 1))
        .then(
          (value) => ({ value }),
          (error: unknown) => ({ error }),
        )
      await new Promise((r) => setTimeout(r, 100))
      releaseFirst()
      expect(await first).toBe(true)
      const outcome = await second
      expect('error' in outcome && outcome.error).toBeInstanceOf(PhoneTakenConflict)
      expect((await suite.store.accounts.findByVerifiedPhone(p))?.id).toBe(a.id)
      expect((await suite.store.accounts.findById(b.id))?.phoneVerifiedAt).toBeNull()
    },
  )

  it('locks and returns an account by id, and a pending one by address only while unverified', async () => {
    const a = await create()
    expect((await suite.store.transaction((tx) => tx.accounts.lockById(a.id)))?.id).toBe(a.id)
    expect(await suite.store.accounts.lockById('00000000-0000-4000-8000-000000000000')).toBeNull()
    expect((await suite.store.accounts.lockUnverifiedByEmail(a.emailNorm))?.id).toBe(a.id)
    expect(await suite.store.accounts.lockUnverifiedByEmail(`nobody${unique()}@example.org`)).toBeNull()
    await suite.store.accounts.markEmailVerified(a.id, T0)
    expect(await suite.store.accounts.lockUnverifiedByEmail(a.emailNorm)).toBeNull()
    // Locking changes nothing.
    expect(await suite.store.accounts.findById(a.id)).toMatchObject({ emailVerifiedAt: T0, createdAt: T0 })
  })

  it('lists token creation times since a moment and finds the newest live token of a purpose', async () => {
    const a = await create()
    const old = newToken(a.id, 'verify_phone', { createdAt: T0 - 2 * HOUR, expiresAt: T0 - HOUR })
    const used = newToken(a.id, 'verify_phone', { createdAt: T0 - 10 * MINUTE })
    const live = newToken(a.id, 'verify_phone', { createdAt: T0 - 5 * MINUTE })
    const otherPurpose = newToken(a.id, 'verify_email', { createdAt: T0 })
    for (const t of [old, used, live, otherPurpose]) await suite.store.tokens.issue(t)
    await suite.store.tokens.consume(used.tokenHash, 'verify_phone', T0 - 9 * MINUTE)

    const times = await suite.store.accounts.tokenTimesSince(a.id, 'verify_phone', T0 - HOUR)
    expect(times.sort()).toEqual([T0 - 10 * MINUTE, T0 - 5 * MINUTE])
    expect(await suite.store.accounts.newestLiveToken(a.id, 'verify_phone', T0)).toEqual({
      tokenHash: live.tokenHash,
      attempts: 0,
    })
    await suite.store.tokens.recordFailedAttempt(live.tokenHash)
    expect((await suite.store.accounts.newestLiveToken(a.id, 'verify_phone', T0))?.attempts).toBe(1)
    expect(await suite.store.accounts.newestLiveToken(a.id, 'verify_phone', T0 + 2 * HOUR)).toBeNull()
    expect(await suite.store.accounts.tokenHashExists(used.tokenHash)).toBe(true)
    expect(await suite.store.accounts.tokenHashExists('0'.repeat(64))).toBe(false)
  })
})
