import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import type { NewSession } from '../../src/modules/sessions/ports.js'
import { databaseKinds } from '../helpers/databases.js'
import { HOUR, MINUTE, newAccount, T0, unique, useSuiteDatabase } from './fixtures.js'

/*
 * The count of writes that may change a session check's answer (src/adapters/sql/principal-changes.ts),
 * which the in-process session cache trusts: every such write through the repositories must move it,
 * and the session check's own bookkeeping (and everything else a login writes) must not.
 */

describe.each(databaseKinds())('changes to what a session check answers, on %s', (kind) => {
  const suite = useSuiteDatabase(kind)
  const count = () => suite.database.principalChanges.generation

  const setUp = async () => {
    const a = newAccount()
    await suite.store.accounts.create(a)
    const s: NewSession = {
      id: randomUUID(),
      tokenHash: `hash-${unique()}`,
      accountId: a.id,
      createdAt: T0,
      lastSeenAt: T0,
      expiresAt: T0 + 12 * HOUR,
      idleExpiresAt: T0 + 30 * MINUTE,
      ip: null,
      userAgent: null,
      restricted: false,
      authenticatedAt: T0,
      mfaEnrolment: false,
      amr: ['pwd'],
    }
    await suite.store.sessions.create(s)
    return { a, s }
  }

  const moves = async (what: () => Promise<unknown>) => {
    const before = count()
    await what()
    return count() > before
  }

  it('stays put for lookups, new rows, touches and the writes of an ordinary login', async () => {
    const { a, s } = await setUp()
    const stores = suite.store
    expect(await moves(() => stores.sessions.findActive(s.tokenHash, T0 + 1))).toBe(false)
    expect(await moves(() => stores.sessions.touch(s.id, T0 + MINUTE, T0 + 31 * MINUTE))).toBe(false)
    expect(await moves(() => stores.accounts.create(newAccount()))).toBe(false)
    expect(await moves(() => stores.accounts.markEmailVerified(a.id, T0))).toBe(false)
    // A login that upgrades the stored hash changes nothing a session check answers.
    expect(await moves(() => stores.accounts.setPasswordHash(a.id, 'x', T0, { changed: false }))).toBe(false)
    expect(await moves(() => stores.accounts.setLocked(a.id, null, T0))).toBe(false)
    expect(await moves(() => stores.sessions.listActive(a.id, T0))).toBe(false)
  })

  it('moves for every revocation, restriction and change of the account a session check shows', async () => {
    const { a, s } = await setUp()
    const stores = suite.store
    expect(await moves(() => stores.sessions.markAuthenticated(s.id, T0 + 1))).toBe(true)
    expect(await moves(() => stores.sessions.liftMfaEnrolment(s.id))).toBe(true)
    expect(await moves(() => stores.accounts.setRole(a.id, 'admin', T0))).toBe(true)
    expect(
      await moves(() => stores.accounts.setPasswordHash(a.id, 'y', T0, { changed: true, mustChange: true })),
    ).toBe(true)
    expect(await moves(() => stores.sessions.revoke(a.id, s.id, T0 + 2))).toBe(true)
    expect(await moves(() => stores.sessions.revokeAll(a.id, T0 + 3))).toBe(true)
    expect(await moves(() => stores.sessions.deleteEndedBefore(T0 - 1))).toBe(true)
    expect(await moves(() => stores.accounts.deleteUnverifiedBefore(T0 - 1))).toBe(true)
    expect(
      await moves(() =>
        sql`update sessions set revoked_at = ${T0} where id = ${s.id}`.execute(suite.database.db),
      ),
    ).toBe(true)
  })

  it('moves again once a transaction that revoked commits, and not for one that changed nothing', async () => {
    const { a, s } = await setUp()
    let inside = 0
    await suite.store.transaction(async (tx) => {
      await tx.sessions.revoke(a.id, s.id, T0 + 1)
      inside = count()
    })
    expect(count()).toBeGreaterThan(inside)

    const other = await setUp()
    let untouched = 0
    await suite.store.transaction(async (tx) => {
      await tx.sessions.touch(other.s.id, T0 + MINUTE, T0 + 31 * MINUTE)
      untouched = count()
    })
    expect(count()).toBe(untouched)
  })
})
