import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { databaseKinds } from '../helpers/databases.js'
import { type FakeSmsProvider, smsTransportFor, startFakeSmsProvider } from '../helpers/fake-sms-provider.js'
import { call, createTestServer, signUpAndLogin, type TestServer, withTotp } from '../helpers/server.js'

/*
 * GET /v1/me: the signed-in account as stored — what the security settings show. Only the caller's
 * own account, never cached, and nothing without a live session.
 */
describe.each(databaseKinds())("the account's own view over HTTP on %s", (kind) => {
  let server: TestServer
  let sms: FakeSmsProvider
  beforeAll(async () => {
    sms = await startFakeSmsProvider()
    server = await createTestServer(kind, {}, { sms: smsTransportFor(sms) })
  })
  afterAll(async () => {
    await server?.close()
    await sms?.close()
  })

  it('follows the phone number, the reset lock and the language as they change', async () => {
    // The reset lock needs a second factor to ask for.
    const { user, token } = await withTotp(server)
    const me = () => call(server, 'GET', '/v1/me', { token })
    const first = await me()
    expect(first.status).toBe(200)
    expect(first.headers['cache-control']).toBe('no-store')
    expect(first.json).toEqual({
      id: expect.any(String),
      username: user.username,
      email: user.email,
      email_verified: true,
      phone: null,
      phone_verified: false,
      reset_lock: false,
      locale: null,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    })

    const phone = `+1415555${String(Math.floor(Math.random() * 9000) + 1000)}`
    expect(
      (await call(server, 'POST', '/v1/me/phone', { token, body: { phone, password: user.password } }))
        .status,
    ).toBe(202)
    expect((await me()).json).toMatchObject({ phone, phone_verified: false })
    await server.deliver()
    const text = await sms.waitFor((m) => m.to === phone)
    const code = /(\d{6})/.exec(text.body)![1]!
    expect((await call(server, 'POST', '/v1/me/phone/verify', { token, body: { code } })).status).toBe(200)
    expect((await me()).json).toMatchObject({ phone, phone_verified: true })

    expect((await call(server, 'PUT', '/v1/me/reset-lock', { token, body: { enabled: true } })).status).toBe(
      200,
    )
    expect((await call(server, 'PUT', '/v1/me/locale', { token, body: { locale: 'de' } })).status).toBe(200)
    expect((await me()).json).toMatchObject({ reset_lock: true, locale: 'de' })

    expect(
      (await call(server, 'DELETE', '/v1/me/phone', { token, body: { password: user.password } })).status,
    ).toBe(204)
    expect((await me()).json).toMatchObject({ phone: null, phone_verified: false })
  })

  it('shows each session its own account only, and nothing without one', async () => {
    const a = await signUpAndLogin(server)
    const b = await signUpAndLogin(server)
    expect((await call(server, 'GET', '/v1/me', { token: a.token })).json.username).toBe(a.user.username)
    expect((await call(server, 'GET', '/v1/me', { token: b.token })).json.username).toBe(b.user.username)
    const none = await call(server, 'GET', '/v1/me')
    expect(none.status).toBe(401)
    expect(none.body).not.toContain('@')
    expect((await call(server, 'DELETE', '/v1/sessions/current', { token: a.token })).status).toBe(204)
    const ended = await call(server, 'GET', '/v1/me', { token: a.token })
    expect(ended.status).toBe(401)
    expect(ended.body).not.toContain(a.user.email)
  })
})
