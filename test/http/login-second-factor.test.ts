import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { totpCodeAt } from '../../src/modules/mfa/totp.js'
import { databaseKinds } from '../helpers/databases.js'
import { call, createTestServer, signUpAndLogin, type TestServer, withTotp } from '../helpers/server.js'

/*
 * `second_factor: "required"` on a password login: what the sign-in page sends when an application
 * requires a second factor (OpenID Connect, acr mfa or phr). A remembered device does not skip it;
 * an account without factors still gets its session (the provider then refuses the application).
 */
describe.each(databaseKinds())('a password login that requires the second factor on %s', (kind) => {
  let server: TestServer
  beforeAll(async () => {
    server = await createTestServer(kind, { GATEHOUSE_STEP_UP_NEW_DEVICE: 'false' })
  })
  afterAll(async () => {
    await server?.close()
  })

  const login = (body: Record<string, unknown>, device?: string) =>
    call(server, 'POST', '/v1/sessions', {
      body,
      ...(device ? { headers: { 'x-gatehouse-device': device } } : {}),
    })

  it('asks a remembered device for the second factor when the login requires it', async () => {
    const { user, secret } = await withTotp(server)
    const credentials = { identifier: user.username, password: user.password }
    const first = await login(credentials)
    expect(first.status).toBe(200)
    const done = await call(server, 'POST', '/v1/sessions/mfa', {
      body: {
        challenge_id: first.json.challenge_id,
        method: 'totp',
        code: totpCodeAt(secret, server.clock.now()),
        remember_device: true,
      },
    })
    expect(done.status).toBe(201)
    const device = done.json.device_token as string
    expect(device).toBeTruthy()

    // Remembered: the password alone opens a session…
    expect((await login(credentials, device)).status).toBe(201)
    // …unless the login requires the second factor.
    const required = await login({ ...credentials, second_factor: 'required' }, device)
    expect(required.status).toBe(200)
    expect(required.json).toMatchObject({ mfa_required: true, methods: expect.arrayContaining(['totp']) })
    server.clock.advance(30_000)
    const proved = await call(server, 'POST', '/v1/sessions/mfa', {
      body: {
        challenge_id: required.json.challenge_id,
        method: 'totp',
        code: totpCodeAt(secret, server.clock.now()),
      },
      headers: { 'x-gatehouse-device': device },
    })
    expect(proved.status).toBe(201)
    const current = await call(server, 'GET', '/v1/sessions/current', { token: proved.json.token })
    expect(current.json.session.amr).toContain('otp')
  })

  it('still opens a session for an account without factors, and refuses other values', async () => {
    const { user } = await signUpAndLogin(server)
    const credentials = { identifier: user.username, password: user.password }
    const opened = await login({ ...credentials, second_factor: 'required' })
    expect(opened.status).toBe(201)
    expect(opened.json.token).toBeTruthy()
    expect((await login({ ...credentials, second_factor: 'optional' })).status).toBe(400)
  })
})
