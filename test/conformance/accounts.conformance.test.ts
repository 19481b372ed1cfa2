import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { databaseKinds } from '../helpers/databases.js'
import { ANCIENT, DAY, HOUR, MINUTE, newAccount, newToken, T0, unique, useSuiteDatabase } from './fixtures.js'

/* The AccountRepository contract (src/modules/accounts/ports.ts) and the store's transaction. */

describe.each(databaseKinds())('AccountRepository on %s', (kind) => {
  const suite = useSuiteDatabase(kind)

  /** Marks a phone verified directly: the port has no operation for it yet. */
  const verifyPhone = (id: string, at: number) =>
    suite.database.db.updateTable('accounts').set({ phone_verified_at: at }).where('id', '=', id).execute()

  describe('create and find', () => {
    it('creates an account and finds it by id, username and normalised email, with every field', async () => {
      const a = newAccount({ role: 'admin', mustChangePassword: true, phone: '+14155550100' })
      expect(await suite.store.accounts.create(a)).toEqual({ ok: true })
      const expected = {
        id: a.id,
        username: a.username,
        email: a.email,
        emailNorm: a.emailNorm,
        phone: '+14155550100',
        phoneVerifiedAt: null,
        passwordHash: a.passwordHash,
        role: 'admin',
        emailVerifiedAt: null,
        mustChangePassword: true,
        passwordChangedAt: T0,
        createdAt: T0,
        resetLock: false,
        lockedAt: null,
        disabledAt: null,
        passwordResetRequired: false,
        mfaEnrolmentRequired: false,
        locale: null,
      }
      expect(await suite.store.accounts.findById(a.id)).toEqual(expected)
      expect(await suite.store.accounts.findByUsername(a.username)).toEqual(expected)
      expect(await suite.store.accounts.findByEmail(a.emailNorm)).toEqual(expected)
    })

    it('stores the language given at creation, and a new one', async () => {
      const a = newAccount({ locale: 'de' })
      expect(await suite.store.accounts.create(a)).toEqual({ ok: true })
      expect((await suite.store.accounts.findById(a.id))?.locale).toBe('de')
      expect(await suite.store.accounts.setLocale(a.id, 'en', T0 + 1)).toBe(true)
      expect((await suite.store.accounts.findById(a.id))?.locale).toBe('en')
      expect(await suite.store.accounts.setLocale('no-such-account', 'de', T0 + 1)).toBe(false)
    })

    it('keeps the email as typed and looks it up by its normalised form only', async () => {
      const a = newAccount()
      a.email = `Mixed.Case.${unique()}@Example.ORG`
      a.emailNorm = a.email.toLowerCase()
      await suite.store.accounts.create(a)
      const found = await suite.store.accounts.findByEmail(a.emailNorm)
      expect(found?.email).toBe(a.email)
      expect(found?.emailNorm).toBe(a.emailNorm)
      expect(await suite.store.accounts.findByEmail(a.email)).toBeNull()
    })

    it('stores an email verification time given at creation', async () => {
      const a = newAccount({ emailVerifiedAt: T0 + 5 })
      await suite.store.accounts.create(a)
      expect((await suite.store.accounts.findById(a.id))?.emailVerifiedAt).toBe(T0 + 5)
    })

    it('returns null for an unknown id, username or email', async () => {
      expect(await suite.store.accounts.findById('00000000-0000-4000-8000-000000000000')).toBeNull()
      expect(await suite.store.accounts.findByUsername(`nobody${unique()}`)).toBeNull()
      expect(await suite.store.accounts.findByEmail(`nobody${unique()}@example.org`)).toBeNull()
    })

    it('reads a username with its reservation in one row, whether either exists', async () => {
      const { accounts } = suite.store
      const a = newAccount()
      await accounts.create(a)
      expect(await accounts.findByUsernameWithReservation(a.username)).toEqual({
        account: await accounts.findById(a.id),
        reservedHash: null,
      })
      const reserved = `reserved${unique()}`
      expect(await accounts.reserveUsername(reserved, T0, T0 + DAY, 'reservation-hash')).toBe(true)
      expect(await accounts.findByUsernameWithReservation(reserved)).toEqual({
        account: null,
        reservedHash: 'reservation-hash',
      })
      // A name both held by an account and reserved (a reservation outlives its sign-up's account).
      const both = newAccount()
      await accounts.create(both)
      expect(await accounts.reserveUsername(both.username, T0, T0 + DAY, 'other-hash')).toBe(true)
      const read = await accounts.findByUsernameWithReservation(both.username)
      expect(read.account?.id).toBe(both.id)
      expect(read.account?.passwordHash).toBe(both.passwordHash)
      expect(read.reservedHash).toBe('other-hash')
      expect(await accounts.findByUsernameWithReservation(`nobody${unique()}`)).toEqual({
        account: null,
        reservedHash: null,
      })
      // The name is a value, never SQL.
      expect(await accounts.findByUsernameWithReservation(`x' or '1'='1`)).toEqual({
        account: null,
        reservedHash: null,
      })
    })

    it('refuses a duplicate username with conflict "username" and writes nothing', async () => {
      const a = newAccount()
      await suite.store.accounts.create(a)
      const before = await suite.count('accounts')
      const dup = newAccount({ username: a.username, passwordHash: 'other-hash' })
      expect(await suite.store.accounts.create(dup)).toEqual({ ok: false, conflict: 'username' })
      expect(await suite.count('accounts')).toBe(before)
      expect(await suite.store.accounts.findById(dup.id)).toBeNull()
      expect(await suite.store.accounts.findByEmail(dup.emailNorm)).toBeNull()
      expect((await suite.store.accounts.findByUsername(a.username))?.passwordHash).toBe(a.passwordHash)
    })

    it('refuses a duplicate normalised email with conflict "email" and writes nothing', async () => {
      const a = newAccount()
      await suite.store.accounts.create(a)
      const before = await suite.count('accounts')
      const dup = newAccount({ emailNorm: a.emailNorm, email: a.emailNorm.toUpperCase() })
      expect(await suite.store.accounts.create(dup)).toEqual({ ok: false, conflict: 'email' })
      expect(await suite.count('accounts')).toBe(before)
      expect(await suite.store.accounts.findById(dup.id)).toBeNull()
      expect(await suite.store.accounts.findByUsername(dup.username)).toBeNull()
      expect((await suite.store.accounts.findByEmail(a.emailNorm))?.id).toBe(a.id)
    })
  })

  describe('requirePasswordChange', () => {
    it('sets the flag only while the stored hash is the one checked', async () => {
      const a = newAccount({ passwordHash: 'checked-hash' })
      await suite.store.accounts.create(a)
      expect(await suite.store.accounts.requirePasswordChange(a.id, 'another-hash', T0 + 1)).toBe(false)
      expect((await suite.store.accounts.findById(a.id))?.mustChangePassword).toBe(false)
      expect(await suite.store.accounts.requirePasswordChange(a.id, 'checked-hash', T0 + 1)).toBe(true)
      expect((await suite.store.accounts.findById(a.id))?.mustChangePassword).toBe(true)
      expect(await suite.store.accounts.requirePasswordChange(randomUUID(), 'checked-hash', T0 + 1)).toBe(
        false,
      )
    })
  })

  describe('transactions', () => {
    it('does not abort the transaction on a conflict: later writes in it still commit', async () => {
      const taken = newAccount()
      await suite.store.accounts.create(taken)
      const later = newAccount()
      const results = await suite.store.transaction(async (tx) => {
        const clash = await tx.accounts.create(newAccount({ username: taken.username }))
        const clashEmail = await tx.accounts.create(newAccount({ emailNorm: taken.emailNorm }))
        const created = await tx.accounts.create(later)
        await tx.tokens.issue(newToken(later.id))
        return [clash, clashEmail, created]
      })
      expect(results).toEqual([
        { ok: false, conflict: 'username' },
        { ok: false, conflict: 'email' },
        { ok: true },
      ])
      expect((await suite.store.accounts.findById(later.id))?.username).toBe(later.username)
      expect(await suite.count('one_time_tokens', later.id)).toBe(1)
    })

    it('writes nothing when the transaction throws', async () => {
      const a = newAccount()
      const failure = new Error('roll back')
      await expect(
        suite.store.transaction(async (tx) => {
          await tx.accounts.create(a)
          await tx.tokens.issue(newToken(a.id))
          expect((await tx.accounts.findById(a.id))?.id).toBe(a.id)
          throw failure
        }),
      ).rejects.toBe(failure)
      expect(await suite.store.accounts.findById(a.id)).toBeNull()
      expect(await suite.count('one_time_tokens', a.id)).toBe(0)
    })
  })

  describe('phone numbers', () => {
    it('finds an account by phone only once the phone is verified', async () => {
      const phone = `+1415555${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}`
      const a = newAccount({ phone })
      await suite.store.accounts.create(a)
      expect(await suite.store.accounts.findByVerifiedPhone(phone)).toBeNull()
      await verifyPhone(a.id, T0 + MINUTE)
      const found = await suite.store.accounts.findByVerifiedPhone(phone)
      expect(found?.id).toBe(a.id)
      expect(found?.phoneVerifiedAt).toBe(T0 + MINUTE)
    })

    it('lets two accounts hold the same unverified phone, and finds the one that verified it', async () => {
      const phone = `+4420794${String(Math.floor(Math.random() * 100_000)).padStart(5, '0')}`
      const a = newAccount({ phone })
      const b = newAccount({ phone })
      expect(await suite.store.accounts.create(a)).toEqual({ ok: true })
      expect(await suite.store.accounts.create(b)).toEqual({ ok: true })
      expect(await suite.store.accounts.findByVerifiedPhone(phone)).toBeNull()
      await verifyPhone(b.id, T0)
      expect((await suite.store.accounts.findByVerifiedPhone(phone))?.id).toBe(b.id)
    })

    it('refuses a second verified holder of the same phone (unique index)', async () => {
      const phone = `+3361234${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}`
      const a = newAccount({ phone })
      const b = newAccount({ phone })
      await suite.store.accounts.create(a)
      await suite.store.accounts.create(b)
      await verifyPhone(a.id, T0)
      await expect(verifyPhone(b.id, T0 + 1)).rejects.toThrow(/unique/i)
      expect((await suite.store.accounts.findById(b.id))?.phoneVerifiedAt).toBeNull()
      expect((await suite.store.accounts.findByVerifiedPhone(phone))?.id).toBe(a.id)
    })
  })

  describe('updates', () => {
    it('marks the email verified and keeps the first verification time', async () => {
      const a = newAccount()
      await suite.store.accounts.create(a)
      expect(await suite.store.accounts.markEmailVerified(a.id, T0 + MINUTE)).toBe(true)
      expect(await suite.store.accounts.markEmailVerified(a.id, T0 + HOUR)).toBe(true)
      expect((await suite.store.accounts.findById(a.id))?.emailVerifiedAt).toBe(T0 + MINUTE)
    })

    it('returns false when marking the email of a missing account verified', async () => {
      expect(await suite.store.accounts.markEmailVerified('00000000-0000-4000-8000-000000000001', T0)).toBe(
        false,
      )
    })

    it('sets password_changed_at for a new password and keeps it for a rehash (changed: false)', async () => {
      const a = newAccount()
      await suite.store.accounts.create(a)
      await suite.store.accounts.setPasswordHash(a.id, 'rehash-of-same', T0 + MINUTE, { changed: false })
      let found = await suite.store.accounts.findById(a.id)
      expect(found?.passwordHash).toBe('rehash-of-same')
      expect(found?.passwordChangedAt).toBe(T0)
      await suite.store.accounts.setPasswordHash(a.id, 'new-password', T0 + HOUR, { changed: true })
      found = await suite.store.accounts.findById(a.id)
      expect(found?.passwordHash).toBe('new-password')
      expect(found?.passwordChangedAt).toBe(T0 + HOUR)
    })

    it('turns must-change on and off with the hash, and leaves it alone when not given', async () => {
      const a = newAccount()
      await suite.store.accounts.create(a)
      const mustChange = async () => (await suite.store.accounts.findById(a.id))?.mustChangePassword
      await suite.store.accounts.setPasswordHash(a.id, 'h1', T0 + 1, { changed: true, mustChange: true })
      expect(await mustChange()).toBe(true)
      await suite.store.accounts.setPasswordHash(a.id, 'h2', T0 + 2, { changed: false })
      expect(await mustChange()).toBe(true)
      await suite.store.accounts.setPasswordHash(a.id, 'h3', T0 + 3, { changed: true, mustChange: false })
      expect(await mustChange()).toBe(false)
      await suite.store.accounts.setPasswordHash(a.id, 'h4', T0 + 4, { changed: true })
      expect(await mustChange()).toBe(false)
    })

    it('sets and clears the reset lock of the given accounts only, returning how many', async () => {
      const [a, b, c] = [newAccount(), newAccount(), newAccount()]
      for (const x of [a, b, c]) await suite.store.accounts.create(x)
      expect(await suite.store.accounts.setResetLock([a.id, b.id, 'no-such-id'], true, T0)).toBe(2)
      const lock = async (id: string) => (await suite.store.accounts.findById(id))?.resetLock
      expect([await lock(a.id), await lock(b.id), await lock(c.id)]).toEqual([true, true, false])
      expect(await suite.store.accounts.setResetLock([b.id], false, T0 + 1)).toBe(1)
      expect([await lock(a.id), await lock(b.id), await lock(c.id)]).toEqual([true, false, false])
      expect(await suite.store.accounts.setResetLock([], true, T0 + 2)).toBe(0)
    })

    it('locks an account for login at a time and unlocks it with null', async () => {
      const a = newAccount()
      await suite.store.accounts.create(a)
      await suite.store.accounts.setLocked(a.id, T0 + MINUTE, T0 + MINUTE)
      expect((await suite.store.accounts.findById(a.id))?.lockedAt).toBe(T0 + MINUTE)
      await suite.store.accounts.setLocked(a.id, null, T0 + HOUR)
      expect((await suite.store.accounts.findById(a.id))?.lockedAt).toBeNull()
    })
  })

  describe('deleteUnverifiedBefore', () => {
    // Works in the ANCIENT time range: every other test's account was created at T0 or later.
    it('deletes only unverified accounts created before the cutoff, with their tokens and sessions', async () => {
      const cutoff = ANCIENT + 30 * DAY
      const oldUnverified = newAccount({ createdAt: ANCIENT })
      const oldUnverified2 = newAccount({ createdAt: cutoff - 1 })
      const oldVerified = newAccount({ createdAt: ANCIENT, emailVerifiedAt: ANCIENT + 1 })
      const atCutoff = newAccount({ createdAt: cutoff })
      const recent = newAccount({ createdAt: cutoff + DAY })
      for (const a of [oldUnverified, oldUnverified2, oldVerified, atCutoff, recent]) {
        expect(await suite.store.accounts.create(a)).toEqual({ ok: true })
        await suite.store.tokens.issue(newToken(a.id, 'verify_email', { createdAt: a.createdAt }))
        await suite.store.sessions.create({
          id: randomUUID(),
          tokenHash: `session-${unique()}`,
          accountId: a.id,
          createdAt: a.createdAt,
          lastSeenAt: a.createdAt,
          expiresAt: T0 + DAY,
          idleExpiresAt: T0 + HOUR,
          ip: null,
          userAgent: null,
          authenticatedAt: a.createdAt,
          mfaEnrolment: false,
          amr: ['pwd'],
          restricted: false,
        })
      }

      expect(await suite.store.accounts.deleteUnverifiedBefore(cutoff)).toBe(2)

      for (const gone of [oldUnverified, oldUnverified2]) {
        expect(await suite.store.accounts.findById(gone.id)).toBeNull()
        expect(await suite.count('one_time_tokens', gone.id)).toBe(0)
        expect(await suite.count('sessions', gone.id)).toBe(0)
      }
      for (const kept of [oldVerified, atCutoff, recent]) {
        expect((await suite.store.accounts.findById(kept.id))?.id).toBe(kept.id)
        expect(await suite.count('one_time_tokens', kept.id)).toBe(1)
        expect(await suite.count('sessions', kept.id)).toBe(1)
      }
      expect(await suite.store.accounts.deleteUnverifiedBefore(cutoff)).toBe(0)
    })
  })

  describe('email changes', () => {
    const change = (accountId: string, newEmail: string, overrides: { createdAt?: number } = {}) => ({
      id: randomUUID(),
      accountId,
      newEmail,
      newEmailNorm: newEmail.toLowerCase(),
      tokenHash: `change-${unique()}`,
      expiresAt: (overrides.createdAt ?? T0) + DAY,
      createdAt: overrides.createdAt ?? T0,
    })

    it('hands a pending change to exactly one of many concurrent callers, then sets the address', async () => {
      const a = newAccount()
      await suite.store.accounts.create(a)
      const c = change(a.id, `New.${unique()}@example.org`)
      await suite.store.accounts.createEmailChange(c)
      const results = await Promise.all(
        Array.from({ length: 20 }, () => suite.store.accounts.consumeEmailChange(c.tokenHash, T0 + MINUTE)),
      )
      expect(results.filter((r) => r !== null)).toEqual([c])
      expect(await suite.store.accounts.setEmail(a.id, c.newEmail, c.newEmailNorm, T0 + MINUTE)).toBe(true)
      expect(await suite.store.accounts.findByEmail(c.newEmailNorm)).toMatchObject({
        id: a.id,
        email: c.newEmail,
        emailVerifiedAt: T0 + MINUTE,
      })
    })

    it('ends earlier pending changes, expires them, counts them and refuses an address another account has', async () => {
      const a = newAccount()
      const b = newAccount()
      await suite.store.accounts.create(a)
      await suite.store.accounts.create(b)
      const first = change(a.id, `first.${unique()}@example.org`)
      const second = change(a.id, `second.${unique()}@example.org`, { createdAt: T0 + MINUTE })
      await suite.store.accounts.createEmailChange(first)
      await suite.store.accounts.createEmailChange(second)
      expect(await suite.store.accounts.consumeEmailChange(first.tokenHash, T0 + 2 * MINUTE)).toBeNull()
      expect(await suite.store.accounts.consumeEmailChange(second.tokenHash, second.expiresAt)).toBeNull()
      expect(await suite.store.accounts.emailChangeTimesSince(a.id, T0)).toEqual([T0, T0 + MINUTE])
      expect(await suite.store.accounts.emailChangeTimesSince(a.id, T0 + 1)).toEqual([T0 + MINUTE])
      expect(await suite.store.accounts.setEmail(a.id, b.email, b.emailNorm, T0 + HOUR)).toBe(false)
      expect((await suite.store.accounts.findById(a.id))?.email).toBe(a.email)
    })
  })
})
