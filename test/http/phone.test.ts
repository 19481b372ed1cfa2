import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, opened, problem, rawBody } from '../helpers/api.js'
import { databaseKinds } from '../helpers/databases.js'
import { type FakeSmsProvider, smsTransportFor, startFakeSmsProvider } from '../helpers/fake-sms-provider.js'
import { call, createTestServer, signUpAndLogin, type TestServer } from '../helpers/server.js'

const usedPhones = new Set<string>()
/** A valid US number (415-555-xxxx) that no other test in this file uses. */
const freshPhone = (): string => {
  for (;;) {
    const p = `+1415555${String(Math.floor(Math.random() * 9000) + 1000)}`
    if (!usedPhones.has(p)) {
      usedPhones.add(p)
      return p
    }
  }
}

const CODE_SMS =
  /^Gatehouse: your verification code is (\d{6})\. It expires in 10 minutes\. Never share it\.$/

describe.each(databaseKinds())('phone verification over HTTP on %s', (kind) => {
  let server: TestServer
  let sms: FakeSmsProvider
  beforeAll(async () => {
    sms = await startFakeSmsProvider()
    const transport = smsTransportFor(sms)
    server = await createTestServer(kind, {}, { sms: transport })
  })
  afterAll(async () => {
    await server?.close()
    await sms?.close()
  })

  const setPhone = (token: string, phone: string, password: string) =>
    api(server, { token }).POST('/v1/me/phone', { body: { phone, password } })
  const verify = (token: string, code: string) =>
    api(server, { token }).POST('/v1/me/phone/verify', { body: { code } })
  const removePhone = (token: string, password: string) =>
    api(server, { token }).DELETE('/v1/me/phone', { body: { password } })
  const login = (identifier: string, password: string) =>
    api(server).POST('/v1/sessions', { body: { identifier, password } })
  const username = async (token: string) =>
    (await api(server, { token }).GET('/v1/sessions/current')).data!.account.username
  const textsTo = (phone: string) => sms.messages.filter((m) => m.to === phone)
  /** Delivers the outbox and returns the code of the newest text to `phone`. */
  const latestCode = async (phone: string): Promise<string> => {
    await server.deliver()
    const last = textsTo(phone).at(-1)
    const code = last ? CODE_SMS.exec(last.body)?.[1] : undefined
    if (!code) throw new Error(`no code texted to ${phone}`)
    return code
  }
  const row = (username: string) =>
    server.app.database.db
      .selectFrom('accounts')
      .select(['id', 'phone', 'phone_verified_at'])
      .where('username', '=', username)
      .executeTakeFirstOrThrow()
  const otherCode = (code: string, n: number) => String((Number(code) + n) % 1_000_000).padStart(6, '0')

  it('sets the number only with the right password, texts a code to exactly it, and verifies with it', async () => {
    const { user, token } = await signUpAndLogin(server)
    const phone = freshPhone()
    const texted = sms.messages.length

    const wrong = await setPhone(token, phone, 'not my password at all')
    expect(wrong.response.status).toBe(401)
    expect(problem(wrong.error).code).toBe('invalid_credentials')
    await server.deliver()
    expect(sms.messages.length).toBe(texted)
    expect(await row(user.username)).toMatchObject({ phone: null, phone_verified_at: null })

    const res = await setPhone(token, phone, user.password)
    expect(res.response.status).toBe(202)
    expect(res.data).toEqual({ status: 'code_sent' })
    expect(await row(user.username)).toMatchObject({ phone, phone_verified_at: null })
    const code = await latestCode(phone)
    const sent = sms.messages.slice(texted)
    expect(sent).toHaveLength(1)
    expect(sent[0]!.to).toBe(phone)
    expect(sent[0]!.body).toMatch(CODE_SMS)

    // Unverified, the number is no identifier.
    expect((await login(phone, user.password)).response.status).toBe(401)

    const ok = await verify(token, code)
    expect(ok.response.status).toBe(200)
    expect(ok.data).toEqual({ status: 'verified' })
    expect((await row(user.username)).phone_verified_at).toBe(server.clock.now())
    // Single use.
    expect(problem((await verify(token, code)).error).code).toBe('invalid_code')

    const byPhone = await login(phone, user.password)
    expect(byPhone.response.status).toBe(201)
    expect(await username(opened(byPhone.data).token)).toBe(user.username)

    // The owner's address was told, with the last two digits of the number only.
    const notice = await server.smtp.waitFor(
      (m) => m.to.includes(user.email) && /phone number .* was changed/i.test(m.subject),
    )
    const text = notice.text.replaceAll(user.username, '').replace(/\s+/g, ' ')
    expect(text).toContain(`a number ending in ${phone.slice(-2)}`)
    expect(text).not.toContain(phone.slice(-3))
    expect(notice.html.replaceAll(user.username, '')).not.toContain(phone.slice(-3))

    // The security log knows what happened, and never the number.
    const events = await server.app.database.db
      .selectFrom('security_events')
      .select(['type', 'details'])
      .where('account_id', '=', (await row(user.username)).id)
      .execute()
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['authn_reauth_fail', 'account_phone_changed', 'account_phone_verified']),
    )
    for (const e of events) expect(e.details).not.toContain(phone.slice(1))
  })

  it('counts wrong codes: the fifth kills the code, and the right one fails after that', async () => {
    const { user, token } = await signUpAndLogin(server)
    const phone = freshPhone()
    expect((await setPhone(token, phone, user.password)).response.status).toBe(202)
    const code = await latestCode(phone)
    for (let i = 1; i <= 5; i++) {
      const res = await verify(token, otherCode(code, i))
      expect(res.response.status).toBe(401)
      expect(problem(res.error).code).toBe('invalid_code')
    }
    const late = await verify(token, code)
    expect(late.response.status).toBe(401)
    expect(problem(late.error).code).toBe('invalid_code')
    expect((await row(user.username)).phone_verified_at).toBeNull()

    // A new code starts afresh: four wrong guesses, then the right one, still verify.
    expect((await setPhone(token, phone, user.password)).response.status).toBe(202)
    const fresh = await latestCode(phone)
    expect(fresh).not.toBe(code)
    for (let i = 1; i <= 4; i++) expect((await verify(token, otherCode(fresh, i))).response.status).toBe(401)
    expect((await verify(token, fresh)).response.status).toBe(200)
  })

  it('refuses malformed numbers and codes with a clear 400', async () => {
    const { user, token } = await signUpAndLogin(server)
    const bad = await setPhone(token, '0041 44 668 18 00', user.password)
    expect(bad.response.status).toBe(400)
    expect(problem(bad.error).code).toBe('invalid_phone')
    for (const code of ['12345', '1234567', 'abcdef', '12 456', '١٢٣٤٥٦']) {
      const res = await verify(token, code)
      expect(res.response.status, code).toBe(400)
      expect(problem(res.error).code).toBe('invalid_request')
    }
    // Without any code sent, a well-formed code is simply wrong.
    expect(problem((await verify(token, '123456')).error).code).toBe('invalid_code')
  })

  it('gives a number verified by one account to no other: 409 phone_taken, and the first keeps it', async () => {
    const a = await signUpAndLogin(server)
    const b = await signUpAndLogin(server)
    const phone = freshPhone()
    await setPhone(a.token, phone, a.user.password)
    expect((await verify(a.token, await latestCode(phone))).response.status).toBe(200)

    // Setting it answers as usual (no oracle): the code goes to the number's holder.
    const set = await setPhone(b.token, phone, b.user.password)
    expect(set.response.status).toBe(202)
    expect(set.data).toEqual({ status: 'code_sent' })
    const taken = await verify(b.token, await latestCode(phone))
    expect(taken.response.status).toBe(409)
    expect(problem(taken.error).code).toBe('phone_taken')
    expect(rawBody(taken.response)).not.toContain(a.user.username)

    expect((await row(a.user.username)).phone_verified_at).not.toBeNull()
    expect((await row(b.user.username)).phone_verified_at).toBeNull()
    const byPhone = await login(phone, a.user.password)
    expect(byPhone.response.status).toBe(201)
    expect(await username(opened(byPhone.data).token)).toBe(a.user.username)
    expect((await login(phone, b.user.password)).response.status).toBe(401)
  })

  it('un-verifies on a change of number, tells the old verified number once, and kills older codes', async () => {
    const { user, token } = await signUpAndLogin(server)
    const first = freshPhone()
    await setPhone(token, first, user.password)
    expect((await verify(token, await latestCode(first))).response.status).toBe(200)
    expect((await login(first, user.password)).response.status).toBe(201)
    const toFirst = textsTo(first).length

    const second = freshPhone()
    expect((await setPhone(token, second, user.password)).response.status).toBe(202)
    expect(await row(user.username)).toMatchObject({ phone: second, phone_verified_at: null })
    const secondCode = await latestCode(second)
    await server.deliver()
    // The verified number that was replaced gets one notice, and no code.
    expect(textsTo(first)).toHaveLength(toFirst + 1)
    expect(textsTo(first).at(-1)?.body).toMatch(/phone number was changed or removed for your account/)
    expect(textsTo(first).at(-1)?.body).not.toMatch(/\d{6}/)
    expect((await login(first, user.password)).response.status).toBe(401)
    expect((await login(second, user.password)).response.status).toBe(401)

    const third = freshPhone()
    expect((await setPhone(token, third, user.password)).response.status).toBe(202)
    const thirdCode = await latestCode(third)
    expect(problem((await verify(token, secondCode)).error).code).toBe('invalid_code')
    expect((await verify(token, thirdCode)).response.status).toBe(200)
    expect(await row(user.username)).toMatchObject({ phone: third })
    expect((await login(third, user.password)).response.status).toBe(201)
    // The second number was never verified: nobody is told about replacing it.
    await server.deliver()
    expect(textsTo(first)).toHaveLength(toFirst + 1)
    expect(textsTo(second).filter((m) => /changed or removed/.test(m.body))).toHaveLength(0)
  })

  it('sends at most 5 codes per account and hour, then 429 with Retry-After and nothing changes', async () => {
    const { user, token } = await signUpAndLogin(server)
    const phones = Array.from({ length: 6 }, freshPhone)
    for (const p of phones.slice(0, 5))
      expect((await setPhone(token, p, user.password)).response.status).toBe(202)
    const capped = await setPhone(token, phones[5]!, user.password)
    expect(capped.response.status).toBe(429)
    expect(problem(capped.error).code).toBe('rate_limited')
    expect(capped.response.headers.get('retry-after')).toBe('3600')
    expect((await row(user.username)).phone).toBe(phones[4])
    await server.deliver()
    expect(textsTo(phones[5]!)).toHaveLength(0)
    // The last code sent still works.
    expect((await verify(token, await latestCode(phones[4]!))).response.status).toBe(200)

    // (Steps shorter than the 30-minute idle expiry of the session.)
    server.clock.advance(20 * 60_000)
    expect((await setPhone(token, phones[5]!, user.password)).response.headers.get('retry-after')).toBe(
      '2400',
    )
    expect((await row(user.username)).phone_verified_at).not.toBeNull()
    server.clock.advance(20 * 60_000)
    expect((await setPhone(token, phones[5]!, user.password)).response.headers.get('retry-after')).toBe(
      '1200',
    )
    server.clock.advance(20 * 60_000 + 1000)
    expect((await setPhone(token, phones[5]!, user.password)).response.status).toBe(202)
    expect((await verify(token, await latestCode(phones[5]!))).response.status).toBe(200)
  })

  it('removes the number with the password: no more login by it, and the owner is told', async () => {
    const { user, token } = await signUpAndLogin(server)
    const phone = freshPhone()
    await setPhone(token, phone, user.password)
    expect((await verify(token, await latestCode(phone))).response.status).toBe(200)

    const wrong = await removePhone(token, 'wrong password here')
    expect(wrong.response.status).toBe(401)
    expect(problem(wrong.error).code).toBe('invalid_credentials')
    expect((await row(user.username)).phone).toBe(phone)

    const res = await removePhone(token, user.password)
    expect(res.response.status).toBe(204)
    expect(await row(user.username)).toMatchObject({ phone: null, phone_verified_at: null })
    expect((await login(phone, user.password)).response.status).toBe(401)
    await server.deliver()
    await server.smtp.waitFor(
      (m) => m.to.includes(user.email) && /phone number .* was removed/i.test(m.subject),
    )
    expect(textsTo(phone).filter((m) => /changed or removed/.test(m.body))).toHaveLength(1)
    // Again: nothing left to remove, still 204.
    expect((await removePhone(token, user.password)).response.status).toBe(204)
  })

  it('answers 401 unauthenticated without a live session, and changes nothing', async () => {
    const phone = freshPhone()
    for (const [method, url, body] of [
      ['POST', '/v1/me/phone', { phone, password: 'whatever it is 1' }],
      ['POST', '/v1/me/phone/verify', { code: '123456' }],
      ['DELETE', '/v1/me/phone', { password: 'whatever it is 1' }],
    ] as const) {
      for (const token of [undefined, 'not-a-session-token']) {
        const res = await call(server, method, url, { body, ...(token ? { token } : {}) })
        expect(res.status, `${method} ${url}`).toBe(401)
        expect(problem(res.json).code).toBe('unauthenticated')
      }
    }
    await server.deliver()
    expect(textsTo(phone)).toHaveLength(0)
  })
})
