import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSqlStore, type SqlStore } from '../../src/adapters/sql/store.js'
import { databaseKinds } from '../helpers/databases.js'
import { roomyOutbox } from '../helpers/outbound.js'
import { expectRefusedWithin } from '../helpers/revocation.js'
import { call, createTestServer, signUpAndLogin, type TestServer } from '../helpers/server.js'

/**
 * The session cache against changes it cannot see: writes made through another connection, as another
 * instance would make them. A revocation made elsewhere takes effect within a second; anything made
 * elsewhere that lets a session do more (a required password change done, a re-authentication) counts
 * at once, because only a current reading of the session may refuse.
 */
describe.each(databaseKinds())('the session cache and changes made by another instance (%s)', (kind) => {
  let s: TestServer
  let elsewhere: SqlStore
  let closeElsewhere: () => Promise<void>
  beforeAll(async () => {
    s = await createTestServer(kind)
    const db = await s.db.open()
    elsewhere = createSqlStore(db, roomyOutbox)
    closeElsewhere = () => db.close()
  })
  afterAll(async () => {
    await closeElsewhere?.()
    await s?.close()
  })

  const accountIdOf = async (token: string) =>
    (await call(s, 'GET', '/v1/sessions/current', { token })).json.account.id as string

  it('ends a session revoked elsewhere within a second, and one revoked here at once', async () => {
    const { token } = await signUpAndLogin(s)
    const id = await accountIdOf(token)
    expect((await call(s, 'GET', '/v1/sessions', { token })).status).toBe(200)
    const revokedAt = performance.now()
    expect(await elsewhere.sessions.revokeAll(id, s.clock.now())).toBe(1)
    await expectRefusedWithin(
      async () => (await call(s, 'GET', '/v1/sessions', { token })).status,
      revokedAt,
      1000,
      25,
    )

    const here = await signUpAndLogin(s)
    expect((await call(s, 'GET', '/v1/sessions', { token: here.token })).status).toBe(200)
    expect((await call(s, 'DELETE', '/v1/sessions/current', { token: here.token })).status).toBe(204)
    expect((await call(s, 'GET', '/v1/sessions', { token: here.token })).status).toBe(401)
  })

  it('lets a session through at once when a required password change was done elsewhere', async () => {
    const { user, token: first } = await signUpAndLogin(s)
    const id = await accountIdOf(first)
    const hash = (await elsewhere.accounts.findById(id))?.passwordHash ?? ''
    await elsewhere.accounts.setPasswordHash(id, hash, s.clock.now(), { changed: false, mustChange: true })
    const login = await call(s, 'POST', '/v1/sessions', {
      body: { identifier: user.username, password: user.password },
    })
    const token = login.json.token as string
    const refused = await call(s, 'GET', '/v1/sessions', { token })
    expect(refused.status).toBe(403)
    expect(refused.json.code).toBe('password_change_required')
    await elsewhere.accounts.setPasswordHash(id, hash, s.clock.now(), { changed: true, mustChange: false })
    expect((await call(s, 'GET', '/v1/sessions', { token })).status).toBe(200)
  })

  it('counts a re-authentication made elsewhere at once', async () => {
    const { token } = await signUpAndLogin(s)
    s.clock.advance(11 * 60_000)
    const stale = await call(s, 'POST', '/v1/mfa/totp', { token })
    expect(stale.status).toBe(401)
    expect(stale.json.code).toBe('reauth_required')
    const sessionId = (await call(s, 'GET', '/v1/sessions/current', { token })).json.session.id as string
    await elsewhere.sessions.markAuthenticated(sessionId, s.clock.now())
    expect((await call(s, 'POST', '/v1/mfa/totp', { token })).status).toBe(201)
  })

  it('reads the database on every check when the cache is switched off', async () => {
    const off = await createTestServer(kind, { GATEHOUSE_SESSION_CACHE_MS: '0' })
    const db = await off.db.open()
    try {
      const { token } = await signUpAndLogin(off)
      const current = await call(off, 'GET', '/v1/sessions/current', { token })
      expect(current.status).toBe(200)
      await createSqlStore(db, roomyOutbox).sessions.revokeAll(current.json.account.id, off.clock.now())
      expect((await call(off, 'GET', '/v1/sessions/current', { token })).status).toBe(401)
    } finally {
      await db.close()
      await off.close()
    }
  })
})
