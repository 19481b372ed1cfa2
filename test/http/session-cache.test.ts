import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSqlStore, type SqlStore } from '../../src/adapters/sql/store.js'
import { api, opened, problem } from '../helpers/api.js'
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
    (await api(s, { token }).GET('/v1/sessions/current')).data!.account.id

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
    const login = await api(s).POST('/v1/sessions', {
      body: { identifier: user.username, password: user.password },
    })
    const token = opened(login.data).token
    const refused = await api(s, { token }).GET('/v1/sessions')
    expect(refused.response.status).toBe(403)
    expect(problem(refused.error).code).toBe('password_change_required')
    await elsewhere.accounts.setPasswordHash(id, hash, s.clock.now(), { changed: true, mustChange: false })
    expect((await call(s, 'GET', '/v1/sessions', { token })).status).toBe(200)
  })

  it('counts a re-authentication made elsewhere at once', async () => {
    const { token } = await signUpAndLogin(s)
    s.clock.advance(11 * 60_000)
    const stale = await api(s, { token }).POST('/v1/mfa/totp')
    expect(stale.response.status).toBe(401)
    expect(problem(stale.error).code).toBe('reauth_required')
    const sessionId = (await api(s, { token }).GET('/v1/sessions/current')).data!.session.id
    await elsewhere.sessions.markAuthenticated(sessionId, s.clock.now())
    expect((await call(s, 'POST', '/v1/mfa/totp', { token })).status).toBe(201)
  })

  it('reads the database on every check when the cache is switched off', async () => {
    const off = await createTestServer(kind, { GATEHOUSE_SESSION_CACHE_MS: '0' })
    const db = await off.db.open()
    try {
      const { token } = await signUpAndLogin(off)
      const current = await api(off, { token }).GET('/v1/sessions/current')
      expect(current.response.status).toBe(200)
      await createSqlStore(db, roomyOutbox).sessions.revokeAll(current.data!.account.id, off.clock.now())
      expect((await call(off, 'GET', '/v1/sessions/current', { token })).status).toBe(401)
    } finally {
      await db.close()
      await off.close()
    }
  })
})
