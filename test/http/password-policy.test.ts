import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { totpCodeAt } from '../../src/modules/mfa/totp.js'
import { api, challenged, opened, problem, rawBody } from '../helpers/api.js'
import { databaseKinds } from '../helpers/databases.js'
import { createTestServer, freshUser, signUpAndLogin, type TestServer, withTotp } from '../helpers/server.js'

/** 14 code points, 15, and 14 that NFKC makes 15 (U+FB01 "ﬁ" is two letters). */
const SHORT_14 = 'quokka lantern'
const LONG_15 = 'quokka lanterns'
const NFKC_15 = 'ﬁ quokka lantr'
/** 12 code points: enough with a second factor (GATEHOUSE_PASSWORD_MIN_LENGTH 8), not without. */
const TWELVE = 'quokka ember'

describe.each(databaseKinds())('GATEHOUSE_PASSWORD_POLICY=nist-800-63b-4 on %s', (kind) => {
  let server: TestServer
  beforeAll(async () => {
    server = await createTestServer(kind, {
      GATEHOUSE_PASSWORD_POLICY: 'nist-800-63b-4',
      GATEHOUSE_RECOVERY_COMPLETE_LIMIT_IP: '1000/600',
    })
  })
  afterAll(async () => {
    await server?.close()
  })

  const signUp = (password: string) => {
    const u = freshUser('nist')
    return api(server).POST('/v1/accounts', { body: { ...u, password } })
  }
  const changePassword = (token: string, current: string, next: string) =>
    api(server, { token }).POST('/v1/me/password', {
      body: { current_password: current, new_password: next },
    })
  const login = (username: string, password: string) =>
    api(server).POST('/v1/sessions', { body: { identifier: username, password } })
  const complete = (body: { token: string; password: string; code?: string }) =>
    api(server).POST('/v1/recovery/complete', { body })
  const removeFactor = (token: string, id: string) =>
    api(server, { token }).DELETE('/v1/mfa/factors/{id}', { params: { path: { id } } })
  const resetToken = async (user: { username: string; email: string }) => {
    const seen = server.smtp.messages.filter(
      (m) => m.to.includes(user.email) && /reset your/i.test(m.subject),
    )
    await api(server).POST('/v1/recovery', { body: { identifier: user.username } })
    await server.deliver()
    const mail = await server.smtp.waitFor(
      (m) => m.to.includes(user.email) && /reset your/i.test(m.subject) && !seen.includes(m),
    )
    return server.smtp.tokenFrom(mail)
  }
  const factorIds = async (token: string) => (await api(server, { token }).GET('/v1/mfa')).data!.factors

  it('asks 15 code points (after NFKC) of a sign-up, whose password is its only factor', async () => {
    const short = await signUp(SHORT_14)
    expect(short.response.status).toBe(400)
    expect(problem(short.error).code).toBe('password_too_short')
    expect(problem(short.error).detail).toContain('15')
    expect(problem(short.error).detail).toContain('8 once')
    expect((await signUp(LONG_15)).response.status).toBe(202)
    expect((await signUp(NFKC_15)).response.status).toBe(202)
  })

  it('lets an account with a TOTP factor change to 8+ code points, not one with none or only email codes', async () => {
    const { user, token } = await signUpAndLogin(server, freshUser('plain'))
    const refused = await changePassword(token, user.password, TWELVE)
    expect(refused.response.status).toBe(400)
    expect(problem(refused.error).code).toBe('password_too_short')
    // Email codes prove a channel, not a device: they do not count as the second factor.
    expect((await api(server, { token }).POST('/v1/mfa/email')).response.status).toBe(201)
    expect(problem((await changePassword(token, user.password, TWELVE)).error).code).toBe(
      'password_too_short',
    )

    const strong = await withTotp(server)
    expect((await changePassword(strong.token, strong.user.password, TWELVE)).response.status).toBe(200)
  })

  it('applies the same floor to a reset, by the factors the account has then', async () => {
    const { user } = await signUpAndLogin(server, freshUser('resetplain'))
    const token = await resetToken(user)
    const short = await complete({ token, password: TWELVE })
    expect(short.response.status).toBe(400)
    expect(problem(short.error).code).toBe('password_too_short')
    expect((await complete({ token, password: LONG_15 })).response.status).toBe(200)

    const strong = await withTotp(server)
    const t2 = await resetToken(strong.user)
    const done = await complete({
      token: t2,
      password: TWELVE,
      code: totpCodeAt(strong.secret, server.clock.now()),
    })
    expect(done.response.status, rawBody(done.response)).toBe(200)
  })

  it('makes a password too short for an account that lost its TOTP factor be changed at the next login', async () => {
    const { user, token, secret } = await withTotp(server)
    expect((await changePassword(token, user.password, TWELVE)).response.status).toBe(200)
    const [totp] = await factorIds(token)
    expect((await removeFactor(token, totp!.id)).response.status).toBe(204)

    const first = await login(user.username, TWELVE)
    expect(first.response.status).toBe(201)
    const session = opened(first.data).token
    const current = (await api(server, { token: session }).GET('/v1/sessions/current')).data!
    expect(current.account.must_change_password).toBe(true)
    const blocked = await api(server, { token: session }).GET('/v1/sessions')
    expect(blocked.response.status).toBe(403)
    expect(problem(blocked.error).code).toBe('password_change_required')
    const account = (await server.app.store.accounts.findByUsername(user.username))!
    const events = await server.app.store.events.listForAccount(account.id, 50)
    expect(events.map((e) => e.type)).toContain('authn_password_change_required')

    // Still 15 without a factor; then the restriction is gone.
    expect(problem((await changePassword(session, TWELVE, 'quokka ember 9')).error).code).toBe(
      'password_too_short',
    )
    expect((await changePassword(session, TWELVE, LONG_15)).response.status).toBe(200)
    const next = opened((await login(user.username, LONG_15)).data)
    expect((await api(server, { token: next.token }).GET('/v1/sessions')).response.status).toBe(200)
    expect(secret).toBeTruthy()
  })

  it('prompts through a second-factor login too, when only email codes are left', async () => {
    const { user, token } = await withTotp(server)
    expect((await changePassword(token, user.password, TWELVE)).response.status).toBe(200)
    expect((await api(server, { token }).POST('/v1/mfa/email')).response.status).toBe(201)
    const totp = (await factorIds(token)).find((f) => f.kind === 'totp')!
    expect((await removeFactor(token, totp.id)).response.status).toBe(204)

    const challenge = challenged((await login(user.username, TWELVE)).data)
    expect(challenge.methods).toEqual(['email', 'recovery_code'])
    const seen = server.smtp.messages.filter(
      (m) => m.to.includes(user.email) && /sign-in code/.test(m.subject),
    )
    await api(server).POST('/v1/sessions/mfa/send', {
      body: { challenge_id: challenge.challenge_id, method: 'email' },
    })
    await server.deliver()
    const mail = await server.smtp.waitFor(
      (m) => m.to.includes(user.email) && /sign-in code/.test(m.subject) && !seen.includes(m),
    )
    const done = await api(server).POST('/v1/sessions/mfa', {
      body: {
        challenge_id: challenge.challenge_id,
        method: 'email',
        code: mail.text.match(/is (\d{6})\./)![1],
      },
    })
    expect(done.response.status).toBe(201)
    expect(problem((await api(server, { token: done.data!.token }).GET('/v1/sessions')).error).code).toBe(
      'password_change_required',
    )
  })
})

describe.each(databaseKinds())('the default password policy (nist-800-63b-3) on %s', (kind) => {
  let server: TestServer
  beforeAll(async () => {
    server = await createTestServer(kind)
  })
  afterAll(async () => {
    await server?.close()
  })

  it('asks 8 code points of every password and prompts no change at login', async () => {
    const { user, token } = await signUpAndLogin(server, { ...freshUser('rev3'), password: TWELVE })
    expect(
      (
        await api(server, { token }).POST('/v1/me/password', {
          body: { current_password: TWELVE, new_password: 'quokka 7' },
        })
      ).response.status,
    ).toBe(200)
    const again = opened(
      (await api(server).POST('/v1/sessions', { body: { identifier: user.username, password: 'quokka 7' } }))
        .data,
    )
    expect((await api(server, { token: again.token }).GET('/v1/sessions')).response.status).toBe(200)
  })
})
