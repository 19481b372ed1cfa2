import { randomUUID } from 'node:crypto'
import { beforeEach, describe, expect, it } from 'vitest'
import { SqlAccessRepository } from '../../src/adapters/sql/access-repository.js'
import { SqlMfaFactorRepository } from '../../src/adapters/sql/mfa-repository.js'
import type { ApiKeyRecord, ClientRecord } from '../../src/modules/access/ports.js'
import type { Role } from '../../src/modules/accounts/ports.js'
import { databaseKinds } from '../helpers/databases.js'
import { DAY, HOUR, MINUTE, newAccount, newToken, T0, unique, useSuiteDatabase } from './fixtures.js'

/* The AccessRepository contract (src/modules/access/ports.ts). */

describe.each(databaseKinds())('AccessRepository on %s', (kind) => {
  const suite = useSuiteDatabase(kind)
  const repo = () => new SqlAccessRepository(suite.database.db)

  // Client, live-key and partner lists see whole tables: every test starts without any.
  beforeEach(async () => {
    const db = suite.database.db
    await db.deleteFrom('api_keys').execute()
    await db.updateTable('accounts').set({ client_id: null }).execute()
    await db.deleteFrom('clients').execute()
    await db.updateTable('accounts').set({ role: 'user' }).where('role', '=', 'partner').execute()
  })

  const account = async (role: Role = 'user', createdAt = T0) => {
    const a = newAccount({ role, createdAt })
    await suite.store.accounts.create(a)
    return a
  }

  const client = async (overrides: Partial<ClientRecord> = {}): Promise<ClientRecord> => {
    const c: ClientRecord = {
      id: randomUUID(),
      name: `Partner ${unique()}`,
      description: 'Ticketing',
      ownerAccountId: (await account('admin')).id,
      createdBy: `account:${unique()}`,
      createdAt: T0,
      updatedAt: T0,
      disabledAt: null,
      ...overrides,
    }
    await repo().createClient(c)
    return c
  }

  const key = (clientId: string, overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord => ({
    id: randomUUID(),
    clientId,
    prefix: unique().slice(0, 8),
    keyHash: `hash-${unique()}`,
    scopes: ['audit:read', 'detections:read'],
    description: null,
    expiresInDays: 90,
    expiresAt: T0 + 90 * DAY,
    createdBy: `account:${unique()}`,
    createdAt: T0,
    lastUsedAt: null,
    lastUsedIp: null,
    revokedAt: null,
    replacedBy: null,
    ...overrides,
  })

  const withKey = async (overrides: Partial<ApiKeyRecord> = {}) => {
    const k = key((await client()).id, overrides)
    await repo().createKey(k)
    return k
  }

  describe('clients', () => {
    it('finds a created client as given, lists clients oldest first; unknown ids are null', async () => {
      const late = await client({ createdAt: T0 + 1, description: null })
      const early = await client({ createdAt: T0 - 1, disabledAt: T0 })
      expect(await repo().findClient(late.id)).toEqual(late)
      expect(await repo().findClient(randomUUID())).toBeNull()
      expect(await repo().listClients()).toEqual([early, late])
    })

    it('updates the given fields only, and the update time; false for an unknown client', async () => {
      const c = await client()
      expect(await repo().updateClient(c.id, { description: null, disabledAt: T0 + 5 }, T0 + MINUTE)).toBe(
        true,
      )
      expect(await repo().findClient(c.id)).toEqual({
        ...c,
        description: null,
        disabledAt: T0 + 5,
        updatedAt: T0 + MINUTE,
      })
      expect(await repo().updateClient(c.id, { disabledAt: null }, T0 + 2 * MINUTE)).toBe(true)
      expect((await repo().findClient(c.id))?.disabledAt).toBeNull()
      expect(await repo().updateClient(randomUUID(), { name: 'x' }, T0)).toBe(false)
    })
  })

  describe('keys', () => {
    it('finds a key by id and by hash (with its client’s state), lists a client’s keys oldest first', async () => {
      const c = await client({ disabledAt: T0 + 7 })
      const later = key(c.id, { createdAt: T0 + 1, scopes: ['*'], expiresInDays: null, expiresAt: null })
      const first = key(c.id, { description: 'CI' })
      await repo().createKey(later)
      await repo().createKey(first)
      expect(await repo().findKey(first.id)).toEqual(first)
      expect(await repo().findKeyByHash(later.keyHash)).toEqual({ key: later, clientDisabledAt: T0 + 7 })
      expect(await repo().findKeyByHash('hash-none')).toBeNull()
      expect(await repo().findKey(randomUUID())).toBeNull()
      expect(await repo().listKeys(c.id)).toEqual([first, later])
      expect(await repo().listKeys(randomUUID())).toEqual([])
    })

    it('lists the keys live at now, of every client: unrevoked, or revoked later than now', async () => {
      const live = await withKey({ createdAt: T0 })
      const overlapping = await withKey({ createdAt: T0 + 1, revokedAt: T0 + HOUR })
      await withKey({ revokedAt: T0 })
      await withKey({ revokedAt: T0 - 1 })
      expect((await repo().listLiveKeys(T0)).map((k) => k.id)).toEqual([live.id, overlapping.id])
      expect((await repo().listLiveKeys(T0 + HOUR)).map((k) => k.id)).toEqual([live.id])
    })

    it('records a use at most once per gap', async () => {
      const k = await withKey()
      await repo().recordUse(k.id, '192.0.2.1', T0, MINUTE)
      await repo().recordUse(k.id, '192.0.2.2', T0 + MINUTE - 1, MINUTE)
      expect(await repo().findKey(k.id)).toMatchObject({ lastUsedAt: T0, lastUsedIp: '192.0.2.1' })
      await repo().recordUse(k.id, null, T0 + MINUTE, MINUTE)
      expect(await repo().findKey(k.id)).toMatchObject({ lastUsedAt: T0 + MINUTE, lastUsedIp: null })
    })

    it('records one of dozens of simultaneous uses within a gap', async () => {
      const k = await withKey()
      await Promise.all(
        Array.from({ length: 30 }, (_, i) => repo().recordUse(k.id, `192.0.2.${i}`, T0 + i, MINUTE)),
      )
      const used = await repo().findKey(k.id)
      expect(used?.lastUsedAt).toBe(T0 + Number(used?.lastUsedIp?.split('.')[3]))
      await repo().recordUse(k.id, '198.51.100.1', T0 + 40, MINUTE)
      expect(await repo().findKey(k.id)).toEqual(used)
    })

    it('revokes a key: now, or later then sooner, never later than it already stops', async () => {
      const k = await withKey()
      expect(await repo().revokeKey(k.id, T0 + HOUR, T0)).toBe(true)
      expect(await repo().revokeKey(k.id, T0 + 2 * HOUR, T0)).toBe(false)
      expect((await repo().findKey(k.id))?.revokedAt).toBe(T0 + HOUR)
      expect(await repo().revokeKey(k.id, T0, T0, 'successor-id')).toBe(true)
      expect(await repo().findKey(k.id)).toMatchObject({ revokedAt: T0, replacedBy: 'successor-id' })
      expect(await repo().revokeKey(k.id, T0, T0)).toBe(false)
      expect(await repo().revokeKey(randomUUID(), T0, T0)).toBe(false)
    })

    it('revokes every live key of a client at now and says how many', async () => {
      const c = await client()
      const keys = [
        key(c.id),
        key(c.id, { createdAt: T0 + 1, revokedAt: T0 + HOUR }),
        key(c.id, { createdAt: T0 + 2, revokedAt: T0 - 1 }),
      ]
      for (const k of keys) await repo().createKey(k)
      const other = await withKey()
      expect(await repo().revokeClientKeys(c.id, T0)).toBe(2)
      expect((await repo().listKeys(c.id)).map((k) => k.revokedAt)).toEqual([T0, T0, T0 - 1])
      expect((await repo().findKey(other.id))?.revokedAt).toBeNull()
      expect(await repo().revokeClientKeys(c.id, T0 + 1)).toBe(0)
    })

    it('sets the expiry policy and time; false for an unknown key', async () => {
      const k = await withKey()
      expect(await repo().setKeyExpiry(k.id, null, null)).toBe(true)
      expect(await repo().findKey(k.id)).toEqual({ ...k, expiresInDays: null, expiresAt: null })
      expect(await repo().setKeyExpiry(randomUUID(), 30, T0)).toBe(false)
    })

    it('rotates a live key once: the successor is issued and the old key stops later, naming it', async () => {
      const old = await withKey()
      const successor = key(old.clientId, { createdAt: T0 + 1 })
      expect(await repo().rotateKey(old.id, successor, T0 + DAY, T0 + 1)).toBe(true)
      expect(await repo().findKey(old.id)).toEqual({ ...old, revokedAt: T0 + DAY, replacedBy: successor.id })
      expect(await repo().findKey(successor.id)).toEqual(successor)
      const again = key(old.clientId)
      expect(await repo().rotateKey(old.id, again, T0 + DAY, T0 + 2)).toBe(false)
      expect(await repo().findKey(again.id)).toBeNull()
    })

    it('does not rotate an expired key', async () => {
      const old = await withKey({ expiresAt: T0 })
      const successor = key(old.clientId)
      expect(await repo().rotateKey(old.id, successor, T0 + DAY, T0)).toBe(false)
      expect(await repo().findKey(successor.id)).toBeNull()
      expect((await repo().findKey(old.id))?.revokedAt).toBeNull()
    })

    it('of dozens of simultaneous rotations of one key, one issues a successor (several connections on PostgreSQL)', async () => {
      const old = await withKey()
      // PostgreSQL: several connections (instances); SQLite: simultaneous calls on one connection.
      const others =
        kind === 'postgres' ? await Promise.all(Array.from({ length: 3 }, () => suite.openAnother())) : []
      const repos = [repo(), ...others.map((d) => new SqlAccessRepository(d.db))]
      const successors = Array.from({ length: 24 }, () => key(old.clientId, { createdAt: T0 + 1 }))
      const results = await Promise.all(
        successors.map((s, i) => repos[i % repos.length]!.rotateKey(old.id, s, T0 + DAY, T0 + 1)),
      )
      expect(results.filter(Boolean)).toHaveLength(1)
      const winner = successors[results.indexOf(true)]!
      expect((await repo().listKeys(old.clientId)).map((k) => k.id)).toEqual([old.id, winner.id])
      expect((await repo().findKey(old.id))?.replacedBy).toBe(winner.id)
    })
  })

  describe('partners', () => {
    it('lists the accounts with role partner oldest first; finds any account as a partner record', async () => {
      const late = await account('partner', T0 + 1)
      const early = await account('partner', T0 - 1)
      const user = await account('user')
      const c = await client()
      expect(await repo().setAccountClient(late.id, c.id, T0 + 2)).toBe(true)
      expect(await repo().setAccountClient(randomUUID(), c.id, T0 + 2)).toBe(false)
      expect(await repo().listPartners()).toEqual([
        {
          id: early.id,
          username: early.username,
          role: 'partner',
          clientId: null,
          createdAt: T0 - 1,
          accessRevokedAt: null,
        },
        {
          id: late.id,
          username: late.username,
          role: 'partner',
          clientId: c.id,
          createdAt: T0 + 1,
          accessRevokedAt: null,
        },
      ])
      expect(await repo().findPartner(user.id)).toMatchObject({ id: user.id, role: 'user', clientId: null })
      expect(await repo().findPartner(randomUUID())).toBeNull()
      expect(await repo().setAccountClient(late.id, null, T0 + 3)).toBe(true)
      expect((await repo().findPartner(late.id))?.clientId).toBeNull()
    })

    it('revokes a partner’s access once: locked, sessions ended, one-time tokens dead; reinstates once', async () => {
      const p = await account('partner')
      for (let i = 0; i < 2; i++) {
        await suite.store.sessions.create({
          id: randomUUID(),
          tokenHash: `session-${unique()}`,
          accountId: p.id,
          createdAt: T0,
          lastSeenAt: T0,
          expiresAt: T0 + DAY,
          idleExpiresAt: T0 + HOUR,
          ip: null,
          userAgent: null,
          authenticatedAt: T0,
          mfaEnrolment: false,
          amr: ['pwd'],
          restricted: false,
        })
      }
      const token = newToken(p.id, 'verify_email')
      await suite.store.tokens.issue(token)
      expect(await repo().revokePartner(p.id, T0 + 1)).toEqual({ changed: true, sessions: 2 })
      expect((await repo().findPartner(p.id))?.accessRevokedAt).toBe(T0 + 1)
      expect((await suite.store.accounts.findById(p.id))?.lockedAt).toBe(T0 + 1)
      expect(await suite.store.sessions.listActive(p.id, T0 + 2)).toEqual([])
      expect(await suite.store.tokens.consume(token.tokenHash, 'verify_email', T0 + 2)).toBeNull()
      expect(await repo().revokePartner(p.id, T0 + 3)).toEqual({ changed: false, sessions: 0 })
      expect((await repo().findPartner(p.id))?.accessRevokedAt).toBe(T0 + 1)

      expect(await repo().reinstatePartner(p.id, T0 + 4)).toBe(true)
      expect((await repo().findPartner(p.id))?.accessRevokedAt).toBeNull()
      expect((await suite.store.accounts.findById(p.id))?.lockedAt).toBeNull()
      expect(await repo().reinstatePartner(p.id, T0 + 5)).toBe(false)
    })

    it('only one of dozens of simultaneous revocations of a partner changes anything', async () => {
      const p = await account('partner')
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) => repo().revokePartner(p.id, T0 + i)),
      )
      expect(results.filter((r) => r.changed)).toHaveLength(1)
    })
  })

  describe('review facts', () => {
    it('gives the newest sign of life per account: session activity or successful login', async () => {
      const [bySession, byLogin, both, none] = [
        await account(),
        await account(),
        await account(),
        await account(),
      ]
      const session = (accountId: string, lastSeenAt: number) =>
        suite.store.sessions.create({
          id: randomUUID(),
          tokenHash: `session-${unique()}`,
          accountId,
          createdAt: T0 - DAY,
          lastSeenAt,
          expiresAt: T0 + DAY,
          idleExpiresAt: T0 + HOUR,
          ip: null,
          userAgent: null,
          authenticatedAt: T0 - DAY,
          mfaEnrolment: false,
          amr: ['pwd'],
          restricted: false,
        })
      const login = (accountId: string, at: number, type: 'authn_login_success' | 'authn_login_fail') =>
        suite.store.events.append({
          type,
          accountId,
          context: { ip: null, userAgent: null, clientVersion: null, requestId: null },
          details: {},
          at,
        })
      await session(bySession.id, T0 + 1)
      await session(bySession.id, T0 + 5)
      await login(byLogin.id, T0 + 2, 'authn_login_success')
      await login(byLogin.id, T0 + 9, 'authn_login_fail')
      await session(both.id, T0 + 3)
      await login(both.id, T0 + 4, 'authn_login_success')
      const seen = await repo().lastActivity([bySession.id, byLogin.id, both.id, none.id, randomUUID()])
      expect(seen).toEqual(
        new Map([
          [bySession.id, T0 + 5],
          [byLogin.id, T0 + 2],
          [both.id, T0 + 4],
        ]),
      )
      expect(await repo().lastActivity([])).toEqual(new Map())
    })

    it('tells the accounts with a confirmed factor of the given kinds, and the roles of accounts', async () => {
      const factors = new SqlMfaFactorRepository(suite.database.db)
      const [totp, pending, sms, none] = [
        await account('admin'),
        await account(),
        await account(),
        await account(),
      ]
      const factor = (accountId: string, k: 'totp' | 'sms', confirmedAt: number | null) =>
        factors.create({
          id: randomUUID(),
          accountId,
          kind: k,
          secretSealed: '',
          lastUsedStep: null,
          confirmedAt,
          createdAt: T0,
        })
      await factor(totp.id, 'totp', T0)
      await factor(pending.id, 'totp', null)
      await factor(sms.id, 'sms', T0)
      const ids = [totp.id, pending.id, sms.id, none.id]
      expect(await repo().withConfirmedFactor(ids, ['totp', 'webauthn'])).toEqual(new Set([totp.id]))
      expect(await repo().withConfirmedFactor(ids, ['totp', 'sms'])).toEqual(new Set([totp.id, sms.id]))
      expect(await repo().withConfirmedFactor(ids, [])).toEqual(new Set())
      expect(await repo().rolesOf([totp.id, none.id, randomUUID()])).toEqual(
        new Map([
          [totp.id, { role: 'admin', username: totp.username }],
          [none.id, { role: 'user', username: none.username }],
        ]),
      )
    })
  })
})
