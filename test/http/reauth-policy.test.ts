import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { totpCodeAt } from '../../src/modules/mfa/totp.js'
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
  const factorId = async (token: string) => {
    const status = await call(server, 'GET', '/v1/mfa', { token })
    return status.json.factors[0].id as string
  }
  /** Logs in again with a TOTP code; returns the session token. */
  const loginWithTotp = async (user: { username: string; password: string }, secret: string) => {
    const first = await call(server, 'POST', '/v1/sessions', {
      body: { identifier: user.username, password: user.password },
    })
    expect(first.status).toBe(200)
    server.clock.advance(STEP)
    const done = await call(server, 'POST', '/v1/sessions/mfa', {
      body: {
        challenge_id: first.json.challenge_id,
        method: 'totp',
        code: totpCodeAt(secret, server.clock.now()),
      },
    })
    expect(done.status).toBe(201)
    return done.json.token as string
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
      const current = await call(server, 'GET', '/v1/sessions/current', { token })
      expect(current.json.session.authenticated_at).toBe(new Date(server.clock.now()).toISOString())
      await age(token, 10)
      server.clock.advance(1000)
      const refused = await call(server, 'POST', '/v1/mfa/totp', { token })
      expect(refused.status).toBe(401)
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/)
      expect(refused.json.code).toBe('reauth_required')
      expect((await call(server, 'GET', '/v1/mfa', { token })).json.factors).toEqual([])

      const wrong = await call(server, 'POST', '/v1/sessions/current/reauth', {
        token,
        body: { password: `${user.password}x` },
      })
      expect(wrong.status).toBe(401)
      expect(wrong.json.code).toBe('invalid_credentials')
      expect((await call(server, 'POST', '/v1/mfa/totp', { token })).json.code).toBe('reauth_required')

      const ok = await call(server, 'POST', '/v1/sessions/current/reauth', {
        token,
        body: { password: user.password },
      })
      expect(ok.status).toBe(200)
      expect(ok.json.authenticated_at).toBe(new Date(server.clock.now()).toISOString())
      expect((await call(server, 'POST', '/v1/mfa/totp', { token })).status).toBe(201)
      expect(await eventsOf(user.username)).toEqual(
        expect.arrayContaining(['authn_reauth', 'authn_reauth_fail']),
      )
    })

    it('accepts a TOTP code or a recovery code instead of the password', async () => {
      const { user, token, secret, codes } = await withTotp()
      await age(token, 15)
      const byTotp = await call(server, 'POST', '/v1/sessions/current/reauth', {
        token,
        body: { method: 'totp', code: totpCodeAt(secret, server.clock.now()) },
      })
      expect(byTotp.status).toBe(200)
      // The same step again is a replay, and says so.
      const replay = await call(server, 'POST', '/v1/sessions/current/reauth', {
        token,
        body: { method: 'totp', code: totpCodeAt(secret, server.clock.now()) },
      })
      expect(replay.status).toBe(401)
      expect(replay.json.code).toBe('code_already_used')
      await age(token, 15)
      const byCode = await call(server, 'POST', '/v1/sessions/current/reauth', {
        token,
        body: { method: 'recovery_code', code: codes[0] },
      })
      expect(byCode.status).toBe(200)
      expect((await call(server, 'GET', '/v1/mfa', { token })).json.recovery_codes_remaining).toBe(9)
      expect(
        (
          await call(server, 'POST', '/v1/mfa/recovery-codes', {
            token,
            body: { code: totpCodeAt(secret, server.clock.now() + STEP) },
          })
        ).status,
      ).toBe(200)
      expect(user.username).toBeTruthy()
    })

    it('counts wrong answers per account: a stolen session is no password-guessing oracle', async () => {
      const { user, token } = await signUpAndLogin(server)
      for (let i = 0; i < 10; i++) {
        const res = await call(server, 'POST', '/v1/sessions/current/reauth', {
          token,
          body: { password: `wrong guess ${i} here` },
        })
        expect(res.status).toBe(401)
      }
      const right = await call(server, 'POST', '/v1/sessions/current/reauth', {
        token,
        body: { password: user.password },
      })
      expect(right.status).toBe(401)
      expect(right.json.code).toBe('invalid_credentials')
      const events = await server.app.store.events.listForAccount((await accountOf(user.username)).id, 50)
      expect(events.some((e) => e.type === 'authn_reauth_fail' && e.details.reason === 'account_limit')).toBe(
        true,
      )
      expect(events.some((e) => e.type === 'authn_reauth')).toBe(false)
    })

    it('refuses malformed proofs with a 4xx problem and changes nothing', async () => {
      const { token } = await signUpAndLogin(server)
      const before = (await call(server, 'GET', '/v1/sessions/current', { token })).json.session
        .authenticated_at
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
        const res = await call(server, 'POST', '/v1/sessions/current/reauth', { token, body })
        expect(res.status, JSON.stringify(body)).toBe(400)
        expect(res.json.code).toBe('invalid_request')
      }
      for (const code of ['12345', '1234567', 'abcdef', '١٢٣٤٥٦', '123 456']) {
        const res = await call(server, 'POST', '/v1/sessions/current/reauth', {
          token,
          body: { method: 'totp', code },
        })
        expect(res.status, code).toBe(401)
        expect(res.json.code).toBe('invalid_code')
      }
      expect(
        (await call(server, 'GET', '/v1/sessions/current', { token })).json.session.authenticated_at,
      ).toBe(before)
      expect(
        (await call(server, 'POST', '/v1/sessions/current/reauth', { body: { password: 'x' } })).status,
      ).toBe(401)
    })

    it('guards every sensitive change: nothing changes without a recent proof', async () => {
      const { user, token, secret } = await withTotp()
      const id = await factorId(token)
      await age(token, 15)
      const now = () => totpCodeAt(secret, server.clock.now())
      const attempts = [
        await call(server, 'POST', '/v1/mfa/totp', { token }),
        await call(server, 'POST', '/v1/mfa/totp/confirm', { token, body: { code: now() } }),
        await call(server, 'DELETE', `/v1/mfa/factors/${id}`, { token }),
        await call(server, 'POST', '/v1/mfa/recovery-codes', { token, body: { code: now() } }),
        await call(server, 'POST', '/v1/me/email', { token, body: { email: `new.${user.email}` } }),
      ]
      for (const res of attempts) {
        expect(res.status).toBe(401)
        expect(res.json.code).toBe('reauth_required')
      }
      const status = await call(server, 'GET', '/v1/mfa', { token })
      expect(status.json.factors).toEqual([expect.objectContaining({ id, status: 'active' })])
      expect(status.json.recovery_codes_remaining).toBe(10)
      expect((await accountOf(user.username)).email).toBe(user.email)
    })
  })

  describe('factors and notices', () => {
    it('tells the holder when a factor is added, codes are renewed and a factor is removed', async () => {
      const { user, token, secret } = await withTotp()
      await server.deliver()
      await mailTo(user.email, /A second factor was added/)
      const renewed = await call(server, 'POST', '/v1/mfa/recovery-codes', {
        token,
        body: { code: totpCodeAt(secret, server.clock.now()) },
      })
      expect(renewed.status).toBe(200)
      await server.deliver()
      await mailTo(user.email, /New recovery codes were created/)

      const id = await factorId(token)
      const removed = await call(server, 'DELETE', `/v1/mfa/factors/${id}`, { token })
      expect(removed.status).toBe(204)
      const status = await call(server, 'GET', '/v1/mfa', { token })
      expect(status.json).toEqual({ factors: [], recovery_codes_remaining: 0 })
      await server.deliver()
      const notice = await mailTo(user.email, /A second factor was removed/)
      expect(notice.text).not.toMatch(/Token:/)
      // No factor: a password alone logs in again, and recovery asks for no code.
      const login = await call(server, 'POST', '/v1/sessions', {
        body: { identifier: user.username, password: user.password },
      })
      expect(login.status).toBe(201)
      expect(await eventsOf(user.username)).toEqual(expect.arrayContaining(['authn_mfa_removed']))
    })

    it('answers 404 for a factor that is not the account’s, and removes nothing', async () => {
      const a = await withTotp()
      const b = await withTotp()
      const foreign = await call(server, 'DELETE', `/v1/mfa/factors/${await factorId(a.token)}`, {
        token: b.token,
      })
      expect(foreign.status).toBe(404)
      expect(foreign.json.code).toBe('factor_not_found')
      expect((await call(server, 'DELETE', '/v1/mfa/factors/nope', { token: b.token })).status).toBe(404)
      expect((await call(server, 'GET', '/v1/mfa', { token: a.token })).json.factors).toHaveLength(1)
      expect((await call(server, 'GET', '/v1/mfa', { token: b.token })).json.factors).toHaveLength(1)
      expect(
        (await call(server, 'DELETE', `/v1/mfa/factors/${'x'.repeat(65)}`, { token: b.token })).status,
      ).toBe(400)
    })
  })

  describe('changing the email address', () => {
    it('sends a link to the new address and notices to the old one; the link switches the address', async () => {
      const { user, token } = await signUpAndLogin(server)
      const newAddress = `moved.${user.email}`
      const asked = await call(server, 'POST', '/v1/me/email', { token, body: { email: newAddress } })
      expect(asked.status).toBe(202)
      expect(asked.json).toEqual({ status: 'verification_sent' })
      await server.deliver()
      const link = await mailTo(newAddress, /Confirm your new email address/)
      const notice = await mailTo(user.email, /A change of the email address was requested/)
      expect(notice.text).not.toContain(newAddress)
      expect(notice.text).not.toMatch(/Token:/)
      // Until the link is used the old address stays.
      expect((await accountOf(user.username)).email).toBe(user.email)

      const done = await call(server, 'POST', '/v1/me/email/verify', {
        body: { token: server.smtp.tokenFrom(link) },
      })
      expect(done.status).toBe(200)
      expect(done.json).toEqual({ status: 'email_changed' })
      expect(done.body).not.toContain(newAddress)
      const account = await accountOf(user.username)
      expect(account.email).toBe(newAddress)
      expect(account.emailVerifiedAt).not.toBeNull()
      expect(
        (
          await call(server, 'POST', '/v1/sessions', {
            body: { identifier: newAddress, password: user.password },
          })
        ).status,
      ).toBe(201)
      expect(
        (
          await call(server, 'POST', '/v1/sessions', {
            body: { identifier: user.email, password: user.password },
          })
        ).status,
      ).toBe(401)
      await server.deliver()
      await mailTo(user.email, /The email address was changed/)
      const again = await call(server, 'POST', '/v1/me/email/verify', {
        body: { token: server.smtp.tokenFrom(link) },
      })
      expect(again.status).toBe(400)
      expect(again.json.code).toBe('invalid_token')
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
      const complete = await call(server, 'POST', '/v1/recovery/complete', {
        body: { token: server.smtp.tokenFrom(reset), password: 'velvet harbour 77 quartz' },
      })
      expect(complete.status).toBe(400)
      expect(complete.json.code).toBe('invalid_token')
    })

    it('answers alike for an address another account has: that address is told, nothing changes', async () => {
      const { user, token } = await signUpAndLogin(server)
      const other = await signUpAndLogin(server)
      server.smtp.clear()
      const asked = await call(server, 'POST', '/v1/me/email', { token, body: { email: other.user.email } })
      expect(asked.status).toBe(202)
      expect(asked.json).toEqual({ status: 'verification_sent' })
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
      const same = await call(server, 'POST', '/v1/me/email', {
        token,
        body: { email: user.email.toUpperCase() },
      })
      expect(same.status).toBe(400)
      expect(same.json.code).toBe('invalid_email')
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
      const unknown = await call(server, 'POST', '/v1/me/email/verify', { body: { token: 'A'.repeat(43) } })
      expect(unknown.status).toBe(400)
      expect(unknown.json.code).toBe('invalid_token')
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

      const login = await call(server, 'POST', '/v1/sessions', {
        body: { identifier: user.username, password: user.password },
      })
      expect(login.status).toBe(201)
      const token = login.json.token as string
      const current = await call(server, 'GET', '/v1/sessions/current', { token })
      expect(current.status).toBe(200)
      expect(current.json.account.mfa_enrolment_required).toBe(true)
      for (const [method, url, body] of [
        ['GET', '/v1/sessions', undefined],
        ['DELETE', '/v1/sessions', undefined],
        ['POST', '/v1/me/phone', { phone: '+14155550101', password: user.password }],
        ['POST', '/v1/me/email', { email: `p.${user.email}` }],
        ['POST', '/v1/mfa/recovery-codes', { code: '123456' }],
        ['PUT', '/v1/me/reset-lock', { enabled: true }],
      ] as const) {
        const res = await call(server, method, url, { token, body })
        expect(res.status, url).toBe(403)
        expect(res.json.code).toBe('mfa_enrolment_required')
      }
      expect((await call(server, 'GET', '/v1/mfa', { token })).status).toBe(200)
      const enrol = await call(server, 'POST', '/v1/mfa/totp', { token })
      expect(enrol.status).toBe(201)
      const confirm = await call(server, 'POST', '/v1/mfa/totp/confirm', {
        token,
        body: { code: totpCodeAt(enrol.json.secret, server.clock.now()) },
      })
      expect(confirm.status).toBe(200)
      expect((await call(server, 'GET', '/v1/sessions', { token })).status).toBe(200)
      expect(
        (await call(server, 'GET', '/v1/sessions/current', { token })).json.account.mfa_enrolment_required,
      ).toBe(false)
      // The next login asks for the factor.
      server.clock.advance(STEP)
      const next = await call(server, 'POST', '/v1/sessions', {
        body: { identifier: user.username, password: user.password },
      })
      expect(next.status).toBe(200)
      expect(next.json.mfa_required).toBe(true)
      // And the last factor cannot go while the role requires one.
      const id = await factorId(token)
      const keep = await call(server, 'DELETE', `/v1/mfa/factors/${id}`, { token })
      expect(keep.status).toBe(409)
      expect(keep.json.code).toBe('second_factor_required')
      expect((await call(server, 'GET', '/v1/mfa', { token })).json.factors).toHaveLength(1)
      expect(await eventsOf(user.username)).toEqual(
        expect.arrayContaining(['account_role_changed', 'authn_mfa_enrolment_required']),
      )
    })

    it('lets an enrolment-only session log out and change its password', async () => {
      const { user } = await signUpAndLogin(server)
      await server.app.services.accounts.setRole(user.username, 'admin', cli)
      const login = await call(server, 'POST', '/v1/sessions', {
        body: { identifier: user.username, password: user.password },
      })
      const token = login.json.token as string
      const changed = await call(server, 'POST', '/v1/me/password', {
        token,
        body: { current_password: user.password, new_password: 'copper meadow 58 lantern' },
      })
      expect(changed.status).toBe(200)
      expect((await call(server, 'GET', '/v1/sessions', { token })).json.code).toBe('mfa_enrolment_required')
      expect((await call(server, 'DELETE', '/v1/sessions/current', { token })).status).toBe(204)
      expect((await call(server, 'GET', '/v1/sessions/current', { token })).status).toBe(401)
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
      const login = await call(server, 'POST', '/v1/sessions', {
        body: { identifier: user.username, password: reset!.password },
      })
      expect(login.status).toBe(201)
      const token = login.json.token as string
      await call(server, 'POST', '/v1/me/password', {
        token,
        body: { current_password: reset!.password, new_password: 'saffron canyon 31 ember' },
      })
      const again = await call(server, 'POST', '/v1/sessions', {
        body: { identifier: user.username, password: 'saffron canyon 31 ember' },
      })
      expect((await call(server, 'GET', '/v1/sessions', { token: again.json.token })).json.code).toBe(
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
      const login = await call(open, 'POST', '/v1/sessions', {
        body: { identifier: user.username, password: user.password },
      })
      expect((await call(open, 'GET', '/v1/sessions', { token: login.json.token })).status).toBe(200)
    } finally {
      await open.close()
    }
  })
})
