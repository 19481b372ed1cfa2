import {
  completeSession,
  confirmTotpEnrolment,
  type Gatehouse,
  GatehouseError,
  getCurrentSession,
  getMe,
  isError,
  memoryStore,
  register,
  signIn,
  signOut,
  startTotpEnrolment,
} from '@gatehouse/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { totpCodeAt } from '../../../src/modules/mfa/totp.js'
import {
  clientOf,
  type ListeningServer,
  mailedCode,
  recordingFetch,
  signUp,
  startGatehouse,
} from './harness.js'

/*
 * The client's sign-in against a listening Gatehouse, in `token` mode (a native app's backend, a
 * script): the password, the second step with an authenticator app's code and with a mailed one,
 * Gatehouse's problems as typed errors, the device token kept and sent, signing out.
 */
const NOTICE_MAIL = /New sign-in/
const CODE_MAIL = /sign-in code/

describe('@gatehouse/client signs in (token mode, against a listening Gatehouse)', () => {
  let server: ListeningServer
  beforeAll(async () => {
    // New devices are confirmed with a mailed code, as by default.
    server = await startGatehouse({ GATEHOUSE_STEP_UP_NEW_DEVICE: 'true' })
  })
  afterAll(async () => {
    await server?.close()
  })

  it('signs in with a password, keeps the token and sends it', async () => {
    const gh = clientOf(server)
    const user = await signUp(server, gh)
    const result = await signIn(gh, { identifier: user.username, password: user.password })
    expect(result.status).toBe('signed_in')
    if (result.status !== 'signed_in') return
    expect(result.session.token).toMatch(/\S{20,}/)
    expect(Date.parse(result.session.expiresAt)).toBeGreaterThan(Date.now())
    expect(gh.token()).toBe(result.session.token)
    const current = await getCurrentSession(gh)
    expect(current.account.username).toBe(user.username)
    expect(current.session.amr).toEqual(['pwd'])
    expect((await getMe(gh)).username).toBe(user.username)
  })

  it('leaves the token out of the result in cookie mode, and keeps none', async () => {
    const gh = clientOf(server, { session: 'cookie' })
    const user = await signUp(server, gh)
    const result = await signIn(gh, { identifier: user.username, password: user.password })
    expect(result).toEqual({ status: 'signed_in', session: { expiresAt: expect.any(String) } })
    expect(gh.mode).toBe('cookie')
    expect(gh.token()).toBeNull()
  })

  it('throws typed errors with their code: a wrong password, an invalid request', async () => {
    const gh = clientOf(server)
    const user = await signUp(server, gh)
    const wrong = await signIn(gh, { identifier: user.username, password: 'not the password at all' }).catch(
      (e: unknown) => e,
    )
    expect(wrong).toBeInstanceOf(GatehouseError)
    expect(wrong).toMatchObject({ status: 401, code: 'invalid_credentials' })
    expect(isError(wrong, 'invalid_credentials')).toBe(true)
    // The request's shape (the route's schema), then a rule of Gatehouse's own.
    const malformed = await signIn(gh, { identifier: '', password: 'x' }).catch((e: unknown) => e)
    expect(malformed).toMatchObject({ status: 400, code: 'invalid_request' })
    const invalid = await register(gh, {
      body: { username: 'x', email: 'x@example.org', password: 'granite harbour 77 lantern' },
    }).catch((e: unknown) => e)
    expect(invalid).toBeInstanceOf(GatehouseError)
    expect(invalid).toMatchObject({
      status: 400,
      code: 'invalid_username',
      title: 'The username is not valid',
    })
    expect((invalid as GatehouseError).detail).toMatch(/3 to 32 characters/)
    expect((invalid as GatehouseError).problem.type).toBe('urn:gatehouse:problem:invalid_username')
    expect(gh.token()).toBeNull()
  })

  it('completes the second step with a TOTP code', async () => {
    const gh = clientOf(server)
    const user = await signUp(server, gh)
    expect((await signIn(gh, { identifier: user.username, password: user.password })).status).toBe(
      'signed_in',
    )
    const { secret } = await startTotpEnrolment(gh)
    await confirmTotpEnrolment(gh, { body: { code: totpCodeAt(secret, Date.now() - 30_000) } })
    await signOut(gh)
    expect(gh.token()).toBeNull()

    const step = await signIn(gh, { identifier: user.username, password: user.password })
    expect(step.status).toBe('second_factor')
    if (step.status !== 'second_factor') return
    expect(step.methods).toContain('totp')
    expect(step.methods).toContain('recovery_code')
    expect(step.challengeId).toBeTruthy()
    const wrong = await step.complete({ method: 'totp', code: '000000' }).catch((e: unknown) => e)
    expect(wrong).toMatchObject({ code: 'invalid_code' })
    const done = await step.complete({ method: 'totp', code: totpCodeAt(secret, Date.now()) })
    expect(done.status).toBe('signed_in')
    expect(gh.token()).toBe(done.session.token)
    expect((await getCurrentSession(gh)).session.amr).toEqual(expect.arrayContaining(['pwd', 'otp', 'mfa']))
  })

  it('remembers the device when asked, and asks again when the application requires a second factor', async () => {
    const gh = clientOf(server)
    const user = await signUp(server, gh)
    await signIn(gh, { identifier: user.username, password: user.password })
    const { secret } = await startTotpEnrolment(gh)
    await confirmTotpEnrolment(gh, { body: { code: totpCodeAt(secret, Date.now() - 30_000) } })
    await signOut(gh)
    const step = await signIn(gh, { identifier: user.username, password: user.password })
    if (step.status !== 'second_factor') throw new Error('expected the second step')
    await step.complete({ method: 'totp', code: totpCodeAt(secret, Date.now()), rememberDevice: true })
    await signOut(gh)
    // A remembered device: the password is enough for a while.
    expect((await signIn(gh, { identifier: user.username, password: user.password })).status).toBe(
      'signed_in',
    )
    await signOut(gh)
    // Unless the application requires the second factor.
    const required = await signIn(gh, {
      identifier: user.username,
      password: user.password,
      secondFactor: 'required',
    })
    expect(required.status).toBe('second_factor')
  })

  it('keeps the device token: the same device signs in again without a step-up or a notice', async () => {
    const devices = memoryStore()
    const gh = clientOf(server, { deviceStore: devices })
    const user = await signUp(server, gh)
    const first = await signIn(gh, { identifier: user.username, password: user.password })
    expect(first.status).toBe('signed_in')
    const device = devices.getItem('gatehouse.device')
    expect(device).toMatch(/^[A-Za-z0-9_-]{43}$/)
    await signOut(gh)

    // A new client with the same device store: a known device.
    const recorder = recordingFetch()
    const again = clientOf(server, { deviceStore: devices, fetch: recorder.fetch })
    const second = await signIn(again, { identifier: user.username, password: user.password })
    expect(second.status).toBe('signed_in')
    expect(recorder.seen[0]?.headers.get('x-gatehouse-device')).toBe(device)
    const current = await getCurrentSession(again)
    expect(current.session.amr).toEqual(['pwd'])
    await server.deliver()
    await new Promise((r) => setTimeout(r, 200))
    expect(
      server.smtp.messages.filter((m) => m.to.includes(user.email) && NOTICE_MAIL.test(m.subject)),
    ).toEqual([])
  })

  it('completes a new device’s step with a mailed code, sent again on request', async () => {
    const gh = clientOf(server)
    const user = await signUp(server, gh)
    expect((await signIn(gh, { identifier: user.username, password: user.password })).status).toBe(
      'signed_in',
    )

    // Another device (its own store): the password alone is not enough.
    const other = clientOf(server)
    const step = await signIn(other, { identifier: user.username, password: user.password })
    expect(step.status).toBe('second_factor')
    if (step.status !== 'second_factor') return
    expect(step.methods).toEqual(['email'])
    await mailedCode(server, user.email, CODE_MAIL)
    await step.sendCode('email')
    const code = await mailedCode(server, user.email, CODE_MAIL, 1)
    const done = await step.complete({ method: 'email', code })
    expect(done.status).toBe('signed_in')
    expect((await getCurrentSession(other)).session.amr).toEqual(['pwd', 'otp', 'mfa'])
    // That device is known from now on: its token was kept.
    expect((await signIn(other, { identifier: user.username, password: user.password })).status).toBe(
      'signed_in',
    )
    await server.deliver()
    const notice = await server.smtp.waitFor((m) => m.to.includes(user.email) && NOTICE_MAIL.test(m.subject))
    expect(notice).toBeTruthy()
  })

  it('calls onSignedOut when Gatehouse says the session is gone, and forgets the token', async () => {
    let signedOut = 0
    const gh: Gatehouse = clientOf(server, { onSignedOut: () => signedOut++ })
    const user = await signUp(server, gh)
    await signIn(gh, { identifier: user.username, password: user.password })
    const token = gh.token()!
    // The session ends elsewhere (signed out on another client holding the same token).
    const elsewhere = clientOf(server)
    elsewhere.setToken(token)
    await signOut(elsewhere)
    const gone = await getMe(gh).catch((e: unknown) => e)
    expect(gone).toMatchObject({ status: 401, code: 'unauthenticated' })
    expect(signedOut).toBe(1)
    expect(gh.token()).toBeNull()
    // Signing out once more is harmless.
    await signOut(gh)
  })

  it('refuses a second step on an unknown challenge with a typed error', async () => {
    const gh = clientOf(server)
    const user = await signUp(server, gh)
    await signIn(gh, { identifier: user.username, password: user.password })
    const refused = await completeSession(gh, {
      body: { challenge_id: 'no-such-challenge', method: 'totp', code: '123456' },
    }).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(GatehouseError)
    expect((refused as GatehouseError).status).toBeGreaterThanOrEqual(400)
  })
})
