import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { createSqlStore } from '../../src/adapters/sql/store.js'
import { hashToken } from '../../src/kernel/tokens.js'
import { databaseKinds } from '../helpers/databases.js'
import { roomyOutbox } from '../helpers/outbound.js'
import { HOUR, MINUTE, newAccount, newToken, T0, unique, useSuiteDatabase } from './fixtures.js'

/* The OneTimeTokens contract (src/modules/tokens/ports.ts). */

describe.each(databaseKinds())('OneTimeTokens on %s', (kind) => {
  const suite = useSuiteDatabase(kind)

  const account = async (): Promise<string> => {
    const a = newAccount()
    expect(await suite.store.accounts.create(a)).toEqual({ ok: true })
    return a.id
  }

  describe('consume', () => {
    it('returns the owner once, then null: a token is used at most once', async () => {
      const id = await account()
      const t = newToken(id, 'verify_email')
      await suite.store.tokens.issue(t)
      expect(await suite.store.tokens.consume(t.tokenHash, 'verify_email', T0)).toBe(id)
      expect(await suite.store.tokens.consume(t.tokenHash, 'verify_email', T0)).toBeNull()
      expect(await suite.store.tokens.consume(t.tokenHash, 'verify_email', T0 + MINUTE)).toBeNull()
    })

    it('returns null for an unknown token hash', async () => {
      expect(
        await suite.store.tokens.consume(hashToken(`never-issued-${unique()}`), 'recovery', T0),
      ).toBeNull()
    })

    it('returns null for a token of another purpose, and leaves it usable for its own', async () => {
      const id = await account()
      const t = newToken(id, 'recovery')
      await suite.store.tokens.issue(t)
      expect(await suite.store.tokens.consume(t.tokenHash, 'verify_email', T0)).toBeNull()
      expect(await suite.store.tokens.consume(t.tokenHash, 'account_lock', T0)).toBeNull()
      expect(await suite.store.tokens.consume(t.tokenHash, 'recovery', T0)).toBe(id)
    })

    it('returns null for an expired token; expiring at exactly now counts as expired', async () => {
      const id = await account()
      const t = newToken(id, 'verify_email', { expiresAt: T0 + HOUR })
      await suite.store.tokens.issue(t)
      expect(await suite.store.tokens.consume(t.tokenHash, 'verify_email', T0 + HOUR)).toBeNull()
      expect(await suite.store.tokens.consume(t.tokenHash, 'verify_email', T0 + HOUR + 1)).toBeNull()
      const fresh = newToken(id, 'verify_email', { expiresAt: T0 + HOUR })
      await suite.store.tokens.issue(fresh)
      expect(await suite.store.tokens.consume(fresh.tokenHash, 'verify_email', T0 + HOUR - 1)).toBe(id)
    })

    it('under 20 concurrent calls on separate connections, exactly one caller gets the account', async () => {
      const id = await account()
      const connections = await Promise.all(Array.from({ length: 20 }, () => suite.openAnother()))
      // Connect every pool first, so the consume calls reach the database together.
      await Promise.all(connections.map((c) => c.ping()))
      expect(connections.every((c) => c.dialect.name === kind)).toBe(true)
      if (kind === 'postgres') {
        // Twenty server sessions, not one connection taking turns.
        const pids = await Promise.all(
          connections.map(
            async (c) =>
              (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(c.db)).rows[0]?.pid,
          ),
        )
        expect(new Set(pids).size).toBe(20)
      }
      const stores = connections.map((c) => createSqlStore(c, roomyOutbox))
      for (let round = 0; round < 5; round++) {
        const t = newToken(id, 'recovery')
        await suite.store.tokens.issue(t)
        const results = await Promise.all(stores.map((s) => s.tokens.consume(t.tokenHash, 'recovery', T0)))
        expect(results.filter((r) => r !== null)).toEqual([id])
        expect(results.filter((r) => r === null)).toHaveLength(19)
      }
    })

    it('under 20 concurrent calls on one store, exactly one caller gets the account', async () => {
      const id = await account()
      const t = newToken(id, 'account_lock')
      await suite.store.tokens.issue(t)
      const results = await Promise.all(
        Array.from({ length: 20 }, () => suite.store.tokens.consume(t.tokenHash, 'account_lock', T0)),
      )
      expect(results.filter((r) => r !== null)).toEqual([id])
    })
  })

  describe('peek', () => {
    it('returns the live token without using it', async () => {
      const id = await account()
      const t = newToken(id, 'recovery', { channel: 'sms', createdAt: T0 - MINUTE })
      await suite.store.tokens.issue(t)
      const live = { accountId: id, attempts: 0, channel: 'sms', createdAt: T0 - MINUTE }
      expect(await suite.store.tokens.peek(t.tokenHash, 'recovery', T0)).toEqual(live)
      expect(await suite.store.tokens.peek(t.tokenHash, 'recovery', T0)).toEqual(live)
      expect(await suite.store.tokens.consume(t.tokenHash, 'recovery', T0)).toBe(id)
    })

    it('reports a token issued without a channel as channel null', async () => {
      const id = await account()
      const t = newToken(id, 'verify_email')
      await suite.store.tokens.issue(t)
      expect((await suite.store.tokens.peek(t.tokenHash, 'verify_email', T0))?.channel).toBeNull()
    })

    it('returns null for an unknown, used, expired or other-purpose token', async () => {
      const id = await account()
      const t = newToken(id, 'recovery', { expiresAt: T0 + HOUR })
      await suite.store.tokens.issue(t)
      expect(await suite.store.tokens.peek(hashToken(`unknown-${unique()}`), 'recovery', T0)).toBeNull()
      expect(await suite.store.tokens.peek(t.tokenHash, 'verify_email', T0)).toBeNull()
      expect(await suite.store.tokens.peek(t.tokenHash, 'recovery', T0 + HOUR)).toBeNull()
      await suite.store.tokens.consume(t.tokenHash, 'recovery', T0)
      expect(await suite.store.tokens.peek(t.tokenHash, 'recovery', T0)).toBeNull()
    })
  })

  describe('recordFailedAttempt', () => {
    it('counts failed uses and returns the new count', async () => {
      const id = await account()
      const t = newToken(id, 'recovery')
      await suite.store.tokens.issue(t)
      expect(await suite.store.tokens.recordFailedAttempt(t.tokenHash)).toBe(1)
      expect(await suite.store.tokens.recordFailedAttempt(t.tokenHash)).toBe(2)
      expect((await suite.store.tokens.peek(t.tokenHash, 'recovery', T0))?.attempts).toBe(2)
    })
  })

  describe('newestLive', () => {
    it('returns the creation time of the newest live token of the purpose, or null', async () => {
      const id = await account()
      expect(await suite.store.tokens.newestLive(id, 'recovery', T0)).toBeNull()
      await suite.store.tokens.issue(newToken(id, 'recovery', { createdAt: T0 - 3 * MINUTE }))
      const newest = newToken(id, 'recovery', { createdAt: T0 - MINUTE })
      await suite.store.tokens.issue(newest)
      // Newer, but not live or not of this purpose:
      await suite.store.tokens.issue(newToken(id, 'recovery', { createdAt: T0, expiresAt: T0 }))
      await suite.store.tokens.issue(newToken(id, 'verify_email', { createdAt: T0 }))
      expect(await suite.store.tokens.newestLive(id, 'recovery', T0)).toBe(T0 - MINUTE)
      await suite.store.tokens.consume(newest.tokenHash, 'recovery', T0)
      expect(await suite.store.tokens.newestLive(id, 'recovery', T0)).toBe(T0 - 3 * MINUTE)
    })
  })

  describe('revokeForAccount', () => {
    it('kills every outstanding token of the account, and no other account’s', async () => {
      const id = await account()
      const other = await account()
      const mine = [newToken(id, 'verify_email'), newToken(id, 'recovery'), newToken(id, 'account_lock')]
      const theirs = newToken(other, 'recovery')
      for (const t of [...mine, theirs]) await suite.store.tokens.issue(t)
      expect(await suite.store.tokens.revokeForAccount(id, T0)).toBe(3)
      for (const t of mine) expect(await suite.store.tokens.consume(t.tokenHash, t.purpose, T0)).toBeNull()
      expect(await suite.store.tokens.consume(theirs.tokenHash, 'recovery', T0)).toBe(other)
    })

    it('kills only tokens of the given purposes when purposes are named', async () => {
      const id = await account()
      const verify = newToken(id, 'verify_email')
      const recovery = newToken(id, 'recovery')
      const lock = newToken(id, 'account_lock')
      for (const t of [verify, recovery, lock]) await suite.store.tokens.issue(t)
      expect(await suite.store.tokens.revokeForAccount(id, T0, ['recovery', 'account_lock'])).toBe(2)
      expect(await suite.store.tokens.consume(recovery.tokenHash, 'recovery', T0)).toBeNull()
      expect(await suite.store.tokens.consume(lock.tokenHash, 'account_lock', T0)).toBeNull()
      expect(await suite.store.tokens.consume(verify.tokenHash, 'verify_email', T0)).toBe(id)
    })

    it('does not count tokens that were already used', async () => {
      const id = await account()
      const used = newToken(id, 'recovery')
      await suite.store.tokens.issue(used)
      await suite.store.tokens.issue(newToken(id, 'recovery'))
      await suite.store.tokens.consume(used.tokenHash, 'recovery', T0)
      expect(await suite.store.tokens.revokeForAccount(id, T0 + 1)).toBe(1)
      expect(await suite.store.tokens.revokeForAccount(id, T0 + 2)).toBe(0)
    })
  })
})
