import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { totpCodeAt } from '../../src/modules/mfa/totp.js'
import { api, type Body, challenged, opened, problem, rawBody } from '../helpers/api.js'
import { databaseKinds } from '../helpers/databases.js'
import {
  call,
  createTestServer,
  freshUser,
  signUpAndLogin,
  type TestServer,
  withTotp as withTotpAccount,
} from '../helpers/server.js'

const MINUTE = 60_000
const STEP = 30_000

describe.each(databaseKinds())('re-authentication, sensitive changes and the MFA policy on %s', (kind) => {
  let server: TestServer
  beforeAll(async () => {
    server = await createTestServer(kind)
  })
  afterAll(async () => {
    await server?.close()
  })

  const accountOf = async (username: string) => {
    const a = await server.app.store.accounts.findByUsername(username)
    if (!a) throw new Error('no account')
    return a
  }
  const eventsOf = async (username: string) =>
    (await server.app.store.events.listForAccount((await accountOf(username)).id, 200)).map((e) => e.type)
  const mailTo = (address: string, subject: RegExp) =>
    server.smtp.waitFor((m) => m.to.includes(address) && subject.test(m.subject), 3000)

  const withTotp = () => withTotpAccount(server)
  /** The second factors of the session's account, as `GET /v1/mfa` answers them. */
  const mfa = async (token: string) => (await api(server, { token }).GET('/v1/mfa')).data!
  const factorId = async (token: string) => (await mfa(token)).factors[0]!.id
  const reauth = (token: string | undefined, body: Body<'/v1/sessions/current/reauth', 'post'>) =>
    api(server, token ? { token } : {}).POST('/v1/sessions/current/reauth', { body })
  const login = (identifier: string, password: string, s = server) =>
    api(s).POST('/v1/sessions', { body: { identifier, password } })
  /** Logs in again with a TOTP code; returns the session token. */
  const loginWithTotp = async (user: { username: string; password: string }, secret: string) => {
    const first = await login(user.username, user.password)
    expect(first.response.status).toBe(200)
    server.clock.advance(STEP)
    const done = await api(server).POST('/v1/sessions/mfa', {
      body: {
        challenge_id: challenged(first.data).challenge_id,
        method: 'totp',
        code: totpCodeAt(secret, server.clock.now()),
      },
    })
    expect(done.response.status).toBe(201)
    return done.data!.token
  }
  /** Keeps the session alive (idle expiry is 30 minutes) while the proof of identity ages. */
  const age = async (token: string, minutes: number) => {
    for (let i = 0; i < minutes; i += 5) {
      server.clock.advance(5 * MINUTE)
      expect((await call(server, 'GET', '/v1/sessions/current', { token })).status).toBe(200)
    }
  }

  describe('re-authentication', () => {
    it('asks for a fresh proof of identity 10 minutes after login, and accepts the password', async () => {
      const { user, token } = await signUpAndLogin(server)
      const current = (await api(server, { token }).GET('/v1/sessions/current')).data!
      expect(current.session.authenticated_at).toBe(new Date(server.clock.now()).toISOString())
      await age(token, 10)
      server.clock.advance(1000)
      const enrol = () => api(server, { token }).POST('/v1/mfa/totp')
      const refused = await enrol()
      expect(refused.response.status).toBe(401)
      expect(refused.response.headers.get('content-type')).toMatch(/^application\/problem\+json/)
      expect(problem(refused.error).code).toBe('reauth_required')
      expect((await mfa(token)).factors).toEqual([])

      const wrong = await reauth(token, { password: `${user.password}x` })
      expect(wrong.response.status).toBe(401)
      expect(problem(wrong.error).code).toBe('invalid_credentials')
      expect(problem((await enrol()).error).code).toBe('reauth_required')

      const ok = await reauth(token, { password: user.password })
      expect(ok.response.status).toBe(200)
      expect(ok.data!.authenticated_at).toBe(new Date(server.clock.now()).toISOString())
      expect((await enrol()).response.status).toBe(201)
      expect(await eventsOf(user.username)).toEqual(
        expect.arrayContaining(['authn_reauth', 'authn_reauth_fail']),
      )
    })

    it('accepts a TOTP code or a recovery code instead of the password', async () => {
      const { user, token, secret, codes } = await withTotp()
      await age(token, 15)
      const byTotp = await reauth(token, { method: 'totp', code: totpCodeAt(secret, server.clock.now()) })
      expect(byTotp.response.status).toBe(200)
      // The same step again is a replay, and says so.
      const replay = await reauth(token, { method: 'totp', code: totpCodeAt(secret, server.clock.now()) })
      expect(replay.response.status).toBe(401)
      expect(problem(replay.error).code).toBe('code_already_used')
      await age(token, 15)
      const byCode = await reauth(token, { method: 'recovery_code', code: codes[0]! })
      expect(byCode.response.status).toBe(200)
      expect((await mfa(token)).recovery_codes_remaining).toBe(9)
      expect(
        (
          await api(server, { token }).POST('/v1/mfa/recovery-codes', {
            body: { code: totpCodeAt(secret, server.clock.now() + STEP) },
          })
        ).response.status,
      ).toBe(200)
      expect(user.username).toBeTruthy()
    })

    it('counts wrong answers per account: a stolen session is no password-guessing oracle', async () => {
      const { user, token } = await signUpAndLogin(server)
      for (let i = 0; i < 10; i++) {
        const res = await reauth(token, { password: `wrong guess ${i} here` })
        expect(res.response.status).toBe(401)
      }
      const right = await reauth(token, { password: user.password })
      expect(right.response.status).toBe(401)
      expect(problem(right.error).code).toBe('invalid_credentials')
      const events = await server.app.store.events.listForAccount((await accountOf(user.username)).id, 50)
      expect(events.some((e) => e.type === 'authn_reauth_fail' && e.details.reason === 'account_limit')).toBe(
        true,
      )
      expect(events.some((e) => e.type === 'authn_reauth')).toBe(false)
    })

    it('refuses malformed proofs with a 4xx problem and changes nothing', async () => {
      const { token } = await signUpAndLogin(server)
      const provedAt = async () =>
        (await api(server, { token }).GET('/v1/sessions/current')).data!.session.authenticated_at
      const before = await provedAt()
      server.clock.advance(MINUTE)
      for (const body of [
        {},
        { password: 42 },
        { password: '' },
        { password: 'x', method: 'totp', code: '123456' },
        { method: 'sms', code: '123456' },
        { method: 'totp' },
        { method: 'totp', code: '1'.repeat(33) },
      ]) {
        // Raw: bodies outside the route's schema.
        const res = await call(server, 'POST', '/v1/sessions/current/reauth', { token, body })
        expect(res.status, JSON.stringify(body)).toBe(400)
        expect(problem(res.json).code).toBe('invalid_request')
      }
      for (const code of ['12345', '1234567', 'abcdef', '١٢٣٤٥٦', '123 456']) {
        const res = await reauth(token, { method: 'totp', code })
        expect(res.response.status, code).toBe(401)
        expect(problem(res.error).code).toBe('invalid_code')
      }
      expect(await provedAt()).toBe(before)
      expect((await reauth(undefined, { password: 'x' })).response.status).toBe(401)
    })

    it('guards every sensitive change: nothing changes without a recent proof', async () => {
      const { user, token, secret } = await withTotp()
      const id = await factorId(token)
      await age(token, 15)
      const now = () => totpCodeAt(secret, server.clock.now())
      const asOwner = api(server, { token })
      const attempts = [
        await asOwner.POST('/v1/mfa/totp'),
        await asOwner.POST('/v1/mfa/totp/confirm', { body: { code: now() } }),
        await asOwner.DELETE('/v1/mfa/factors/{id}', { params: { path: { id } } }),
        await asOwner.POST('/v1/mfa/recovery-codes', { body: { code: now() } }),
        await asOwner.POST('/v1/me/email', { body: { email: `new.${user.email}` } }),
      ]
      for (const res of attempts) {
        expect(res.response.status).toBe(401)
        expect(problem(res.error).code).toBe('reauth_required')
      }
      const status = await mfa(token)
      expect(status.factors).toEqual([expect.objectContaining({ id, status: 'active' })])
      expect(status.recovery_codes_remaining).toBe(10)
      expect((await accountOf(user.username)).email).toBe(user.email)
    })
  })

  describe('factors and notices', () => {
    it('tells the holder when a factor is added, codes are renewed and a factor is removed', async () => {
      const { user, token, secret } = await withTotp()
      await server.deliver()
      await mailTo(user.email, /A second factor was added/)
      const asOwner = api(server, { token })
      const renewed = await asOwner.POST('/v1/mfa/recovery-codes', {
        body: { code: totpCodeAt(secret, server.clock.now()) },
      })
      expect(renewed.response.status).toBe(200)
      await server.deliver()
      await mailTo(user.email, /New recovery codes were created/)

      const id = await factorId(token)
      const removed = await asOwner.DELETE('/v1/mfa/factors/{id}', { params: { path: { id } } })
      expect(removed.response.status).toBe(204)
      expect(await mfa(token)).toEqual({ factors: [], recovery_codes_remaining: 0 })
      await server.deliver()
      const notice = await mailTo(user.email, /A second factor was removed/)
      expect(notice.text).not.toMatch(/Token:/)
      // No factor: a password alone logs in again, and recovery asks for no code.
      expect((await login(user.username, user.password)).response.status).toBe(201)
      expect(await eventsOf(user.username)).toEqual(expect.arrayContaining(['authn_mfa_removed']))
    })

    it('answers 404 for a factor that is not the account’s, and removes nothing', async () => {
      const a = await withTotp()
      const b = await withTotp()
      const remove = (id: string) =>
        api(server, { token: b.token }).DELETE('/v1/mfa/factors/{id}', { params: { path: { id } } })
      const foreign = await remove(await factorId(a.token))
      expect(foreign.response.status).toBe(404)
      expect(problem(foreign.error).code).toBe('factor_not_found')
      expect((await remove('nope')).response.status).toBe(404)
      expect((await mfa(a.token)).factors).toHaveLength(1)
      expect((await mfa(b.token)).factors).toHaveLength(1)
      expect((await remove('x'.repeat(65))).response.status).toBe(400)
    })
  })

  describe('changing the email address', () => {
    it('sends a link to the new address and notices to the old one; the link switches the address', async () => {
      const { user, token } = await signUpAndLogin(server)
      const newAddress = `moved.${user.email}`
      const asked = await api(server, { token }).POST('/v1/me/email', { body: { email: newAddress } })
      expect(asked.response.status).toBe(202)
      expect(asked.data).toEqual({ status: 'verification_sent' })
      await server.deliver()
      const link = await mailTo(newAddress, /Confirm your new email address/)
      const notice = await mailTo(user.email, /A change of the email address was requested/)
      expect(notice.text).not.toContain(newAddress)
      expect(notice.text).not.toMatch(/Token:/)
      // Until the link is used the old address stays.
      expect((await accountOf(user.username)).email).toBe(user.email)

      const confirm = () =>
        api(server).POST('/v1/me/email/verify', { body: { token: server.smtp.tokenFrom(link) } })
      const done = await confirm()
      expect(done.response.status).toBe(200)
      expect(done.data).toEqual({ status: 'email_changed' })
      expect(rawBody(done.response)).not.toContain(newAddress)
      const account = await accountOf(user.username)
      expect(account.email).toBe(newAddress)
      expect(account.emailVerifiedAt).not.toBeNull()
      expect((await login(newAddress, user.password)).response.status).toBe(201)
      expect((await login(user.email, user.password)).response.status).toBe(401)
      await server.deliver()
      await mailTo(user.email, /The email address was changed/)
      const again = await confirm()
      expect(again.response.status).toBe(400)
      expect(problem(again.error).code).toBe('invalid_token')
      expect(await eventsOf(user.username)).toEqual(
        expect.arrayContaining(['account_email_change_requested', 'account_email_changed']),
      )
    })

    it('kills outstanding recovery tokens when the address changes', async () => {
      const { user, token } = await signUpAndLogin(server)
      expect(
        (await call(server, 'POST', '/v1/recovery', { body: { identifier: user.username } })).status,
      ).toBe(202)
      await server.deliver()
      const reset = await mailTo(user.email, /reset|recover/i)
      const newAddress = `r.${user.email}`
      await call(server, 'POST', '/v1/me/email', { token, body: { email: newAddress } })
      await server.deliver()
      const link = await mailTo(newAddress, /Confirm your new email address/)
      expect(
        (await call(server, 'POST', '/v1/me/email/verify', { body: { token: server.smtp.tokenFrom(link) } }))
          .status,
      ).toBe(200)
      const complete = await api(server).POST('/v1/recovery/complete', {
        body: { token: server.smtp.tokenFrom(reset), password: 'velvet harbour 77 quartz' },
      })
      expect(complete.response.status).toBe(400)
      expect(problem(complete.error).code).toBe('invalid_token')
    })

    it('answers alike for an address another account has: that address is told, nothing changes', async () => {
      const { user, token } = await signUpAndLogin(server)
      const other = await signUpAndLogin(server)
      server.smtp.clear()
      const asked = await api(server, { token }).POST('/v1/me/email', { body: { email: other.user.email } })
      expect(asked.response.status).toBe(202)
      expect(asked.data).toEqual({ status: 'verification_sent' })
      await server.deliver()
      const told = await mailTo(other.user.email, /Someone tried to use your address/)
      expect(told.text).not.toMatch(/Token:|token=/)
      expect(told.text).not.toContain(user.username)
      expect((await accountOf(user.username)).email).toBe(user.email)
      expect((await accountOf(other.user.username)).email).toBe(other.user.email)
    })

    it('refuses bad addresses, the current address, and more than 3 requests an hour', async () => {
      const { user, token } = await signUpAndLogin(server)
      for (const email of ['not-an-address', 'a@b', 'x\r\nbcc: y@example.org', '']) {
        const res = await call(server, 'POST', '/v1/me/email', { token, body: { email } })
        expect(res.status, email).toBe(400)
      }
      const same = await api(server, { token }).POST('/v1/me/email', {
        body: { email: user.email.toUpperCase() },
      })
      expect(same.response.status).toBe(400)
      expect(problem(same.error).code).toBe('invalid_email')
      for (let i = 0; i < 3; i++) {
        const res = await call(server, 'POST', '/v1/me/email', {
          token,
          body: { email: `n${i}.${user.email}` },
        })
        expect(res.status).toBe(202)
      }
      const capped = await call(server, 'POST', '/v1/me/email', {
        token,
        body: { email: `n9.${user.email}` },
      })
      expect(capped.status).toBe(429)
      expect(Number(capped.headers['retry-after'])).toBeGreaterThan(0)
      for (const body of [{}, { token: 42 }, { token: 'x'.repeat(600) }]) {
        expect((await call(server, 'POST', '/v1/me/email/verify', { body })).status).toBe(400)
      }
      const unknown = await api(server).POST('/v1/me/email/verify', { body: { token: 'A'.repeat(43) } })
      expect(unknown.response.status).toBe(400)
      expect(problem(unknown.error).code).toBe('invalid_token')
    })

    it('lets only the newest pending change through', async () => {
      const { user, token } = await signUpAndLogin(server)
      await call(server, 'POST', '/v1/me/email', { token, body: { email: `first.${user.email}` } })
      await call(server, 'POST', '/v1/me/email', { token, body: { email: `second.${user.email}` } })
      await server.deliver()
      const first = await mailTo(`first.${user.email}`, /Confirm/)
      const second = await mailTo(`second.${user.email}`, /Confirm/)
      expect(
        (await call(server, 'POST', '/v1/me/email/verify', { body: { token: server.smtp.tokenFrom(first) } }))
          .status,
      ).toBe(400)
      expect(
        (
          await call(server, 'POST', '/v1/me/email/verify', {
            body: { token: server.smtp.tokenFrom(second) },
          })
        ).status,
      ).toBe(200)
      expect((await accountOf(user.username)).email).toBe(`second.${user.email}`)
    })
  })

  describe('MFA required by role', () => {
    const cli = { ip: null, userAgent: 'test', clientVersion: null, requestId: 'test' }

    it('gives a partner without a factor a session that can only enrol one, then a full one', async () => {
      const { user, token: before } = await signUpAndLogin(server)
      expect(await server.app.services.accounts.setRole(user.username, 'partner', cli)).toEqual({
        from: 'user',
        to: 'partner',
      })
      // The role change ended every session.
      expect((await call(server, 'GET', '/v1/sessions/current', { token: before })).status).toBe(401)

      const first = await login(user.username, user.password)
      expect(first.response.status).toBe(201)
      const token = opened(first.data).token
      const asPartner = api(server, { token })
      const current = await asPartner.GET('/v1/sessions/current')
      expect(current.response.status).toBe(200)
      expect(current.data!.account.mfa_enrolment_required).toBe(true)
      for (const [method, url, body] of [
        ['GET', '/v1/sessions', undefined],
        ['DELETE', '/v1/sessions', undefined],
        ['POST', '/v1/me/phone', { phone: '+14155550101', password: user.password }],
        ['POST', '/v1/me/email', { email: `p.${user.email}` }],
        ['POST', '/v1/mfa/recovery-codes', { code: '123456' }],
        ['PUT', '/v1/me/reset-lock', { enabled: true }],
      ] as const) {
        // Raw: one loop over several routes.
        const res = await call(server, method, url, { token, body })
        expect(res.status, url).toBe(403)
        expect(problem(res.json).code).toBe('mfa_enrolment_required')
      }
      expect((await asPartner.GET('/v1/mfa')).response.status).toBe(200)
      const enrol = await asPartner.POST('/v1/mfa/totp')
      expect(enrol.response.status).toBe(201)
      const confirm = await asPartner.POST('/v1/mfa/totp/confirm', {
        body: { code: totpCodeAt(enrol.data!.secret, server.clock.now()) },
      })
      expect(confirm.response.status).toBe(200)
      expect((await asPartner.GET('/v1/sessions')).response.status).toBe(200)
      expect((await asPartner.GET('/v1/sessions/current')).data!.account.mfa_enrolment_required).toBe(false)
      // The next login asks for the factor.
      server.clock.advance(STEP)
      const next = await login(user.username, user.password)
      expect(next.response.status).toBe(200)
      expect(challenged(next.data).mfa_required).toBe(true)
      // And the last factor cannot go while the role requires one.
      const id = await factorId(token)
      const keep = await asPartner.DELETE('/v1/mfa/factors/{id}', { params: { path: { id } } })
      expect(keep.response.status).toBe(409)
      expect(problem(keep.error).code).toBe('second_factor_required')
      expect((await mfa(token)).factors).toHaveLength(1)
      expect(await eventsOf(user.username)).toEqual(
        expect.arrayContaining(['account_role_changed', 'authn_mfa_enrolment_required']),
      )
    })

    it('lets an enrolment-only session log out and change its password', async () => {
      const { user } = await signUpAndLogin(server)
      await server.app.services.accounts.setRole(user.username, 'admin', cli)
      const token = opened((await login(user.username, user.password)).data).token
      const asAdmin = api(server, { token })
      const changed = await asAdmin.POST('/v1/me/password', {
        body: { current_password: user.password, new_password: 'copper meadow 58 lantern' },
      })
      expect(changed.response.status).toBe(200)
      expect(problem((await asAdmin.GET('/v1/sessions')).error).code).toBe('mfa_enrolment_required')
      expect((await asAdmin.DELETE('/v1/sessions/current')).response.status).toBe(204)
      expect((await asAdmin.GET('/v1/sessions/current')).response.status).toBe(401)
    })

    it('sends no reset to a partner without a factor (a mailbox must not make staff): an operator resets it, and the policy stays', async () => {
      const { user } = await signUpAndLogin(server)
      await server.app.services.accounts.setRole(user.username, 'partner', cli)
      const before = server.smtp.messages.length
      expect((await call(server, 'POST', '/v1/recovery', { body: { identifier: user.email } })).status).toBe(
        202,
      )
      await server.deliver()
      expect(server.smtp.messages.slice(before).filter((m) => m.to.includes(user.email))).toEqual([])
      const reset = await server.app.services.accounts.resetByOperator(user.username, cli)
      const first = await login(user.username, reset!.password)
      expect(first.response.status).toBe(201)
      const token = opened(first.data).token
      await api(server, { token }).POST('/v1/me/password', {
        body: { current_password: reset!.password, new_password: 'saffron canyon 31 ember' },
      })
      const again = opened((await login(user.username, 'saffron canyon 31 ember')).data)
      expect(problem((await api(server, { token: again.token }).GET('/v1/sessions')).error).code).toBe(
        'mfa_enrolment_required',
      )
    })

    it('treats a partner with a factor like anyone with a factor', async () => {
      const { user, secret } = await withTotp()
      await server.app.services.accounts.setRole(user.username, 'partner', cli)
      const token = await loginWithTotp(user, secret)
      expect((await call(server, 'GET', '/v1/sessions', { token })).status).toBe(200)
    })
  })

  it('applies no policy when GATEHOUSE_MFA_REQUIRED_ROLES is none', async () => {
    const open = await createTestServer(kind, { GATEHOUSE_MFA_REQUIRED_ROLES: 'none' })
    try {
      const { user } = await signUpAndLogin(open, freshUser('open'))
      await open.app.services.accounts.setRole(user.username, 'admin', {
        ip: null,
        userAgent: 'test',
        clientVersion: null,
        requestId: 'test',
      })
      const session = opened((await login(user.username, user.password, open)).data)
      expect((await api(open, { token: session.token }).GET('/v1/sessions')).response.status).toBe(200)
    } finally {
      await open.close()
    }
  })
})
