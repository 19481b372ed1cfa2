import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { SqlOidcArtifactStore } from '../../src/adapters/sql/oidc-repository.js'
import type { OidcArtifact } from '../../src/modules/oidc/ports.js'
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

  /*
   * API servers cache what introspection answered for an access token (@gatehouse/server): a token
   * or grant the provider deletes before its time moves the count (and so is announced); a new
   * token, a consumed code and the provider's own bookkeeping do not.
   */
  it('moves when the provider revokes a token or a grant, not when it issues or consumes one', async () => {
    const artifacts = new SqlOidcArtifactStore(suite.database.db)
    const artifact = (model: string, over: Partial<OidcArtifact> = {}): OidcArtifact => ({
      model,
      id: `${model}-${unique()}`,
      payload: { kind: model },
      expiresAt: T0 + HOUR,
      grantId: null,
      uid: null,
      userCode: null,
      accountId: null,
      clientId: 'ghc_test',
      consumedAt: null,
      ...over,
    })
    const grant = artifact('Grant')
    const access = artifact('AccessToken', { grantId: grant.id })
    const code = artifact('AuthorizationCode', { grantId: grant.id })
    const interaction = artifact('Interaction', { uid: `uid-${unique()}` })
    for (const a of [grant, access, code, interaction])
      expect(await moves(() => artifacts.upsert(a))).toBe(false)
    expect(await moves(() => artifacts.upsert({ ...access, payload: { again: true } }))).toBe(false)
    expect(await moves(() => artifacts.consume('AuthorizationCode', code.id, T0 + 1))).toBe(false)
    expect(await moves(() => artifacts.find('AccessToken', access.id, T0 + 1))).toBe(false)
    expect(await moves(() => artifacts.destroy('Interaction', interaction.id))).toBe(false)
    expect(await moves(() => artifacts.deleteExpiredBefore(T0 - HOUR))).toBe(false)

    // The revocation endpoint deletes the token; withdrawing access deletes the grant and its tokens.
    expect(await moves(() => artifacts.destroy('AccessToken', access.id))).toBe(true)
    expect(await moves(() => artifacts.destroy('RefreshToken', `r-${unique()}`))).toBe(true)
    expect(await moves(() => artifacts.revokeByGrantId(grant.id))).toBe(true)
  })
})
