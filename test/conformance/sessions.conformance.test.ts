import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { NewAccount } from '../../src/modules/accounts/ports.js'
import type { NewSession } from '../../src/modules/sessions/ports.js'
import { databaseKinds } from '../helpers/databases.js'
import { ANCIENT, DAY, HOUR, MINUTE, newAccount, T0, unique, useSuiteDatabase } from './fixtures.js'

/* The SessionRepository contract (src/modules/sessions/ports.ts). */

describe.each(databaseKinds())('SessionRepository on %s', (kind) => {
  const suite = useSuiteDatabase(kind)

  const account = async (overrides: Partial<NewAccount> = {}): Promise<string> => {
    const a = newAccount(overrides)
    expect(await suite.store.accounts.create(a)).toEqual({ ok: true })
    return a.id
  }

  /** A session created at T0: absolute expiry T0 + 12 h, idle expiry T0 + 30 min, unless overridden. */
  const session = async (accountId: string, overrides: Partial<NewSession> = {}): Promise<NewSession> => {
    const s: NewSession = {
      id: randomUUID(),
      tokenHash: `hash-${unique()}`,
      accountId,
      createdAt: T0,
      lastSeenAt: T0,
      expiresAt: T0 + 12 * HOUR,
      idleExpiresAt: T0 + 30 * MINUTE,
      ip: '203.0.113.9',
      userAgent: 'conformance/1.0',
      restricted: false,
      authenticatedAt: T0,
      mfaEnrolment: false,
      amr: ['pwd'],
      ...overrides,
    }
    await suite.store.sessions.create(s)
    return s
  }

  const record = (s: NewSession) => {
    const { tokenHash: _hash, ...rest } = s
    return { ...rest, revokedAt: null }
  }

  describe('findActive', () => {
    it('returns the live session with its account', async () => {
      const id = await account({ role: 'admin', mustChangePassword: true })
      const s = await session(id, { restricted: true })
      const found = await suite.store.sessions.findActive(s.tokenHash, T0 + MINUTE)
      expect(found?.session).toEqual(record(s))
      const username = (await suite.store.accounts.findById(id))?.username
      expect(found?.account).toEqual({ id, username, role: 'admin', mustChangePassword: true, locale: null })
    })

    it('records a re-authentication and lifts the enrolment-only restriction of one session only', async () => {
      const id = await account({ role: 'partner' })
      const a = await session(id, { mfaEnrolment: true })
      const b = await session(id, { mfaEnrolment: true })
      await suite.store.sessions.markAuthenticated(a.id, T0 + 5 * MINUTE)
      await suite.store.sessions.liftMfaEnrolment(a.id)
      const foundA = await suite.store.sessions.findActive(a.tokenHash, T0 + 6 * MINUTE)
      expect(foundA?.session).toMatchObject({ authenticatedAt: T0 + 5 * MINUTE, mfaEnrolment: false })
      expect(foundA?.account.role).toBe('partner')
      const foundB = await suite.store.sessions.findActive(b.tokenHash, T0 + 6 * MINUTE)
      expect(foundB?.session).toMatchObject({ authenticatedAt: T0, mfaEnrolment: true })
    })

    it('keeps the methods the login proved (amr), in order', async () => {
      const id = await account()
      const s = await session(id, { amr: ['pwd', 'hwk', 'mfa'] })
      const found = await suite.store.sessions.findActive(s.tokenHash, T0 + MINUTE)
      expect(found?.session).toEqual(record(s))
      expect(found?.session.amr).toEqual(['pwd', 'hwk', 'mfa'])
      expect((await suite.store.sessions.listActive(id, T0 + MINUTE))[0]?.amr).toEqual(['pwd', 'hwk', 'mfa'])
    })

    it('reads a session without recorded methods (older than the column) as a password login', async () => {
      const id = await account()
      const s = await session(id, { amr: ['swk', 'mfa'] })
      await suite.database.db.updateTable('sessions').set({ amr: null }).where('id', '=', s.id).execute()
      expect((await suite.store.sessions.findActive(s.tokenHash, T0 + MINUTE))?.session.amr).toEqual(['pwd'])
      expect((await suite.store.sessions.listActive(id, T0 + MINUTE))[0]?.amr).toEqual(['pwd'])
    })

    it('adds the methods a re-authentication proved to those the session holds, once each', async () => {
      const id = await account()
      const s = await session(id, { amr: ['pwd', 'otp', 'mfa'] })
      const other = await session(id, { amr: ['pwd'] })
      await suite.store.sessions.markAuthenticated(s.id, T0 + MINUTE, ['swk'])
      await suite.store.sessions.markAuthenticated(s.id, T0 + 2 * MINUTE, ['otp', 'swk'])
      await suite.store.sessions.markAuthenticated(s.id, T0 + 3 * MINUTE)
      const found = await suite.store.sessions.findActive(s.tokenHash, T0 + 4 * MINUTE)
      expect(found?.session).toMatchObject({
        authenticatedAt: T0 + 3 * MINUTE,
        amr: ['pwd', 'otp', 'mfa', 'swk'],
      })
      expect((await suite.store.sessions.findActive(other.tokenHash, T0 + 4 * MINUTE))?.session.amr).toEqual([
        'pwd',
      ])
      // A session older than the column starts from the password.
      await suite.database.db.updateTable('sessions').set({ amr: null }).where('id', '=', other.id).execute()
      await suite.store.sessions.markAuthenticated(other.id, T0 + 5 * MINUTE, ['hwk'])
      expect((await suite.store.sessions.findActive(other.tokenHash, T0 + 6 * MINUTE))?.session.amr).toEqual([
        'pwd',
        'hwk',
      ])
    })

    it('returns null for an unknown token hash', async () => {
      expect(await suite.store.sessions.findActive(`unknown-${unique()}`, T0)).toBeNull()
    })

    it('returns null after the session is revoked', async () => {
      const id = await account()
      const s = await session(id)
      expect(await suite.store.sessions.revoke(id, s.id, T0 + MINUTE)).toBe(true)
      expect(await suite.store.sessions.findActive(s.tokenHash, T0 + 2 * MINUTE)).toBeNull()
    })

    it('returns null from the absolute expiry on, even if the idle expiry is later', async () => {
      const id = await account()
      const s = await session(id, { expiresAt: T0 + HOUR, idleExpiresAt: T0 + 2 * HOUR })
      expect(await suite.store.sessions.findActive(s.tokenHash, T0 + HOUR - 1)).not.toBeNull()
      expect(await suite.store.sessions.findActive(s.tokenHash, T0 + HOUR)).toBeNull()
    })

    it('returns null from the idle expiry on', async () => {
      const id = await account()
      const s = await session(id)
      expect(await suite.store.sessions.findActive(s.tokenHash, T0 + 30 * MINUTE - 1)).not.toBeNull()
      expect(await suite.store.sessions.findActive(s.tokenHash, T0 + 30 * MINUTE)).toBeNull()
    })
  })

  describe('touch', () => {
    it('records use and extends the idle expiry', async () => {
      const id = await account()
      const s = await session(id)
      await suite.store.sessions.touch(s.id, T0 + 20 * MINUTE, T0 + 50 * MINUTE)
      const found = await suite.store.sessions.findActive(s.tokenHash, T0 + 40 * MINUTE)
      expect(found?.session.lastSeenAt).toBe(T0 + 20 * MINUTE)
      expect(found?.session.idleExpiresAt).toBe(T0 + 50 * MINUTE)
      expect(await suite.store.sessions.findActive(s.tokenHash, T0 + 50 * MINUTE)).toBeNull()
    })

    it('never extends the idle expiry past the absolute expiry', async () => {
      const id = await account()
      const s = await session(id, { expiresAt: T0 + HOUR })
      await suite.store.sessions.touch(s.id, T0 + 20 * MINUTE, T0 + 80 * MINUTE)
      const found = await suite.store.sessions.findActive(s.tokenHash, T0 + 25 * MINUTE)
      expect(found?.session.idleExpiresAt).toBe(T0 + HOUR)
      const listed = await suite.store.sessions.listActive(id, T0 + 25 * MINUTE)
      expect(listed.map((x) => x.idleExpiresAt <= x.expiresAt)).toEqual([true])
    })

    it('does not bring an idle-expired session back', async () => {
      const id = await account()
      const s = await session(id)
      const idleEnd = (await suite.store.sessions.findActive(s.tokenHash, T0))!.session.idleExpiresAt
      await suite.store.sessions.touch(s.id, idleEnd + MINUTE, idleEnd + 30 * MINUTE)
      expect(await suite.store.sessions.findActive(s.tokenHash, idleEnd + 2 * MINUTE)).toBeNull()
    })

    it('does not bring a revoked session back', async () => {
      const id = await account()
      const s = await session(id)
      await suite.store.sessions.revoke(id, s.id, T0 + MINUTE)
      await suite.store.sessions.touch(s.id, T0 + 2 * MINUTE, T0 + 40 * MINUTE)
      expect(await suite.store.sessions.findActive(s.tokenHash, T0 + 3 * MINUTE)).toBeNull()
    })
  })

  describe('listActive', () => {
    it('lists only the account’s live sessions, newest first', async () => {
      const id = await account()
      const other = await account()
      const oldest = await session(id, { createdAt: T0 - 2 * HOUR, lastSeenAt: T0 })
      const newest = await session(id, { createdAt: T0 })
      const middle = await session(id, { createdAt: T0 - HOUR, lastSeenAt: T0 })
      const revoked = await session(id, { createdAt: T0 - 3 * MINUTE })
      await suite.store.sessions.revoke(id, revoked.id, T0)
      await session(id, { createdAt: T0 - 4 * HOUR, expiresAt: T0 + MINUTE, idleExpiresAt: T0 + MINUTE })
      await session(id, { createdAt: T0 - MINUTE, idleExpiresAt: T0 + 2 * MINUTE })
      await session(other, { createdAt: T0 })

      const listed = await suite.store.sessions.listActive(id, T0 + 2 * MINUTE)
      expect(listed.map((s) => s.id)).toEqual([newest.id, middle.id, oldest.id])
      expect(listed[0]).toEqual(record(newest))
    })

    it('returns an empty list for an account without live sessions', async () => {
      const id = await account()
      expect(await suite.store.sessions.listActive(id, T0)).toEqual([])
    })
  })

  describe('revoke', () => {
    it('revokes a session of the owning account only', async () => {
      const id = await account()
      const intruder = await account()
      const s = await session(id)
      expect(await suite.store.sessions.revoke(intruder, s.id, T0 + MINUTE)).toBe(false)
      expect(await suite.store.sessions.findActive(s.tokenHash, T0 + MINUTE)).not.toBeNull()
      expect(await suite.store.sessions.revoke(id, s.id, T0 + MINUTE)).toBe(true)
      expect(await suite.store.sessions.findActive(s.tokenHash, T0 + MINUTE)).toBeNull()
    })

    it('returns false for a session that is already revoked, expired or unknown', async () => {
      const id = await account()
      const s = await session(id)
      expect(await suite.store.sessions.revoke(id, s.id, T0 + MINUTE)).toBe(true)
      expect(await suite.store.sessions.revoke(id, s.id, T0 + 2 * MINUTE)).toBe(false)
      const idle = await session(id)
      expect(await suite.store.sessions.revoke(id, idle.id, T0 + 30 * MINUTE)).toBe(false)
      const ended = await session(id, { expiresAt: T0 + MINUTE, idleExpiresAt: T0 + MINUTE })
      expect(await suite.store.sessions.revoke(id, ended.id, T0 + MINUTE)).toBe(false)
      expect(await suite.store.sessions.revoke(id, randomUUID(), T0)).toBe(false)
    })
  })

  describe('revokeAll', () => {
    it('revokes every live session of the account but the one kept, and returns how many', async () => {
      const id = await account()
      const other = await account()
      const kept = await session(id)
      const a = await session(id)
      const b = await session(id)
      const theirs = await session(other)
      expect(await suite.store.sessions.revokeAll(id, T0 + MINUTE, kept.id)).toBe(2)
      expect(await suite.store.sessions.findActive(kept.tokenHash, T0 + MINUTE)).not.toBeNull()
      expect(await suite.store.sessions.findActive(a.tokenHash, T0 + MINUTE)).toBeNull()
      expect(await suite.store.sessions.findActive(b.tokenHash, T0 + MINUTE)).toBeNull()
      expect(await suite.store.sessions.findActive(theirs.tokenHash, T0 + MINUTE)).not.toBeNull()
      expect(await suite.store.sessions.revokeAll(id, T0 + 2 * MINUTE, kept.id)).toBe(0)
    })

    it('revokes every live session when none is kept', async () => {
      const id = await account()
      const a = await session(id)
      const b = await session(id)
      expect(await suite.store.sessions.revokeAll(id, T0 + MINUTE)).toBe(2)
      expect(await suite.store.sessions.listActive(id, T0 + MINUTE)).toEqual([])
      for (const s of [a, b])
        expect(await suite.store.sessions.findActive(s.tokenHash, T0 + MINUTE)).toBeNull()
    })

    it('counts only live sessions: ended ones are not revoked again', async () => {
      const id = await account()
      await session(id)
      await session(id, { expiresAt: T0 + MINUTE, idleExpiresAt: T0 + MINUTE })
      await session(id, { idleExpiresAt: T0 + 2 * MINUTE })
      expect(await suite.store.sessions.revokeAll(id, T0 + 5 * MINUTE)).toBe(1)
    })
  })

  describe('deleteEndedBefore', () => {
    // Works in the ANCIENT time range: every other test's session ends after T0.
    it('deletes sessions that ended (revoked, expired or idle) before the cutoff, and only those', async () => {
      const id = await account()
      const cutoff = ANCIENT + 30 * DAY
      const base = { createdAt: ANCIENT, lastSeenAt: ANCIENT }
      const live = await session(id, { ...base, expiresAt: T0 + DAY, idleExpiresAt: T0 + HOUR })
      const revokedEarly = await session(id, { ...base, expiresAt: T0 + DAY, idleExpiresAt: T0 + HOUR })
      const revokedLate = await session(id, { ...base, expiresAt: T0 + DAY, idleExpiresAt: T0 + HOUR })
      // Ended before the cutoff by absolute expiry, and by idleness:
      await session(id, { ...base, expiresAt: cutoff - 1, idleExpiresAt: cutoff - 1 })
      await session(id, { ...base, expiresAt: T0 + DAY, idleExpiresAt: cutoff - DAY })
      const endsAtCutoff = await session(id, { ...base, expiresAt: cutoff, idleExpiresAt: cutoff })
      expect(await suite.store.sessions.revoke(id, revokedEarly.id, ANCIENT + DAY)).toBe(true)
      expect(await suite.store.sessions.revoke(id, revokedLate.id, cutoff + DAY)).toBe(true)

      expect(await suite.store.sessions.deleteEndedBefore(cutoff)).toBe(3)

      const left = await suite.database.db
        .selectFrom('sessions')
        .select('id')
        .where('account_id', '=', id)
        .execute()
      expect(left.map((r) => r.id).sort()).toEqual([live.id, revokedLate.id, endsAtCutoff.id].sort())
      expect(await suite.store.sessions.deleteEndedBefore(cutoff)).toBe(0)
    })
  })
})
