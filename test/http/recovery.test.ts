import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SqlMfaFactorRepository } from '../../src/adapters/sql/mfa-repository.js'
import { SecretBox } from '../../src/kernel/secret-box.js'
import { enrolConfirmedTotp } from '../../src/modules/mfa/second-factors.js'
import { totpCodeAt } from '../../src/modules/mfa/totp.js'
import { api, type Body, opened, problem, rawBody } from '../helpers/api.js'
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

  const recover = (
    identifier: string,
    extra: Omit<Body<'/v1/recovery', 'post'>, 'identifier'> = {},
    ip = '127.0.0.1',
  ) => api(server, { ip }).POST('/v1/recovery', { body: { identifier, ...extra } })
  const complete = (body: Body<'/v1/recovery/complete', 'post'>, ip?: string) =>
    api(server, ip ? { ip } : {}).POST('/v1/recovery/complete', { body })
  const login = async (identifier: string, password: string) =>
    (await api(server).POST('/v1/sessions', { body: { identifier, password } })).response.status
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
    expect(res.response.status).toBe(202)
    expect(res.data).toEqual({ status: 'accepted' })
    await server.deliver()
    const mail = await server.smtp.waitFor((m) => m.to.includes(user.email) && /reset/i.test(m.subject))
    expect(mail.to).toEqual([user.email])
    const token = server.smtp.tokenFrom(mail)
    expect(mail.text).toContain(`https://id.example.test/reset-password?token=${token}`)

    const newPassword = 'saffron compass drizzle 31'
    const same = await complete({ token, password: user.password })
    expect(same.response.status).toBe(400)
    expect(problem(same.error).code).toBe('password_reused')
    const weak = await complete({ token, password: 'password1' })
    expect(problem(weak.error).code).toBe('password_common')
    const done = await complete({ token, password: newPassword })
    expect(done.response.status).toBe(200)
    expect(done.data).toEqual({ status: 'password_changed' })
    expect(done.response.headers.has('set-cookie')).toBe(false)
    expect((await api(server, { token: session }).GET('/v1/sessions/current')).response.status).toBe(401)
    const again = await complete({ token, password: 'another fine phrase 77' })
    expect(again.response.status).toBe(400)
    expect(problem(again.error).code).toBe('invalid_token')
    expect(await login(user.username, user.password)).toBe(401)
    expect(await login(user.username, newPassword)).toBe(201)

    await server.deliver()
    const notice = await server.smtp.waitFor(
      (m) => m.to.includes(user.email) && /was changed/i.test(m.subject),
    )
    expect(notice.text).toContain('https://id.example.test/lock-account?token=')
  })

  it('answers 202 byte for byte alike for existing, missing, unverified, capped and reset-locked accounts', async () => {
    const { user } = await signUpAndLogin(server)
    const pending = freshUser()
    await api(server).POST('/v1/accounts', { body: pending })
    const locked = await signUpAndLogin(server)
    await enrolTotp(locked.user.username)
    await api(server, { token: locked.token }).PUT('/v1/me/reset-lock', { body: { enabled: true } })
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
      // Raw: the answers are compared byte for byte, headers and all.
      const res = await call(server, 'POST', '/v1/recovery', { body: { identifier }, ip: '127.0.0.1' })
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
    const first = await complete({
      token: server.smtp.tokenFrom(mails[0]!),
      password: 'juniper rocket violet 8',
    })
    expect(problem(first.error).code).toBe('invalid_token')
  })

  it('mails one digest of blocked requests per day, only to the verified address', async () => {
    const { user } = await signUpAndLogin(server)
    const pending = freshUser()
    await api(server).POST('/v1/accounts', { body: pending })
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
    await api(server).POST('/v1/accounts', { body: fresh })
    await server.deliver()
    const verifyToken = server.smtp.tokenFrom(await server.smtp.waitFor((m) => m.to.includes(fresh.email)))
    server.clock.advance(10 * MINUTE)
    await recover(user.username)
    await server.deliver()
    const token = server.smtp.tokenFrom(recoveryMails(user.email).at(-1)!)
    server.clock.advance(20 * MINUTE + 1000)
    const bodies = new Set<string>()
    for (const t of [token, verifyToken, 'A'.repeat(43), token.slice(0, 42)]) {
      const res = await complete({ token: t, password: 'marble tundra kettle 5' })
      expect(res.response.status).toBe(400)
      const refusal = problem(res.error)
      expect(refusal.code).toBe('invalid_token')
      const { request_id: _r, ...rest } = refusal
      bodies.add(JSON.stringify(rest))
    }
    expect(bodies.size).toBe(1)
    // The verification token is still good for its own purpose.
    expect(
      (await api(server).POST('/v1/accounts/verify', { body: { token: verifyToken } })).response.status,
    ).toBe(200)
  })

  it('kills outstanding recovery tokens when the password changes', async () => {
    const { user, token: session } = await signUpAndLogin(server)
    server.clock.advance(10 * MINUTE)
    await recover(user.username)
    await server.deliver()
    const token = server.smtp.tokenFrom(recoveryMails(user.email).at(-1)!)
    await api(server, { token: session }).POST('/v1/me/password', {
      body: { current_password: user.password, new_password: 'pewter canyon lilac 64' },
    })
    const res = await complete({ token, password: 'harbor mosaic sequoia 2' })
    expect(problem(res.error).code).toBe('invalid_token')
  })

  it('requires the second factor to complete a reset, and changes nothing without it', async () => {
    const { user } = await signUpAndLogin(server)
    const { secret } = await enrolTotp(user.username)
    server.clock.advance(10 * MINUTE)
    await recover(user.username)
    await server.deliver()
    const token = server.smtp.tokenFrom(recoveryMails(user.email).at(-1)!)
    const newPassword = 'obsidian meadow falcon 12'
    const without = await complete({ token, password: newPassword })
    expect(without.response.status).toBe(401)
    expect(problem(without.error).code).toBe('mfa_required')
    const wrong = await complete({ token, password: newPassword, code: '000000' })
    expect(problem(wrong.error).code).toBe('mfa_required')
    // The old password still passes the password step (the account has a factor, so login asks for it).
    expect(await login(user.username, user.password)).toBe(200)
    const code = totpCodeAt(secret, server.clock.now())
    const ok = await complete({ token, password: newPassword, code })
    expect(ok.response.status).toBe(200)
    expect(await login(user.username, newPassword)).toBe(200)
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
        complete({ token, password: 'obsidian meadow falcon 12', code: String(100000 + i) }, `127.62.${i}.1`),
      ),
    )
    expect((await fails()).filter((e) => e.details.during === 'recovery')).toHaveLength(5)
    const codes = answers.map((a) => problem(a.error).code)
    expect(codes.filter((c) => c === 'mfa_required')).toHaveLength(5)
    expect(codes.filter((c) => c === 'invalid_token')).toHaveLength(55)
    // The token is spent: the right code does not bring it back.
    const late = await complete({
      token,
      password: 'obsidian meadow falcon 12',
      code: totpCodeAt(secret, server.clock.now()),
    })
    expect(problem(late.error).code).toBe('invalid_token')

    // Five more wrong guesses on a second token spend the account's budget of 10: the right
    // code on a third token is then refused too, until the budget's window passes.
    server.clock.advance(3 * MINUTE)
    await recover(user.email)
    await server.deliver()
    const second = server.smtp.tokenFrom(recoveryMails(user.email).at(-1)!)
    for (let i = 0; i < 5; i++) {
      await complete({ token: second, password: 'obsidian meadow falcon 12', code: String(200000 + i) })
    }
    server.clock.advance(3 * MINUTE)
    await recover(user.email)
    await server.deliver()
    const third = server.smtp.tokenFrom(recoveryMails(user.email).at(-1)!)
    const refused = await complete({
      token: third,
      password: 'obsidian meadow falcon 12',
      code: totpCodeAt(secret, server.clock.now()),
    })
    expect(problem(refused.error).code).toBe('mfa_required')
    expect((await fails()).some((e) => e.details.reason === 'account_limit')).toBe(true)
  })

  it('sends nothing for a reset-locked account unless the request carries a valid second-factor code', async () => {
    const { user, token: session } = await signUpAndLogin(server)
    const asOwner = api(server, { token: session })
    const noFactor = await asOwner.PUT('/v1/me/reset-lock', { body: { enabled: true } })
    expect(noFactor.response.status).toBe(409)
    expect(problem(noFactor.error).code).toBe('second_factor_required')
    const { secret } = await enrolTotp(user.username)
    expect((await asOwner.PUT('/v1/me/reset-lock', { body: { enabled: true } })).data).toEqual({
      reset_lock: true,
    })
    const before = recoveryMails(user.email).length
    expect((await recover(user.username)).response.status).toBe(202)
    expect((await recover(user.username, { code: '123456' })).response.status).toBe(202)
    await server.deliver()
    expect(recoveryMails(user.email).length).toBe(before)
    const res = await recover(user.username, { code: totpCodeAt(secret, server.clock.now()) })
    expect(res.response.status).toBe(202)
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
    await complete({ token, password: attackerPassword })
    const attacker = await api(server).POST('/v1/sessions', {
      body: { identifier: user.username, password: attackerPassword },
    })
    expect(attacker.response.status).toBe(201)
    await server.deliver()
    const notice = await server.smtp.waitFor(
      (m) => m.to.includes(user.email) && /was changed/i.test(m.subject),
    )
    const lockToken = server.smtp.tokenFrom(notice)
    const lock = () => api(server).POST('/v1/accounts/lock', { body: { token: lockToken } })
    expect((await lock()).data).toEqual({ status: 'locked' })
    const attackerSession = api(server, { token: opened(attacker.data).token })
    expect((await attackerSession.GET('/v1/sessions/current')).response.status).toBe(401)
    expect(await login(user.username, attackerPassword)).toBe(401)
    expect(problem((await lock()).error).code).toBe('invalid_token')

    server.clock.advance(10 * MINUTE)
    await recover(user.email)
    await server.deliver()
    const again = server.smtp.tokenFrom(recoveryMails(user.email).at(-1)!)
    const mine = 'reclaimed garden trumpet 4'
    expect((await complete({ token: again, password: mine })).response.status).toBe(200)
    expect(await login(user.username, mine)).toBe(201)
  })

  it('lets exactly one of 20 parallel completions with one token succeed', async () => {
    const { user } = await signUpAndLogin(server)
    server.clock.advance(10 * MINUTE)
    await recover(user.username)
    await server.deliver()
    const token = server.smtp.tokenFrom(recoveryMails(user.email).at(-1)!)
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => complete({ token, password: `parallel attempt number ${i} zz` })),
    )
    expect(
      results
        .map((r) => (r.response.ok ? r.response.status : problem(r.error).code))
        .filter((c) => c !== 'invalid_token' && c !== 200),
    ).toEqual([])
    expect(results.filter((r) => r.response.status === 200)).toHaveLength(1)
    expect(
      results.filter((r) => r.response.status === 400 && problem(r.error).code === 'invalid_token'),
    ).toHaveLength(19)
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
    const done = await complete({ token: token!, password: 'cobalt prairie whistle 6' })
    expect(done.response.status).toBe(200)
    await server.deliver()
    await sms.waitFor((m) => m.to === phone && /password was changed/.test(m.body))
    await server.smtp.waitFor((m) => m.to.includes(user.email) && /was changed/.test(m.subject))
  })

  it('masks no hint into the answer unless switched on', async () => {
    const res = await recover('someone@example.org')
    expect(Object.keys(res.data!)).toEqual(['status'])
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
    const recover = (identifier: string) => api(server).POST('/v1/recovery', { body: { identifier } })
    const real = await recover(user.username)
    expect(real.data!.hint).toBe(`${user.email[0]}***@e***.org`)
    expect(rawBody(real.response)).not.toContain(user.email.split('@')[0])
    const missing1 = (await recover('ghost_account')).data!
    const missing2 = (await recover('ghost_account')).data!
    const other = (await recover('another_ghost')).data!
    const shape = /^[a-z]\*\*\*@[a-z]\*\*\*\.[a-z.]+$/
    expect(missing1.hint).toMatch(shape)
    expect(missing1.hint).toBe(missing2.hint)
    expect(other.hint).toMatch(shape)
    expect(Object.keys(real.data!)).toEqual(Object.keys(missing1))
  })

  it('gives every spelling of a missing name one hint, as every spelling of a real one gets one', async () => {
    const { user } = await signUpAndLogin(server)
    const hint = async (identifier: string) =>
      (await api(server).POST('/v1/recovery', { body: { identifier } })).data!.hint
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
