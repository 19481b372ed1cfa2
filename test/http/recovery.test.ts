import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SqlMfaFactorRepository } from '../../src/adapters/sql/mfa-repository.js'
import { SecretBox } from '../../src/kernel/secret-box.js'
import { enrolConfirmedTotp } from '../../src/modules/mfa/second-factors.js'
import { totpCodeAt } from '../../src/modules/mfa/totp.js'
import { databaseKinds } from '../helpers/databases.js'
import { type FakeSmsProvider, smsTransportFor, startFakeSmsProvider } from '../helpers/fake-sms-provider.js'
import { call, createTestServer, freshUser, signUpAndLogin, type TestServer } from '../helpers/server.js'

const MINUTE = 60_000
const HOUR = 60 * MINUTE

describe.each(databaseKinds())('account recovery over HTTP on %s', (kind) => {
  let server: TestServer
  let sms: FakeSmsProvider
  beforeAll(async () => {
    sms = await startFakeSmsProvider()
    const transport = smsTransportFor(sms)
    server = await createTestServer(
      kind,
      {
        GATEHOUSE_RECOVERY_LIMIT_IP: '1000/3600',
        GATEHOUSE_RECOVERY_LIMIT_SUBNET: '1000/3600',
        GATEHOUSE_RECOVERY_COMPLETE_LIMIT_IP: '1000/600',
      },
      { sms: transport },
    )
  })
  afterAll(async () => {
    await server?.close()
    await sms?.close()
  })

  const recover = (identifier: string, extra: Record<string, string> = {}, ip = '127.0.0.1') =>
    call(server, 'POST', '/v1/recovery', { body: { identifier, ...extra }, ip })
  const recoveryMails = (email: string) =>
    server.smtp.messages.filter((m) => m.to.includes(email) && /reset your/i.test(m.subject))
  const enrolTotp = async (username: string) => {
    const account = (await server.app.store.accounts.findByUsername(username))!
    const key = Buffer.from(server.app.config.secretKey!, 'base64')
    return enrolConfirmedTotp(
      {
        factors: new SqlMfaFactorRepository(server.app.database.db),
        box: new SecretBox(key),
        clock: server.clock,
      },
      account.id,
    )
  }

  it('sends a reset mail with a single-use token that sets a new password and revokes every session', async () => {
    const { user, token: session } = await signUpAndLogin(server)
    server.smtp.clear()
    const res = await recover(user.username)
    expect(res.status).toBe(202)
    expect(res.json).toEqual({ status: 'accepted' })
    await server.deliver()
    const mail = await server.smtp.waitFor((m) => m.to.includes(user.email) && /reset/i.test(m.subject))
    expect(mail.to).toEqual([user.email])
    const token = server.smtp.tokenFrom(mail)
    expect(mail.text).toContain(`https://id.example.test/reset-password?token=${token}`)

    const newPassword = 'saffron compass drizzle 31'
    const same = await call(server, 'POST', '/v1/recovery/complete', {
      body: { token, password: user.password },
    })
    expect(same.status).toBe(400)
    expect(same.json.code).toBe('password_reused')
    const weak = await call(server, 'POST', '/v1/recovery/complete', {
      body: { token, password: 'password1' },
    })
    expect(weak.json.code).toBe('password_common')
    const done = await call(server, 'POST', '/v1/recovery/complete', {
      body: { token, password: newPassword },
    })
    expect(done.status).toBe(200)
    expect(done.json).toEqual({ status: 'password_changed' })
    expect(done.headers['set-cookie']).toBeUndefined()
    expect((await call(server, 'GET', '/v1/sessions/current', { token: session })).status).toBe(401)
    const again = await call(server, 'POST', '/v1/recovery/complete', {
      body: { token, password: 'another fine phrase 77' },
    })
    expect(again.status).toBe(400)
    expect(again.json.code).toBe('invalid_token')
    expect(
      (
        await call(server, 'POST', '/v1/sessions', {
          body: { identifier: user.username, password: user.password },
        })
      ).status,
    ).toBe(401)
    expect(
      (
        await call(server, 'POST', '/v1/sessions', {
          body: { identifier: user.username, password: newPassword },
        })
      ).status,
    ).toBe(201)

    await server.deliver()
    const notice = await server.smtp.waitFor(
      (m) => m.to.includes(user.email) && /was changed/i.test(m.subject),
    )
    expect(notice.text).toContain('https://id.example.test/lock-account?token=')
  })

  it('answers 202 byte for byte alike for existing, missing, unverified, capped and reset-locked accounts', async () => {
    const { user } = await signUpAndLogin(server)
    const pending = freshUser()
    await call(server, 'POST', '/v1/accounts', { body: pending })
    const locked = await signUpAndLogin(server)
    await enrolTotp(locked.user.username)
    await call(server, 'PUT', '/v1/me/reset-lock', { token: locked.token, body: { enabled: true } })
    for (let i = 0; i < 6; i++) await recover(user.email)
    const frozen = await signUpAndLogin(server)
    const frozenAccount = (await server.app.store.accounts.findByUsername(frozen.user.username))!
    await server.app.store.accounts.setLocked(frozenAccount.id, server.clock.now(), server.clock.now())

    const identifiers = [
      frozen.user.username,
      user.username,
      user.email,
      user.email.toUpperCase(),
      'nobody_at_all',
      'nobody@example.org',
      '+14155550111',
      pending.username,
      locked.user.username,
      '%%%',
    ]
    const shapes = new Set<string>()
    for (const identifier of identifiers) {
      const res = await recover(identifier)
      expect(res.status).toBe(202)
      const { 'x-request-id': _r, date: _d, ...headers } = res.headers
      shapes.add(JSON.stringify({ body: res.body, headers }))
    }
    expect(shapes.size).toBe(1)
  })

  it('caps messages per account — 3 an hour, 5 a day — whatever identifier or source is used', async () => {
    const { user } = await signUpAndLogin(server)
    const before = recoveryMails(user.email).length
    const idents = [user.username, user.email, user.email.toUpperCase(), ` ${user.username}`.trim()]
    // Ten requests an hour apart would be ten messages without caps; spaced past the resend window.
    for (let i = 0; i < 8; i++) {
      await recover(idents[i % idents.length]!, {}, `10.0.${i}.9`)
      await server.deliver()
      server.clock.advance(3 * MINUTE)
    }
    expect(recoveryMails(user.email).length - before).toBe(3)
    server.clock.advance(HOUR)
    for (let i = 0; i < 8; i++) {
      await recover(user.email, {}, `10.1.${i}.9`)
      await server.deliver()
      server.clock.advance(3 * MINUTE)
    }
    expect(recoveryMails(user.email).length - before).toBe(5)

    const account = (await server.app.store.accounts.findByUsername(user.username))!
    const events = await server.app.store.events.listForAccount(account.id, 100)
    const suppressed = events.filter((e) => e.type === 'recovery.suppressed')
    expect(suppressed.length).toBe(11)
    expect(new Set(suppressed.map((e) => e.details.reason))).toEqual(new Set(['cap']))
    const metrics = await server.app.metrics.registry.getSingleMetricAsString(
      'gatehouse_messages_suppressed_total',
    )
    expect(metrics).toMatch(
      /channel="email",kind="recovery",budget="(destination|account)",stage="queue"\} \d+/,
    )
  })

  it('sends nothing new while a token sent less than 2 minutes ago is still valid', async () => {
    const { user } = await signUpAndLogin(server)
    const before = recoveryMails(user.email).length
    await recover(user.username)
    await server.deliver()
    server.clock.advance(MINUTE)
    await recover(user.username)
    await server.deliver()
    expect(recoveryMails(user.email).length - before).toBe(1)
    server.clock.advance(2 * MINUTE)
    await recover(user.username)
    await server.deliver()
    const mails = recoveryMails(user.email).slice(before)
    expect(mails.length).toBe(2)
    // At most one live token: the newer replaces the older.
    const first = await call(server, 'POST', '/v1/recovery/complete', {
      body: { token: server.smtp.tokenFrom(mails[0]!), password: 'juniper rocket violet 8' },
    })
    expect(first.json.code).toBe('invalid_token')
  })

  it('mails one digest of blocked requests per day, only to the verified address', async () => {
    const { user } = await signUpAndLogin(server)
    const pending = freshUser()
    await call(server, 'POST', '/v1/accounts', { body: pending })
    await server.deliver()
    for (let i = 0; i < 6; i++) {
      await recover(user.username)
      await recover(pending.username)
      await server.deliver()
    }
    server.clock.advance(HOUR + MINUTE)
    await server.deliver()
    const digest = await server.smtp.waitFor((m) => m.to.includes(user.email) && /blocked/i.test(m.subject))
    expect(digest.text).toMatch(/5 password-reset requests/)
    expect(digest.text).toMatch(/two-factor/i)
    expect(digest.text).not.toMatch(/Token:/)
    for (let i = 0; i < 3; i++) await recover(user.username)
    server.clock.advance(2 * HOUR)
    await server.deliver()
    expect(
      server.smtp.messages.filter((m) => m.to.includes(user.email) && /blocked/i.test(m.subject)),
    ).toHaveLength(1)
    expect(
      server.smtp.messages.filter((m) => m.to.includes(pending.email) && /blocked/i.test(m.subject)),
    ).toHaveLength(0)
  })

  it('refuses unknown, used, expired and wrong-purpose tokens alike', async () => {
    const { user } = await signUpAndLogin(server)
    const fresh = freshUser()
    await call(server, 'POST', '/v1/accounts', { body: fresh })
    await server.deliver()
    const verifyToken = server.smtp.tokenFrom(await server.smtp.waitFor((m) => m.to.includes(fresh.email)))
    server.clock.advance(10 * MINUTE)
    await recover(user.username)
    await server.deliver()
    const token = server.smtp.tokenFrom(recoveryMails(user.email).at(-1)!)
    server.clock.advance(20 * MINUTE + 1000)
    const bodies = new Set<string>()
    for (const t of [token, verifyToken, 'A'.repeat(43), token.slice(0, 42)]) {
      const res = await call(server, 'POST', '/v1/recovery/complete', {
        body: { token: t, password: 'marble tundra kettle 5' },
      })
      expect(res.status).toBe(400)
      expect(res.json.code).toBe('invalid_token')
      const { request_id: _r, ...rest } = res.json
      bodies.add(JSON.stringify(rest))
    }
    expect(bodies.size).toBe(1)
    // The verification token is still good for its own purpose.
    expect((await call(server, 'POST', '/v1/accounts/verify', { body: { token: verifyToken } })).status).toBe(
      200,
    )
  })

  it('kills outstanding recovery tokens when the password changes', async () => {
    const { user, token: session } = await signUpAndLogin(server)
    server.clock.advance(10 * MINUTE)
    await recover(user.username)
    await server.deliver()
    const token = server.smtp.tokenFrom(recoveryMails(user.email).at(-1)!)
    await call(server, 'POST', '/v1/me/password', {
      token: session,
      body: { current_password: user.password, new_password: 'pewter canyon lilac 64' },
    })
    const res = await call(server, 'POST', '/v1/recovery/complete', {
      body: { token, password: 'harbor mosaic sequoia 2' },
    })
    expect(res.json.code).toBe('invalid_token')
  })

  it('requires the second factor to complete a reset, and changes nothing without it', async () => {
    const { user } = await signUpAndLogin(server)
    const { secret } = await enrolTotp(user.username)
    server.clock.advance(10 * MINUTE)
    await recover(user.username)
    await server.deliver()
    const token = server.smtp.tokenFrom(recoveryMails(user.email).at(-1)!)
    const newPassword = 'obsidian meadow falcon 12'
    const without = await call(server, 'POST', '/v1/recovery/complete', {
      body: { token, password: newPassword },
    })
    expect(without.status).toBe(401)
    expect(without.json.code).toBe('mfa_required')
    const wrong = await call(server, 'POST', '/v1/recovery/complete', {
      body: { token, password: newPassword, code: '000000' },
    })
    expect(wrong.json.code).toBe('mfa_required')
    // The old password still passes the password step (the account has a factor, so login asks for it).
    expect(
      (
        await call(server, 'POST', '/v1/sessions', {
          body: { identifier: user.username, password: user.password },
        })
      ).status,
    ).toBe(200)
    const code = totpCodeAt(secret, server.clock.now())
    const ok = await call(server, 'POST', '/v1/recovery/complete', {
      body: { token, password: newPassword, code },
    })
    expect(ok.status).toBe(200)
    expect(
      (
        await call(server, 'POST', '/v1/sessions', {
          body: { identifier: user.username, password: newPassword },
        })
      ).status,
    ).toBe(200)
  })

  it("checks at most 5 second-factor guesses per token, however many arrive at once, and spends the account's budget", async () => {
    const { user } = await signUpAndLogin(server)
    const { secret } = await enrolTotp(user.username)
    server.clock.advance(10 * MINUTE)
    await recover(user.username)
    await server.deliver()
    const token = server.smtp.tokenFrom(recoveryMails(user.email).at(-1)!)
    const account = (await server.app.store.accounts.findByUsername(user.username))!
    const fails = () => server.app.store.events.search({ type: 'authn_mfa_fail', accountId: account.id }, 100)
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        call(server, 'POST', '/v1/recovery/complete', {
          body: { token, password: 'obsidian meadow falcon 12', code: String(100000 + i) },
          ip: `127.62.${i}.1`,
        }),
      ),
    )
    expect((await fails()).filter((e) => e.details.during === 'recovery')).toHaveLength(5)
    expect(answers.filter((a) => a.json.code === 'mfa_required')).toHaveLength(5)
    expect(answers.filter((a) => a.json.code === 'invalid_token')).toHaveLength(55)
    // The token is spent: the right code does not bring it back.
    const late = await call(server, 'POST', '/v1/recovery/complete', {
      body: { token, password: 'obsidian meadow falcon 12', code: totpCodeAt(secret, server.clock.now()) },
    })
    expect(late.json.code).toBe('invalid_token')

    // Five more wrong guesses on a second token spend the account's budget of 10: the right
    // code on a third token is then refused too, until the budget's window passes.
    server.clock.advance(3 * MINUTE)
    await recover(user.email)
    await server.deliver()
    const second = server.smtp.tokenFrom(recoveryMails(user.email).at(-1)!)
    for (let i = 0; i < 5; i++) {
      await call(server, 'POST', '/v1/recovery/complete', {
        body: { token: second, password: 'obsidian meadow falcon 12', code: String(200000 + i) },
      })
    }
    server.clock.advance(3 * MINUTE)
    await recover(user.email)
    await server.deliver()
    const third = server.smtp.tokenFrom(recoveryMails(user.email).at(-1)!)
    const refused = await call(server, 'POST', '/v1/recovery/complete', {
      body: {
        token: third,
        password: 'obsidian meadow falcon 12',
        code: totpCodeAt(secret, server.clock.now()),
      },
    })
    expect(refused.json.code).toBe('mfa_required')
    expect((await fails()).some((e) => e.details.reason === 'account_limit')).toBe(true)
  })

  it('sends nothing for a reset-locked account unless the request carries a valid second-factor code', async () => {
    const { user, token: session } = await signUpAndLogin(server)
    const noFactor = await call(server, 'PUT', '/v1/me/reset-lock', {
      token: session,
      body: { enabled: true },
    })
    expect(noFactor.status).toBe(409)
    expect(noFactor.json.code).toBe('second_factor_required')
    const { secret } = await enrolTotp(user.username)
    expect(
      (await call(server, 'PUT', '/v1/me/reset-lock', { token: session, body: { enabled: true } })).json,
    ).toEqual({ reset_lock: true })
    const before = recoveryMails(user.email).length
    expect((await recover(user.username)).status).toBe(202)
    expect((await recover(user.username, { code: '123456' })).status).toBe(202)
    await server.deliver()
    expect(recoveryMails(user.email).length).toBe(before)
    const res = await recover(user.username, { code: totpCodeAt(secret, server.clock.now()) })
    expect(res.status).toBe(202)
    await server.deliver()
    expect(recoveryMails(user.email).length).toBe(before + 1)
    const account = (await server.app.store.accounts.findByUsername(user.username))!
    const reasons = (await server.app.store.events.listForAccount(account.id, 50))
      .filter((e) => e.type === 'recovery.suppressed')
      .map((e) => e.details.reason)
    expect(reasons).toEqual(['reset_lock', 'reset_lock'])
  })

  it('"this wasn\'t me" revokes every session and blocks login until recovery completes', async () => {
    const { user } = await signUpAndLogin(server)
    server.clock.advance(10 * MINUTE)
    await recover(user.username)
    await server.deliver()
    const token = server.smtp.tokenFrom(recoveryMails(user.email).at(-1)!)
    const attackerPassword = 'attacker chosen phrase 99'
    await call(server, 'POST', '/v1/recovery/complete', { body: { token, password: attackerPassword } })
    const attacker = await call(server, 'POST', '/v1/sessions', {
      body: { identifier: user.username, password: attackerPassword },
    })
    expect(attacker.status).toBe(201)
    await server.deliver()
    const notice = await server.smtp.waitFor(
      (m) => m.to.includes(user.email) && /was changed/i.test(m.subject),
    )
    const lockToken = server.smtp.tokenFrom(notice)
    expect((await call(server, 'POST', '/v1/accounts/lock', { body: { token: lockToken } })).json).toEqual({
      status: 'locked',
    })
    expect((await call(server, 'GET', '/v1/sessions/current', { token: attacker.json.token })).status).toBe(
      401,
    )
    expect(
      (
        await call(server, 'POST', '/v1/sessions', {
          body: { identifier: user.username, password: attackerPassword },
        })
      ).status,
    ).toBe(401)
    expect((await call(server, 'POST', '/v1/accounts/lock', { body: { token: lockToken } })).json.code).toBe(
      'invalid_token',
    )

    server.clock.advance(10 * MINUTE)
    await recover(user.email)
    await server.deliver()
    const again = server.smtp.tokenFrom(recoveryMails(user.email).at(-1)!)
    const mine = 'reclaimed garden trumpet 4'
    expect(
      (await call(server, 'POST', '/v1/recovery/complete', { body: { token: again, password: mine } }))
        .status,
    ).toBe(200)
    expect(
      (await call(server, 'POST', '/v1/sessions', { body: { identifier: user.username, password: mine } }))
        .status,
    ).toBe(201)
  })

  it('lets exactly one of 20 parallel completions with one token succeed', async () => {
    const { user } = await signUpAndLogin(server)
    server.clock.advance(10 * MINUTE)
    await recover(user.username)
    await server.deliver()
    const token = server.smtp.tokenFrom(recoveryMails(user.email).at(-1)!)
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call(server, 'POST', '/v1/recovery/complete', {
          body: { token, password: `parallel attempt number ${i} zz` },
        }),
      ),
    )
    expect(
      results.map((r) => r.json?.code ?? r.status).filter((c) => c !== 'invalid_token' && c !== 200),
    ).toEqual([])
    expect(results.filter((r) => r.status === 200)).toHaveLength(1)
    expect(results.filter((r) => r.status === 400 && r.json.code === 'invalid_token')).toHaveLength(19)
  })

  it('stops at the cap at send time too, when instances raced to queue more', async () => {
    const { user } = await signUpAndLogin(server)
    const account = (await server.app.store.accounts.findByUsername(user.username))!
    const before = recoveryMails(user.email).length
    // Six stored without the gate's queue-time count, as instances whose locks never met could.
    for (let i = 0; i < 6; i++) {
      await server.app.store.ledger.insert(
        {
          channel: 'email',
          recipient: account.email,
          template: 'recovery_email',
          payload: { token: `raced${i}tokenvalue`, username: user.username },
          accountId: account.id,
          kind: 'recovery',
          destination: account.email.toLowerCase(),
          region: null,
        },
        server.clock.now(),
      )
    }
    await server.deliver()
    expect(recoveryMails(user.email).length - before).toBe(3)
  })

  it('sends the reset by SMS when asked and the phone is verified, and tells every channel afterwards', async () => {
    const { user } = await signUpAndLogin(server)
    const account = (await server.app.store.accounts.findByUsername(user.username))!
    const phone = `+1415555${String(Math.floor(Math.random() * 9000) + 1000)}`
    server.clock.advance(10 * MINUTE)
    // Without a verified phone, an SMS request falls back to the account's email.
    await recover(user.username, { channel: 'sms' })
    await server.deliver()
    expect(sms.messages.filter((m) => m.to === phone)).toHaveLength(0)
    expect(recoveryMails(user.email).length).toBeGreaterThan(0)

    await server.app.database.db
      .updateTable('accounts')
      .set({ phone, phone_verified_at: server.clock.now() })
      .where('id', '=', account.id)
      .execute()
    server.clock.advance(10 * MINUTE)
    await recover(phone, { channel: 'sms' })
    await server.deliver()
    const text = await sms.waitFor((m) => m.to === phone)
    const token = text.body.match(/Token: (\S+)/)?.[1]
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(text.body).toContain('https://id.example.test/reset-password?token=')
    const done = await call(server, 'POST', '/v1/recovery/complete', {
      body: { token, password: 'cobalt prairie whistle 6' },
    })
    expect(done.status).toBe(200)
    await server.deliver()
    await sms.waitFor((m) => m.to === phone && /password was changed/.test(m.body))
    await server.smtp.waitFor((m) => m.to.includes(user.email) && /was changed/.test(m.subject))
  })

  it('masks no hint into the answer unless switched on', async () => {
    const res = await recover('someone@example.org')
    expect(Object.keys(res.json)).toEqual(['status'])
  })
})

