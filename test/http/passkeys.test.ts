import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, challenged, problem } from '../helpers/api.js'
import { databaseKinds } from '../helpers/databases.js'
import { call, createTestServer, signUpAndLogin, type TestServer } from '../helpers/server.js'
import { SoftAuthenticator } from '../helpers/soft-authenticator.js'

const RP_ID = 'id.example.test'
const ORIGIN = 'https://id.example.test'
const MINUTE = 60_000

describe.each(databaseKinds())('passkeys (WebAuthn) on %s', (kind) => {
  let server: TestServer
  beforeAll(async () => {
    // The test server's public URL is https://id.example.test: rp id and origin derive from it.
    server = await createTestServer(kind)
  })
  afterAll(async () => {
    await server?.close()
  })

  const eventsOf = async (username: string) => {
    const a = await server.app.store.accounts.findByUsername(username)
    return server.app.store.events.listForAccount(a!.id, 200)
  }

  /** An account with one passkey on a fresh software authenticator. */
  const withPasskey = async () => {
    const { user, token } = await signUpAndLogin(server)
    const auth = new SoftAuthenticator(RP_ID, ORIGIN)
    // Raw: the options are WebAuthn's own JSON, which the route's schema leaves open.
    const options = await call(server, 'POST', '/v1/mfa/webauthn/register/options', { token })
    expect(options.status).toBe(200)
    const done = await api(server, { token }).POST('/v1/mfa/webauthn/register', {
      body: {
        challenge_id: options.json.challenge_id,
        response: auth.register(options.json.options),
        name: 'laptop',
      },
    })
    expect(done.response.status).toBe(201)
    return {
      user,
      token,
      auth,
      factorId: done.data!.factor.id,
      codes: done.data!.recovery_codes!,
    }
  }
  const passwordStep = async (user: { username: string; password: string }) => {
    const res = await api(server).POST('/v1/sessions', {
      body: { identifier: user.username, password: user.password },
    })
    expect(res.response.status).toBe(200)
    return challenged(res.data)
  }
  const mfa = async (token: string) => (await api(server, { token }).GET('/v1/mfa')).data!
  const username = async (token: string) =>
    (await api(server, { token }).GET('/v1/sessions/current')).data!.account.username
  const assertionOptions = async (challenge_id: string) => {
    const res = await call(server, 'POST', '/v1/sessions/mfa/webauthn/options', { body: { challenge_id } })
    expect(res.status).toBe(200)
    return res.json as {
      webauthn_challenge_id: string
      options: { challenge: string; allowCredentials: unknown[] }
    }
  }
  type Assertion = ReturnType<SoftAuthenticator['assert']>
  const finish = (challenge_id: string, webauthn_challenge_id: string, assertion: Assertion) =>
    api(server).POST('/v1/sessions/mfa', {
      body: { challenge_id, method: 'webauthn', webauthn_challenge_id, assertion },
    })
  const passkeyLogin = (challenge_id: string, assertion: Assertion) =>
    api(server).POST('/v1/sessions/passkey', { body: { challenge_id, assertion } })

  it('registers a passkey (with recovery codes, as a first factor) and asks for it at login', async () => {
    const { user, token, auth, factorId, codes } = await withPasskey()
    expect(codes).toHaveLength(10)
    expect(await mfa(token)).toMatchObject({
      factors: [{ id: factorId, kind: 'webauthn', status: 'active', name: 'laptop', last_used_at: null }],
      recovery_codes_remaining: 10,
    })
    const challenge = await passwordStep(user)
    expect(challenge.methods).toEqual(['webauthn', 'recovery_code'])
    const opts = await assertionOptions(challenge.challenge_id)
    expect(opts.options.allowCredentials).toHaveLength(1)
    const done = await finish(challenge.challenge_id, opts.webauthn_challenge_id, auth.assert(opts.options))
    expect(done.response.status).toBe(201)
    expect(done.data!.token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect((await mfa(token)).factors[0]!.last_used_at).not.toBeNull()
    await server.deliver()
    await server.smtp.waitFor((m) => m.to.includes(user.email) && /A second factor was added/.test(m.subject))
  })

  it('logs in without a password with a discoverable passkey', async () => {
    const { user, auth } = await withPasskey()
    const opts = await call(server, 'POST', '/v1/sessions/passkey/options', { body: {} })
    expect(opts.status).toBe(200)
    expect(opts.json.options.userVerification).toBe('required')
    const login = await passkeyLogin(opts.json.challenge_id, auth.assert(opts.json.options))
    expect(login.response.status).toBe(201)
    const session = login.data!
    const cookies = login.response.headers.getSetCookie()
    expect(cookies.some((c) => c.startsWith('gh_session='))).toBe(true)
    expect(cookies.some((c) => c.startsWith(`gh_device=${session.device_token}`))).toBe(true)
    expect(await username(session.token)).toBe(user.username)
    // Replaying the same assertion (same challenge) fails alike.
    const again = await passkeyLogin(opts.json.challenge_id, auth.assert(opts.json.options))
    expect(again.response.status).toBe(401)
    expect(problem(again.error).code).toBe('invalid_credentials')
  })

  it('records what the passkey proved (amr): hwk or swk, with mfa when it was a second factor or verified the user', async () => {
    const amr = async (token: string) =>
      (await api(server, { token }).GET('/v1/sessions/current')).data!.session.amr
    const { user, token, auth } = await withPasskey()
    expect(await amr(token)).toEqual(['pwd'])
    const challenge = await passwordStep(user)
    const opts = await assertionOptions(challenge.challenge_id)
    const second = await finish(challenge.challenge_id, opts.webauthn_challenge_id, auth.assert(opts.options))
    expect(await amr(second.data!.token)).toEqual(['pwd', 'hwk', 'mfa'])
    const again = await passwordStep(user)
    const synced = await assertionOptions(again.challenge_id)
    const viaSynced = await finish(
      again.challenge_id,
      synced.webauthn_challenge_id,
      auth.assert(synced.options, undefined, { backedUp: true }),
    )
    expect(await amr(viaSynced.data!.token)).toEqual(['pwd', 'swk', 'mfa'])
    for (const backedUp of [false, true]) {
      const o = await call(server, 'POST', '/v1/sessions/passkey/options', { body: {} })
      const login = await passkeyLogin(
        o.json.challenge_id,
        auth.assert(o.json.options, undefined, { backedUp }),
      )
      expect(login.response.status).toBe(201)
      expect(await amr(login.data!.token)).toEqual([backedUp ? 'swk' : 'hwk', 'mfa'])
    }
    // A passkey re-authentication adds the passkey's kind to a password session.
    const r = await call(server, 'POST', '/v1/sessions/current/reauth/webauthn/options', { token })
    const reauth = await api(server, { token }).POST('/v1/sessions/current/reauth', {
      body: {
        method: 'webauthn',
        webauthn_challenge_id: r.json.webauthn_challenge_id,
        assertion: auth.assert(r.json.options, undefined, { backedUp: true }),
      },
    })
    expect(reauth.response.status).toBe(200)
    expect(await amr(token)).toEqual(['pwd', 'swk'])
  })

  it('refuses a replayed assertion, another origin, another relying party and a missing user verification', async () => {
    const { user, auth } = await withPasskey()
    const challenge = await passwordStep(user)
    const opts = await assertionOptions(challenge.challenge_id)
    const good = auth.assert(opts.options)
    expect((await finish(challenge.challenge_id, opts.webauthn_challenge_id, good)).response.status).toBe(201)
    const second = await passwordStep(user)
    const o2 = await assertionOptions(second.challenge_id)
    // The old assertion answers another challenge: refused.
    const replay = await finish(second.challenge_id, o2.webauthn_challenge_id, good)
    expect(replay.response.status).toBe(401)
    expect(problem(replay.error).code).toBe('invalid_code')
    for (const faulty of [{ origin: 'https://evil.example.test' }, { rpId: 'evil.example.test' }]) {
      const c = await passwordStep(user)
      const o = await assertionOptions(c.challenge_id)
      const res = await finish(
        c.challenge_id,
        o.webauthn_challenge_id,
        auth.assert(o.options, undefined, faulty),
      )
      expect(res.response.status, JSON.stringify(faulty)).toBe(401)
      expect(problem(res.error).code).toBe('invalid_code')
    }
    const p = await call(server, 'POST', '/v1/sessions/passkey/options', { body: {} })
    const noUv = await passkeyLogin(
      p.json.challenge_id,
      auth.assert(p.json.options, undefined, { noUserVerification: true }),
    )
    expect(noUv.response.status).toBe(401)
    const fails = (await eventsOf(user.username)).filter((e) => e.type === 'authn_webauthn_fail')
    expect(fails.length).toBeGreaterThanOrEqual(3)
  })

  it('refuses a signature counter that does not move forward, and records it', async () => {
    const { user, auth } = await withPasskey()
    for (const [counter, expected] of [
      [5, 201],
      [5, 401],
      [3, 401],
    ] as const) {
      const c = await passwordStep(user)
      const o = await assertionOptions(c.challenge_id)
      const res = await finish(
        c.challenge_id,
        o.webauthn_challenge_id,
        auth.assert(o.options, undefined, { counter }),
      )
      expect(res.response.status, `counter ${counter}`).toBe(expected)
    }
    const events = await eventsOf(user.username)
    expect(events.filter((e) => e.type === 'authn_webauthn_counter_regressed')).toHaveLength(2)
    expect(
      events.filter((e) => e.type === 'authn_login_success' && e.details.second_factor === 'webauthn'),
    ).toHaveLength(1)
  })

  it('binds assertion options to their login challenge, and lets them expire', async () => {
    const a = await withPasskey()
    const first = await passwordStep(a.user)
    const second = await passwordStep(a.user)
    const o1 = await assertionOptions(first.challenge_id)
    const crossed = await finish(second.challenge_id, o1.webauthn_challenge_id, a.auth.assert(o1.options))
    expect(crossed.response.status).toBe(401)
    // Another account's login challenge gets no options for these passkeys, and an unknown one none at all.
    const b = await withPasskey()
    const other = await passwordStep(b.user)
    const o2 = await assertionOptions(other.challenge_id)
    const foreign = await finish(other.challenge_id, o2.webauthn_challenge_id, a.auth.assert(o2.options))
    expect(foreign.response.status).toBe(401)
    expect(
      (await call(server, 'POST', '/v1/sessions/mfa/webauthn/options', { body: { challenge_id: 'nope' } }))
        .status,
    ).toBe(401)
    const late = await passwordStep(a.user)
    const o3 = await assertionOptions(late.challenge_id)
    server.clock.advance(6 * MINUTE)
    expect(
      (await finish(late.challenge_id, o3.webauthn_challenge_id, a.auth.assert(o3.options))).response.status,
    ).toBe(401)
    const p = await call(server, 'POST', '/v1/sessions/passkey/options', { body: {} })
    server.clock.advance(6 * MINUTE)
    const stale = await passkeyLogin(p.json.challenge_id, a.auth.assert(p.json.options))
    expect(stale.response.status).toBe(401)
  })

  it('counts failed assertions as guesses: the challenge dies after 5', async () => {
    const { user, auth } = await withPasskey()
    const c = await passwordStep(user)
    for (let i = 0; i < 5; i++) {
      const o = await assertionOptions(c.challenge_id)
      const res = await finish(
        c.challenge_id,
        o.webauthn_challenge_id,
        auth.assert(o.options, undefined, { origin: 'https://x.test' }),
      )
      expect(res.response.status).toBe(401)
    }
    const dead = await call(server, 'POST', '/v1/sessions/mfa/webauthn/options', {
      body: { challenge_id: c.challenge_id },
    })
    expect(dead.status).toBe(401)
    expect(problem(dead.json).code).toBe('invalid_code')
  })

  it('refuses an unknown passkey, a registration for another origin, and a used registration challenge', async () => {
    const { token, auth } = await withPasskey()
    const stranger = new SoftAuthenticator(RP_ID, ORIGIN)
    const p = await call(server, 'POST', '/v1/sessions/passkey/options', { body: {} })
    stranger.register({ challenge: 'x', user: { id: 'AAAA' } })
    const unknown = await passkeyLogin(p.json.challenge_id, stranger.assert(p.json.options))
    expect(unknown.response.status).toBe(401)
    expect(problem(unknown.error).code).toBe('invalid_credentials')

    const o = await call(server, 'POST', '/v1/mfa/webauthn/register/options', { token })
    expect(o.json.options.excludeCredentials).toHaveLength(1)
    const register = (response: ReturnType<SoftAuthenticator['register']>) =>
      api(server, { token }).POST('/v1/mfa/webauthn/register', {
        body: { challenge_id: o.json.challenge_id, response },
      })
    const wrongOrigin = await register(auth.register(o.json.options, { origin: 'https://evil.test' }))
    expect(wrongOrigin.response.status).toBe(400)
    expect(problem(wrongOrigin.error).code).toBe('webauthn_failed')
    // The challenge was used by the failed attempt.
    const reuse = await register(auth.register(o.json.options))
    expect(reuse.response.status).toBe(400)
    expect((await mfa(token)).factors).toHaveLength(1)
  })

  it('refuses malformed ceremonies with a 4xx problem', async () => {
    const { user, token, auth } = await withPasskey()
    const c = await passwordStep(user)
    const o = await assertionOptions(c.challenge_id)
    const good = auth.assert(o.options)
    const bodies: unknown[] = [
      { challenge_id: c.challenge_id, method: 'webauthn' },
      { challenge_id: c.challenge_id, method: 'webauthn', assertion: good },
      {
        challenge_id: c.challenge_id,
        method: 'webauthn',
        webauthn_challenge_id: o.webauthn_challenge_id,
        assertion: good,
        code: '123456',
      },
      {
        challenge_id: c.challenge_id,
        method: 'totp',
        assertion: good,
        webauthn_challenge_id: o.webauthn_challenge_id,
      },
      {
        challenge_id: c.challenge_id,
        method: 'webauthn',
        webauthn_challenge_id: o.webauthn_challenge_id,
        assertion: { ...good, response: { ...good.response, signature: 'not base64url!' } },
      },
      {
        challenge_id: c.challenge_id,
        method: 'webauthn',
        webauthn_challenge_id: o.webauthn_challenge_id,
        assertion: { ...good, type: 'password' },
      },
    ]
    for (const body of bodies) {
      const res = await call(server, 'POST', '/v1/sessions/mfa', { body })
      expect(res.status, JSON.stringify(body).slice(0, 120)).toBe(400)
      expect(problem(res.json).code).toBe('invalid_request')
    }
    // Garbage that has the right shape is a failed guess, not a crash.
    const garbage = await finish(c.challenge_id, o.webauthn_challenge_id, {
      ...good,
      response: { ...good.response, authenticatorData: 'AAAA', clientDataJSON: 'e30' },
    })
    expect(garbage.response.status).toBe(401)
    const reg = await call(server, 'POST', '/v1/mfa/webauthn/register', {
      token,
      body: { challenge_id: 'x', response: { id: 'a', rawId: 'a', type: 'public-key', response: {} } },
    })
    expect(reg.status).toBe(400)
    expect(
      (
        await call(server, 'POST', '/v1/sessions/passkey', {
          body: { challenge_id: 'x', assertion: { id: 'a' } },
        })
      ).status,
    ).toBe(400)
  })

  it('makes recovery of a passkey-only account need a factor: one of its recovery codes', async () => {
    const { user, codes } = await withPasskey()
    expect(
      (await api(server).POST('/v1/recovery', { body: { identifier: user.username } })).response.status,
    ).toBe(202)
    await server.deliver()
    const mail = await server.smtp.waitFor(
      (m) => m.to.includes(user.email) && /reset|recover/i.test(m.subject),
    )
    const resetToken = server.smtp.tokenFrom(mail)
    const without = await api(server).POST('/v1/recovery/complete', {
      body: { token: resetToken, password: 'harbour violet 62 comet' },
    })
    expect(without.response.status).toBe(401)
    expect(problem(without.error).code).toBe('mfa_required')
    const withCode = await api(server).POST('/v1/recovery/complete', {
      body: { token: resetToken, password: 'harbour violet 62 comet', code: codes[0] },
    })
    expect(withCode.response.status).toBe(200)
  })

  it('re-authenticates a session with a passkey, once per challenge and only with the account’s own', async () => {
    const { token, auth } = await withPasskey()
    const other = await withPasskey()
    for (let i = 0; i < 3; i++) {
      server.clock.advance(5 * MINUTE)
      expect((await call(server, 'GET', '/v1/sessions/current', { token })).status).toBe(200)
    }
    expect(
      problem((await call(server, 'POST', '/v1/mfa/webauthn/register/options', { token })).json).code,
    ).toBe('reauth_required')
    const options = async (t: string) => {
      const res = await call(server, 'POST', '/v1/sessions/current/reauth/webauthn/options', { token: t })
      expect(res.status).toBe(200)
      return res.json as { webauthn_challenge_id: string; options: { challenge: string } }
    }
    const reauth = (t: string, webauthn_challenge_id: string, assertion: Assertion) =>
      api(server, { token: t }).POST('/v1/sessions/current/reauth', {
        body: { method: 'webauthn', webauthn_challenge_id, assertion },
      })
    // Another account's passkey answering this session's challenge fails, and uses the challenge up.
    const o1 = await options(token)
    const foreign = await reauth(token, o1.webauthn_challenge_id, other.auth.assert(o1.options))
    expect(foreign.response.status).toBe(401)
    expect(problem(foreign.error).code).toBe('invalid_code')
    expect((await reauth(token, o1.webauthn_challenge_id, auth.assert(o1.options))).response.status).toBe(401)
    // A challenge issued to another session's account does not serve this one.
    const o2 = await options(other.token)
    expect((await reauth(token, o2.webauthn_challenge_id, auth.assert(o2.options))).response.status).toBe(401)
    const o3 = await options(token)
    const ok = await reauth(token, o3.webauthn_challenge_id, auth.assert(o3.options))
    expect(ok.response.status).toBe(200)
    expect((await call(server, 'POST', '/v1/mfa/webauthn/register/options', { token })).status).toBe(200)
    const noKeys = await signUpAndLogin(server)
    expect(
      (await call(server, 'POST', '/v1/sessions/current/reauth/webauthn/options', { token: noKeys.token }))
        .status,
    ).toBe(400)
  })

  it('lets a passkey-only account replace its recovery codes; an account without a factor has none to replace', async () => {
    const { token, codes } = await withPasskey()
    const renew = (t: string, body: { code?: string }) =>
      api(server, { token: t }).POST('/v1/mfa/recovery-codes', { body })
    const renewed = await renew(token, {})
    expect(renewed.response.status).toBe(200)
    expect(renewed.data!.recovery_codes).toHaveLength(10)
    expect(renewed.data!.recovery_codes).not.toContain(codes[0])
    const wrongTotp = await renew(token, { code: '123456' })
    expect(wrongTotp.response.status).toBe(401)
    const plain = await signUpAndLogin(server)
    const none = await renew(plain.token, {})
    expect(none.response.status).toBe(409)
    expect(problem(none.error).code).toBe('second_factor_required')
  })

  it('removes a passkey (with a recent proof of identity): the password alone logs in again', async () => {
    const { user, token, factorId } = await withPasskey()
    const removed = await api(server, { token }).DELETE('/v1/mfa/factors/{id}', {
      params: { path: { id: factorId } },
    })
    expect(removed.response.status).toBe(204)
    expect(await mfa(token)).toEqual({
      factors: [],
      recovery_codes_remaining: 0,
    })
    const login = await api(server).POST('/v1/sessions', {
      body: { identifier: user.username, password: user.password },
    })
    expect(login.response.status).toBe(201)
  })
})
