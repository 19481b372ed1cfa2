import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import maxmind, { type CityResponse } from 'maxmind'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/index.js'
import { api, type Body, challenged, opened, problem } from '../helpers/api.js'
import { databaseKinds } from '../helpers/databases.js'
import { type FakeSmsProvider, smsTransportFor, startFakeSmsProvider } from '../helpers/fake-sms-provider.js'
import { writeCityDb } from '../helpers/mmdb.js'
import { call, createTestServer, signUpAndLogin, type TestServer } from '../helpers/server.js'

const MINUTE = 60_000
const CODE_MAIL = /sign-in code/
const NOTICE_MAIL = /New sign-in/
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'

describe.each(databaseKinds())('devices, one-time login codes and new-sign-in notices on %s', (kind) => {
  let server: TestServer
  let sms: FakeSmsProvider
  beforeAll(async () => {
    sms = await startFakeSmsProvider()
    const transport = smsTransportFor(sms)
    server = await createTestServer(kind, { GATEHOUSE_STEP_UP_NEW_DEVICE: 'true' }, { sms: transport })
  })
  afterAll(async () => {
    await server?.close()
    await sms?.close()
  })

  type User = { username: string; email: string; password: string }
  const login = (user: User, device?: string, ip?: string) =>
    api(server, {
      ...(ip ? { ip } : {}),
      headers: { ...(device ? { 'x-gatehouse-device': device } : {}), 'user-agent': FIREFOX },
    }).POST('/v1/sessions', { body: { identifier: user.username, password: user.password } })
  /** The challenge of a stepped-up login. */
  const stepUp = async (user: User, device?: string, ip?: string) =>
    challenged((await login(user, device, ip)).data)
  /** Signs up and logs in once: that login's device is the account's first, known without a step-up. */
  const firstDevice = async () => {
    const { user, token } = await signUpAndLogin(server)
    const account = await server.app.store.accounts.findByUsername(user.username)
    return { user, token, account: account! }
  }
  const codeMails = (email: string) =>
    server.smtp.messages.filter((m) => m.to.includes(email) && CODE_MAIL.test(m.subject))
  /** Delivers the outbox and waits for the next code mail to `email`; returns its code. */
  const nextCode = async (email: string, seen: number) => {
    await server.deliver()
    for (let i = 0; i < 100 && codeMails(email).length <= seen; i++)
      await new Promise((r) => setTimeout(r, 20))
    const mail = codeMails(email)[seen]
    if (!mail) throw new Error('no code mail arrived')
    // The code is on a line of its own, `Code: 123456` (as tokens are on `Token: …`), in text and HTML.
    const code = /^Code: (\d{6})$/m.exec(mail.text)?.[1]
    expect(code, mail.text).toBeDefined()
    expect(mail.text).toContain(`is ${code}.`)
    expect(mail.html).toContain(`<p>Code: <code>${code}</code></p>`)
    return code!
  }
  type Factor = Body<'/v1/sessions/mfa', 'post'>
  const finish = (
    challenge_id: string,
    method: Factor['method'],
    code: string,
    extra: Pick<Factor, 'remember_device'> = {},
    ip?: string,
  ) =>
    api(server, { headers: { 'user-agent': FIREFOX }, ...(ip ? { ip } : {}) }).POST('/v1/sessions/mfa', {
      body: { challenge_id, method, code, ...extra },
    })
  const sendCode = (challenge_id: string, method: Body<'/v1/sessions/mfa/send', 'post'>['method']) =>
    api(server).POST('/v1/sessions/mfa/send', { body: { challenge_id, method } })

  /** What the session's login proved (RFC 8176 amr). */
  const amrOf = async (token: string) =>
    (await api(server, { token }).GET('/v1/sessions/current')).data!.session.amr

  it('turns the new-device step-up on by default', () => {
    expect(loadConfig({}).stepUpNewDevice).toBe(true)
    expect(loadConfig({}).rememberDeviceDays).toBe(30)
  })

  it('gives the first device a token without a step-up or a notice, and recognises it later', async () => {
    const { user } = await signUpAndLogin(server)
    // signUpAndLogin's login was the account's first device: it got a token (which the helper dropped).
    const events = await server.app.store.events.listForAccount(
      (await server.app.store.accounts.findByUsername(user.username))!.id,
      50,
    )
    expect(events.find((e) => e.type === 'authn_device_new')?.details.first_device).toBe(true)
    expect(events.some((e) => e.type === 'authn_login_notice_queued')).toBe(false)
  })

  it('asks an unrecognised device for a mailed code, then knows it and tells the owner', async () => {
    const { user } = await firstDevice()
    // That second login (no device token) was stepped up.
    const answer = await login(user)
    expect(answer.response.status).toBe(200)
    const stepped = challenged(answer.data)
    expect(stepped).toMatchObject({ mfa_required: true, methods: ['email'] })
    const code = await nextCode(user.email, 0)
    expect(code).toMatch(/^\d{6}$/)
    const done = await finish(stepped.challenge_id, 'email', code)
    expect(done.response.status).toBe(201)
    // The step-up's mailed code is a second proof: a one-time code, as RFC 8176 has none for email.
    expect(await amrOf(done.data!.token)).toEqual(['pwd', 'otp', 'mfa'])
    const device = done.data!.device_token!
    expect(device).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(done.response.headers.getSetCookie().some((c) => c.startsWith(`gh_device=${device}`))).toBe(true)

    await server.deliver()
    const notice = await server.smtp.waitFor((m) => m.to.includes(user.email) && NOTICE_MAIL.test(m.subject))
    expect(notice.text).toMatch(/Firefox\s+on\s+Linux/)
    // The time of the sign-in, as the mail's language writes it, in UTC.
    expect(notice.text.replace(/\s+/g, ' ')).toMatch(
      /on [A-Z][a-z]+ \d{1,2}, \d{4} at \d{1,2}:\d\d:\d\d [AP]M UTC/,
    )
    expect(notice.text).toMatch(/Token: [A-Za-z0-9_-]{43}/)

    // The known device logs in with the password alone, and gets no new token or notice.
    const known = await login(user, device)
    expect(known.response.status).toBe(201)
    expect(opened(known.data).device_token).toBeUndefined()
    expect(await amrOf(opened(known.data).token)).toEqual(['pwd'])
    // A code is single-use.
    expect((await finish(stepped.challenge_id, 'email', code)).response.status).toBe(401)
  })

  it('kills the challenge after 5 wrong codes, even when they arrive in parallel, and lets codes expire', async () => {
    const { user } = await firstDevice()
    const stepped = await stepUp(user)
    const code = await nextCode(user.email, 0)
    const wrong = code === '000000' ? '111111' : '000000'
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => finish(stepped.challenge_id, 'email', wrong)),
    )
    expect(answers.every((a) => a.response.status === 401 && problem(a.error).code === 'invalid_code')).toBe(
      true,
    )
    expect((await finish(stepped.challenge_id, 'email', code)).response.status).toBe(401)

    const late = await stepUp(user)
    const lateCode = await nextCode(user.email, 1)
    server.clock.advance(11 * MINUTE)
    expect((await finish(late.challenge_id, 'email', lateCode)).response.status).toBe(401)
  })

  it('refuses malformed codes and methods with a 4xx, changing nothing', async () => {
    const { user } = await firstDevice()
    const stepped = await stepUp(user)
    // Raw: bodies outside the route's schema.
    const send = (body: unknown) => call(server, 'POST', '/v1/sessions/mfa/send', { body })
    expect((await send({ challenge_id: stepped.challenge_id, method: 'totp' })).status).toBe(400)
    expect((await send({ challenge_id: stepped.challenge_id, method: 'sms' })).status).toBe(400)
    expect((await send({ challenge_id: 'nope', method: 'email' })).status).toBe(401)
    expect((await send({ challenge_id: stepped.challenge_id })).status).toBe(400)
    const code = await nextCode(user.email, 0)
    for (const bad of ['12345', '1234567', 'abcdef', '١٢٣٤٥٦', '12 345']) {
      const res = await finish(stepped.challenge_id, 'email', bad)
      expect(res.response.status, bad).toBe(401)
      expect(problem(res.error).code).toBe('invalid_code')
    }
    // Five wrong answers were five guesses: the right code no longer opens a session.
    expect((await finish(stepped.challenge_id, 'email', code)).response.status).toBe(401)
    expect(
      (await call(server, 'POST', '/v1/sessions/mfa', { body: { challenge_id: 'x', method: 'email' } }))
        .status,
    ).toBe(400)
  })

  it('caps the codes an account receives: the send route answers alike beyond the cap', async () => {
    const { user, account } = await firstDevice()
    const stepped = await stepUp(user) // one code sent with the step-up
    for (let i = 0; i < 4; i++) {
      const res = await sendCode(stepped.challenge_id, 'email')
      expect(res.response.status).toBe(202)
      expect(res.data).toEqual({ status: 'sent' })
    }
    await server.deliver()
    const codes = server.smtp.messages.filter((m) => m.to.includes(user.email) && CODE_MAIL.test(m.subject))
    expect(codes).toHaveLength(3)
    const capped = (await server.app.store.events.listForAccount(account.id, 100)).filter(
      (e) => e.type === 'authn_otp_send_capped',
    )
    expect(capped).toHaveLength(2)
  })

  it('offers email and SMS codes as factors; "remember this device" skips them until the password changes', async () => {
    const { user, token } = await signUpAndLogin(server)
    await server.app.database.db
      .updateTable('accounts')
      .set({ phone: '+14155550177', phone_verified_at: server.clock.now() })
      .where('username', '=', user.username)
      .execute()
    const email = await api(server, { token }).POST('/v1/mfa/email')
    expect(email.response.status).toBe(201)
    expect(email.data!.recovery_codes).toHaveLength(10)
    const smsFactor = await api(server, { token }).POST('/v1/mfa/sms')
    expect(smsFactor.response.status).toBe(201)
    expect(smsFactor.data!.recovery_codes).toBeUndefined()

    const challenge = await stepUp(user)
    expect(challenge.methods).toEqual(['email', 'sms', 'recovery_code'])
    const sent = await sendCode(challenge.challenge_id, 'sms')
    expect(sent.response.status).toBe(202)
    await server.deliver()
    const text = await sms.waitFor((m) => m.to === '+14155550177' && /sign-in code/.test(m.body))
    const code = text.body.match(/is (\d{6})\./)?.[1] ?? ''
    // The email code of this challenge is not the SMS one.
    expect((await finish(challenge.challenge_id, 'email', code)).response.status).toBe(401)
    const done = await finish(challenge.challenge_id, 'sms', code, { remember_device: true })
    expect(done.response.status).toBe(201)
    expect(await amrOf(done.data!.token)).toEqual(['pwd', 'sms', 'mfa'])
    const device = done.data!.device_token!

    const remembered = await login(user, device)
    expect(remembered.response.status).toBe(201)
    const session = opened(remembered.data).token
    // A remembered device skipped the second factor: the password alone proved who this is.
    expect(await amrOf(session)).toEqual(['pwd'])
    const changed = await api(server, { token: session }).POST('/v1/me/password', {
      body: { current_password: user.password, new_password: 'copper lantern 88 meadow' },
    })
    expect(changed.response.status).toBe(200)
    const again = await api(server, { headers: { 'x-gatehouse-device': device } }).POST('/v1/sessions', {
      body: { identifier: user.username, password: 'copper lantern 88 meadow' },
    })
    expect(again.response.status).toBe(200)
    expect(challenged(again.data).mfa_required).toBe(true)
  })

  it('forgets remembered devices when the password is reset', async () => {
    const { user, token } = await signUpAndLogin(server)
    expect((await api(server, { token }).POST('/v1/mfa/email')).response.status).toBe(201)
    const challenge = await stepUp(user)
    const seen = codeMails(user.email).length
    await sendCode(challenge.challenge_id, 'email')
    const code = await nextCode(user.email, seen)
    const done = await finish(challenge.challenge_id, 'email', code, { remember_device: true })
    expect(done.response.status).toBe(201)
    const device = done.data!.device_token!
    expect((await login(user, device)).response.status).toBe(201)

    await api(server).POST('/v1/recovery', { body: { identifier: user.username } })
    await server.deliver()
    const mail = await server.smtp.waitFor(
      (m) => m.to.includes(user.email) && /reset|recover/i.test(m.subject),
    )
    const reset = await api(server).POST('/v1/recovery/complete', {
      body: { token: server.smtp.tokenFrom(mail), password: 'orchid beacon 47 tundra' },
    })
    expect(reset.response.status).toBe(200)
    const after = await api(server, { headers: { 'x-gatehouse-device': device } }).POST('/v1/sessions', {
      body: { identifier: user.username, password: 'orchid beacon 47 tundra' },
    })
    expect(after.response.status).toBe(200)
    expect(challenged(after.data).mfa_required).toBe(true)
  })

  it('does not accept an email code as the second factor of a password reset', async () => {
    const { user, token } = await signUpAndLogin(server)
    expect((await api(server, { token }).POST('/v1/mfa/email')).response.status).toBe(201)
    await api(server).POST('/v1/recovery', { body: { identifier: user.username } })
    await server.deliver()
    const mail = await server.smtp.waitFor(
      (m) => m.to.includes(user.email) && /reset|recover/i.test(m.subject),
    )
    const done = await api(server).POST('/v1/recovery/complete', {
      body: { token: server.smtp.tokenFrom(mail), password: 'meadow falcon 93 ribbon' },
    })
    expect(done.response.status).toBe(200)
  })

  it('"this wasn\'t me" ends the sessions, blocks login and starts a recovery', async () => {
    const { user } = await firstDevice()
    const stepped = await stepUp(user, undefined, '198.51.100.23')
    const code = await nextCode(user.email, 0)
    const intruder = await finish(stepped.challenge_id, 'email', code, {}, '198.51.100.23')
    expect(intruder.response.status).toBe(201)
    await server.deliver()
    const notice = await server.smtp.waitFor((m) => m.to.includes(user.email) && NOTICE_MAIL.test(m.subject))
    expect(notice.text).toContain('198.51.100.23')
    const notMe = server.smtp.tokenFrom(notice)

    const res = await api(server).POST('/v1/sessions/not-me', { body: { token: notMe } })
    expect(res.response.status).toBe(200)
    expect(res.data).toEqual({ status: 'locked' })
    const intruderSession = intruder.data!
    expect(
      (await api(server, { token: intruderSession.token }).GET('/v1/sessions/current')).response.status,
    ).toBe(401)
    expect((await login(user, intruderSession.device_token)).response.status).toBe(401)
    await server.deliver()
    await server.smtp.waitFor((m) => m.to.includes(user.email) && /reset|recover/i.test(m.subject))
    const again = await api(server).POST('/v1/sessions/not-me', { body: { token: notMe } })
    expect(again.response.status).toBe(400)
    expect(problem(again.error).code).toBe('invalid_token')
    // Raw: bodies outside the route's schema.
    for (const body of [{}, { token: 42 }, { token: 'short' }]) {
      expect((await call(server, 'POST', '/v1/sessions/not-me', { body })).status).toBe(400)
    }
  })

  it('names the approximate place from a local GeoIP database, and refuses a missing one at start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-geoip-'))
    const file = join(dir, 'city.mmdb')
    writeCityDb(file, [
      { prefix24: '198.51.100.0', city: 'Lisbon', country: 'Portugal', isoCode: 'PT' },
      { prefix24: '203.0.113.0', city: 'Berlin', country: 'Germany', isoCode: 'DE' },
    ])
    const reader = await maxmind.open<CityResponse>(file)
    expect(reader.get('203.0.113.9')?.city?.names.en).toBe('Berlin')
    expect(reader.get('192.0.2.1')).toBeNull()
    expect(() => loadConfig({ GATEHOUSE_GEOIP_DB: join(dir, 'missing.mmdb') })).toThrow(/GATEHOUSE_GEOIP_DB/)

    const geo = await createTestServer(kind, { GATEHOUSE_GEOIP_DB: file })
    try {
      const { user } = await signUpAndLogin(geo)
      const second = await api(geo, { ip: '198.51.100.77' }).POST('/v1/sessions', {
        body: { identifier: user.username, password: user.password },
      })
      expect(second.response.status).toBe(201)
      await geo.deliver()
      const notice = await geo.smtp.waitFor((m) => m.to.includes(user.email) && NOTICE_MAIL.test(m.subject))
      expect(notice.text).toMatch(/approximately\s+Lisbon,\s+Portugal/)
      expect(notice.text).toContain('198.51.100.77')
    } finally {
      await geo.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