describe('masked recovery hints (switched on)', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await createTestServer('sqlite', { GATEHOUSE_RECOVERY_HINTS: 'true' })
  })
  afterAll(async () => {
    await server?.close()
  })

  it('masks the real address, and gives a missing account a stable fake hint of the same shape', async () => {
    const { user } = await signUpAndLogin(server)
    const real = await call(server, 'POST', '/v1/recovery', { body: { identifier: user.username } })
    expect(real.json.hint).toBe(`${user.email[0]}***@e***.org`)
    expect(real.body).not.toContain(user.email.split('@')[0])
    const missing1 = await call(server, 'POST', '/v1/recovery', { body: { identifier: 'ghost_account' } })
    const missing2 = await call(server, 'POST', '/v1/recovery', { body: { identifier: 'ghost_account' } })
    const other = await call(server, 'POST', '/v1/recovery', { body: { identifier: 'another_ghost' } })
    const shape = /^[a-z]\*\*\*@[a-z]\*\*\*\.[a-z.]+$/
    expect(missing1.json.hint).toMatch(shape)
    expect(missing1.json.hint).toBe(missing2.json.hint)
    expect(other.json.hint).toMatch(shape)
    expect(Object.keys(real.json)).toEqual(Object.keys(missing1.json))
  })

  it('gives every spelling of a missing name one hint, as every spelling of a real one gets one', async () => {
    const { user } = await signUpAndLogin(server)
    const hint = async (identifier: string) =>
      (await call(server, 'POST', '/v1/recovery', { body: { identifier } })).json.hint as string
    const spellings = (name: string) => [
      name,
      name.toUpperCase(),
      fullWidth(name),
      fullWidth(name.toUpperCase()),
    ]
    const real = new Set(await Promise.all(spellings(user.username).map(hint)))
    const missing = new Set(await Promise.all(spellings('nobody_at_all').map(hint)))
    expect(real.size).toBe(1)
    expect(missing.size).toBe(1)
    const mails = new Set(await Promise.all([user.email, user.email.toUpperCase()].map(hint)))
    const ghostMails = new Set(await Promise.all(['ghost@example.net', 'GHOST@Example.NET'].map(hint)))
    expect(mails.size).toBe(1)
    expect(ghostMails.size).toBe(1)
  })
})

/** The full-width form of ASCII letters, digits and underscore (NFKC maps them back). */
const fullWidth = (s: string) =>
  [...s].map((c) => (c >= '!' && c <= '~' ? String.fromCodePoint(c.codePointAt(0)! + 0xfee0) : c)).join('')
