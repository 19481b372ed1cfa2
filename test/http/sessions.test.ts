import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../src/app.js'
import { loadConfig } from '../../src/config/index.js'
import { api, opened, problem } from '../helpers/api.js'
import { databaseKinds } from '../helpers/databases.js'
import { call, createTestServer, freshUser, signUpAndLogin, type TestServer } from '../helpers/server.js'

describe.each(databaseKinds())('sessions over HTTP on %s', (kind) => {
  let server: TestServer
  beforeAll(async () => {
    server = await createTestServer(kind)
  })
  afterAll(async () => {
    await server?.close()
  })

  it('logs in by username, email (any case) and verified phone, with an opaque 256-bit token', async () => {
    const { user } = await signUpAndLogin(server)
    const account = await server.app.store.accounts.findByUsername(user.username)
    await server.app.database.db
      .updateTable('accounts')
      .set({ phone: '+14155550199', phone_verified_at: server.clock.now() })
      .where('id', '=', account!.id)
      .execute()
    const tokens = new Set<string>()
    for (const identifier of [user.username, user.email.toUpperCase(), '+14155550199']) {
      const res = await api(server).POST('/v1/sessions', { body: { identifier, password: user.password } })
      expect(res.response.status, identifier).toBe(201)
      const session = opened(res.data)
      expect(session.token).toMatch(/^[A-Za-z0-9_-]{43}$/)
      expect(new Date(session.expires_at).getTime()).toBe(server.clock.now() + 12 * 3600 * 1000)
      tokens.add(session.token)
    }
    expect(tokens.size).toBe(3)
  })

  it('sets an HttpOnly, SameSite=Lax session cookie, Secure for an https public URL, and accepts it', async () => {
    const { user } = await signUpAndLogin(server)
    const res = await server.app.http.inject({
      method: 'POST',
      url: '/v1/sessions',
      payload: { identifier: user.username, password: user.password },
    })
    const cookie = String(res.headers['set-cookie'])
    expect(cookie).toMatch(/^gh_session=[A-Za-z0-9_-]{43};/)
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/Secure/)
    expect(cookie).toMatch(/SameSite=Lax/)
    expect(cookie).toMatch(/Path=\//)
    const value = cookie.split(';')[0]!
    const current = await api(server, { headers: { cookie: value } }).GET('/v1/sessions/current')
    expect(current.response.status).toBe(200)
    expect(current.data!.account.username).toBe(user.username)
  })

  it('fails every kind of bad login with the same 401 invalid_credentials', async () => {
    const { user } = await signUpAndLogin(server)
    const pending = freshUser()
    await api(server).POST('/v1/accounts', { body: pending })
    const attempts = [
      { identifier: user.username, password: 'wrong password here' },
      { identifier: 'nobody_here_at_all', password: user.password },
      { identifier: 'nobody@example.org', password: user.password },
      { identifier: '+14155550100', password: user.password },
      { identifier: pending.username, password: 'wrong password here' },
      { identifier: pending.email, password: pending.password },
      { identifier: user.username, password: 'x'.repeat(50_000) },
      { identifier: '%%%', password: 'whatever it is' },
    ]
    const bodies = new Set<string>()
    for (const body of attempts) {
      const res = await api(server).POST('/v1/sessions', { body })
      expect(res.response.status).toBe(401)
      const refusal = problem(res.error)
      expect(refusal.code).toBe('invalid_credentials')
      const { request_id: _ignored, ...rest } = refusal
      bodies.add(JSON.stringify(rest))
    }
    expect(bodies.size).toBe(1)
  })

  it('answers a right password on an unverified account with 403 email_unverified, and nothing else', async () => {
    const pending = freshUser()
    expect((await api(server).POST('/v1/accounts', { body: pending })).response.status).toBe(202)
    const right = await api(server).POST('/v1/sessions', {
      body: { identifier: pending.username, password: pending.password },
    })
    expect(right.response.status).toBe(403)
    expect(right.response.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    const refusal = problem(right.error)
    expect(refusal.code).toBe('email_unverified')
    expect(refusal.detail).toMatch(/POST \/v1\/accounts\/verify\/resend/)
    expect(refusal.token).toBeUndefined()
    expect(right.data).toBeUndefined()
    expect(right.response.headers.has('set-cookie')).toBe(false)
    // A wrong password, and the right one by the email address, answer as every other failure.
    const failure = async (identifier: string, password: string) => {
      const res = await api(server).POST('/v1/sessions', { body: { identifier, password } })
      const { request_id: _ignored, ...rest } = problem(res.error)
      return { status: res.response.status, body: JSON.stringify(rest) }
    }
    const missing = await failure('nobody_here_at_all', pending.password)
    expect(missing.status).toBe(401)
    expect(await failure(pending.username, 'wrong password here')).toEqual(missing)
    expect(await failure(pending.email, pending.password)).toEqual(missing)
    // Verified, the same password opens a session.
    await server.deliver()
    const mail = await server.smtp.waitFor((m) => m.to.includes(pending.email) && /verif/i.test(m.subject))
    const token = server.smtp.tokenFrom(mail)
    expect((await api(server).POST('/v1/accounts/verify', { body: { token } })).response.status).toBe(200)
    const after = await api(server).POST('/v1/sessions', {
      body: { identifier: pending.username, password: pending.password },
    })
    expect(after.response.status).toBe(201)
  })

  it('shows the current session and the list of sessions, and revokes one or all but the current', async () => {
    const { user, token } = await signUpAndLogin(server)
    const creds = { identifier: user.username, password: user.password }
    const other = opened(
      (
        await api(server, { headers: { 'user-agent': 'OtherDevice/1.0' } }).POST('/v1/sessions', {
          body: creds,
        })
      ).data,
    )
    const third = opened((await api(server).POST('/v1/sessions', { body: creds })).data)
    const status = async (t: string) =>
      (await api(server, { token: t }).GET('/v1/sessions/current')).response.status

    const current = await api(server, { token }).GET('/v1/sessions/current')
    expect(current.response.status).toBe(200)
    expect(current.data!.account.username).toBe(user.username)
    expect(Object.keys(current.data!.account).sort()).toEqual([
      'id',
      'locale',
      'mfa_enrolment_required',
      'must_change_password',
      'role',
      'username',
    ])
    expect(current.data!.account.role).toBe('user')

    const list = (await api(server, { token }).GET('/v1/sessions')).data!
    expect(list.sessions).toHaveLength(3)
    expect(list.sessions.filter((s) => s.current)).toHaveLength(1)
    const otherView = list.sessions.find((s) => s.device === 'OtherDevice/1.0')!
    expect(otherView.ip).toBe('127.0.0.1')

    const one = { params: { path: { id: otherView.id } } }
    expect((await api(server, { token }).DELETE('/v1/sessions/{id}', one)).response.status).toBe(204)
    expect(await status(other.token)).toBe(401)
    const again = await api(server, { token }).DELETE('/v1/sessions/{id}', one)
    expect(again.response.status).toBe(404)
    expect(problem(again.error).code).toBe('session_not_found')

    const all = await api(server, { token }).DELETE('/v1/sessions')
    expect(all.data).toEqual({ revoked: 1 })
    expect(await status(third.token)).toBe(401)
    expect(await status(token)).toBe(200)

    expect((await api(server, { token }).DELETE('/v1/sessions/current')).response.status).toBe(204)
    expect(await status(token)).toBe(401)
  })

  it("cannot revoke another account's session", async () => {
    const a = await signUpAndLogin(server)
    const b = await signUpAndLogin(server)
    const bSessions = (await api(server, { token: b.token }).GET('/v1/sessions')).data!
    const res = await api(server, { token: a.token }).DELETE('/v1/sessions/{id}', {
      params: { path: { id: bSessions.sessions[0]!.id } },
    })
    expect(res.response.status).toBe(404)
    expect((await api(server, { token: b.token }).GET('/v1/sessions/current')).response.status).toBe(200)
  })

  it('expires a session after the idle timeout and after the absolute lifetime', async () => {
    const { user, token } = await signUpAndLogin(server)
    server.clock.advance(29 * 60 * 1000)
    expect((await call(server, 'GET', '/v1/sessions/current', { token })).status).toBe(200)
    server.clock.advance(29 * 60 * 1000)
    expect((await call(server, 'GET', '/v1/sessions/current', { token })).status).toBe(200)
    server.clock.advance(31 * 60 * 1000)
    expect((await call(server, 'GET', '/v1/sessions/current', { token })).status).toBe(401)

    const fresh = opened(
      (
        await api(server).POST('/v1/sessions', {
          body: { identifier: user.username, password: user.password },
        })
      ).data,
    )
    for (let i = 0; i < 24; i++) {
      server.clock.advance(29 * 60 * 1000)
      const res = await api(server, { token: fresh.token }).GET('/v1/sessions/current')
      expect(res.response.status, `after ${(i + 1) * 29} minutes`).toBe(200)
    }
    server.clock.advance(60 * 60 * 1000)
    expect((await api(server, { token: fresh.token }).GET('/v1/sessions/current')).response.status).toBe(401)
  })

  it('refuses tokens from the query string and malformed authorization headers', async () => {
    const { token } = await signUpAndLogin(server)
    expect((await call(server, 'GET', `/v1/sessions/current?token=${token}`)).status).toBe(401)
    expect((await call(server, 'GET', `/v1/sessions/current?sid=${token}`)).status).toBe(401)
    const basic = await api(server, { headers: { authorization: `Basic ${token}` } }).GET(
      '/v1/sessions/current',
    )
    expect(basic.response.status).toBe(401)
    expect(problem(basic.error).code).toBe('unauthenticated')
  })

  it('upgrades the stored hash at login when the argon2 parameters change', async () => {
    const { user } = await signUpAndLogin(server)
    const before = (await server.app.store.accounts.findByUsername(user.username))!.passwordHash
    expect(before).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
    const config = loadConfig({
      GATEHOUSE_DATA_DIR: server.db.dataDir,
      GATEHOUSE_LOG_LEVEL: 'silent',
      GATEHOUSE_ARGON2_MEMORY_KIB: '12288',
      GATEHOUSE_ARGON2_ITERATIONS: '3',
      // This login keeps no device token; the new-device step-up is another suite's subject.
      GATEHOUSE_STEP_UP_NEW_DEVICE: 'false',
      ...(server.db.databaseUrl ? { DATABASE_URL: server.db.databaseUrl } : {}),
    })
    const second = await createApp(config, {
      database: await server.db.open(),
      logger: pino({ level: 'silent' }),
      manualWorkers: true,
    })
    try {
      const res = await second.http.inject({
        method: 'POST',
        url: '/v1/sessions',
        payload: { identifier: user.username, password: user.password },
      })
      expect(res.statusCode).toBe(201)
      const after = (await second.store.accounts.findByUsername(user.username))!.passwordHash
      expect(after).toMatch(/^\$argon2id\$v=19\$m=12288,t=3,p=1\$/)
    } finally {
      await second.close()
    }
    const again = await api(server).POST('/v1/sessions', {
      body: { identifier: user.username, password: user.password },
    })
    expect(again.response.status).toBe(201)
  })
})
