import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, opened, problem, rawBody } from '../helpers/api.js'
import { databaseKinds } from '../helpers/databases.js'
import { call, createTestServer, freshUser, type TestServer } from '../helpers/server.js'

describe.each(databaseKinds())('accounts over HTTP on %s', (kind) => {
  let server: TestServer
  beforeAll(async () => {
    server = await createTestServer(kind)
  })
  afterAll(async () => {
    await server?.close()
  })

  it('registers, mails a verification token, and activates the account with it', async () => {
    const user = freshUser()
    const res = await api(server).POST('/v1/accounts', { body: user })
    expect(res.response.status).toBe(202)
    expect(res.data).toEqual({ status: 'verification_sent' })

    const before = await api(server).POST('/v1/sessions', {
      body: { identifier: user.username, password: user.password },
    })
    expect(before.response.status).toBe(403)
    expect(problem(before.error).code).toBe('email_unverified')

    await server.deliver()
    const mail = await server.smtp.waitFor((m) => m.to.includes(user.email))
    expect(mail.to).toEqual([user.email])
    const token = server.smtp.tokenFrom(mail)
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(mail.text).toContain(`https://id.example.test/verify-email?token=${token}`)

    const verify = await api(server).POST('/v1/accounts/verify', { body: { token } })
    expect(verify.response.status).toBe(200)
    expect(verify.data).toEqual({ status: 'verified' })

    const again = await api(server).POST('/v1/accounts/verify', { body: { token } })
    expect(again.response.status).toBe(400)
    expect(problem(again.error).code).toBe('invalid_token')

    const login = await api(server).POST('/v1/sessions', {
      body: { identifier: user.username, password: user.password },
    })
    expect(login.response.status).toBe(201)
  })

  it('answers an already registered email like a new one and mails its owner a notice instead', async () => {
    const owner = freshUser()
    expect((await api(server).POST('/v1/accounts', { body: owner })).response.status).toBe(202)
    await server.deliver()
    server.smtp.clear()

    const intruder = { ...freshUser(), email: owner.email.toUpperCase() }
    const fresh = freshUser()
    const a = await call(server, 'POST', '/v1/accounts', { body: intruder })
    const b = await call(server, 'POST', '/v1/accounts', { body: fresh })
    expect(a.status).toBe(b.status)
    expect(a.body).toBe(b.body)
    expect(Object.keys(a.headers).sort()).toEqual(Object.keys(b.headers).sort())

    await server.deliver()
    const notice = await server.smtp.waitFor((m) => m.to.includes(owner.email))
    expect(notice.to).toEqual([owner.email])
    expect(notice.text).not.toMatch(/Token:/)
    // No second account: the intruder's username opens no session (its password answers as an
    // unverified account's would), and it is reserved as it would be for a new account
    // (test/security/signup.security.test.ts).
    const login = await api(server).POST('/v1/sessions', {
      body: { identifier: intruder.username, password: intruder.password },
    })
    expect(login.response.status).toBe(403)
    expect(problem(login.error).code).toBe('email_unverified')
    const reuse = await api(server).POST('/v1/accounts', {
      body: { ...freshUser(), username: intruder.username },
    })
    expect(reuse.response.status).toBe(409)
  })

  it('refuses a taken username case-insensitively and after NFKC', async () => {
    const user = freshUser('taken')
    expect((await api(server).POST('/v1/accounts', { body: user })).response.status).toBe(202)
    const upper = await api(server).POST('/v1/accounts', {
      body: { ...freshUser(), username: user.username.toUpperCase() },
    })
    expect(upper.response.status).toBe(409)
    expect(problem(upper.error).code).toBe('username_taken')
    const fullWidth = user.username.replace(/[a-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0))
    const wide = await api(server).POST('/v1/accounts', { body: { ...freshUser(), username: fullWidth } })
    expect(wide.response.status).toBe(409)
  })

  it.each([
    ['ab', 'too short'],
    ['a'.repeat(33), 'too long'],
    ['раураl', 'Cyrillic look-alike'],
    ['mıke', 'dotless i'],
    ['stra\u00dfe', 'sharp s'],
    ['zero\u200bwidth', 'zero-width space'],
    ['with space', 'space'],
  ])('refuses the username %j (%s)', async (username) => {
    const res = await api(server).POST('/v1/accounts', { body: { ...freshUser(), username } })
    expect(res.response.status).toBe(400)
    expect(problem(res.error).code).toBe('invalid_username')
  })

  it('stores a phone number in E.164 and refuses one that is not valid', async () => {
    const ok = await api(server).POST('/v1/accounts', { body: { ...freshUser(), phone: '+14155550123' } })
    expect(ok.response.status).toBe(202)
    const bad = await api(server).POST('/v1/accounts', { body: { ...freshUser(), phone: '+1555' } })
    expect(bad.response.status).toBe(400)
    expect(problem(bad.error).code).toBe('invalid_phone')
  })

  it('applies the password policy with a reason code', async () => {
    const user = freshUser('policy')
    const cases: [string, string][] = [
      ['short7c', 'password_too_short'],
      ['password1234567', 'password_common'],
      [`${user.username}2024!!!!!`, 'password_contains_identifier'],
      ['x'.repeat(257), 'password_too_long'],
    ]
    for (const [password, code] of cases) {
      const res = await api(server).POST('/v1/accounts', { body: { ...user, password } })
      expect(res.response.status, password).toBe(400)
      expect(problem(res.error).code, password).toBe(code)
      expect(rawBody(res.response)).not.toContain(password)
    }
  })

  it('keeps a verification token to its purpose and its lifetime', async () => {
    const user = freshUser()
    await api(server).POST('/v1/accounts', { body: user })
    await server.deliver()
    const token = server.smtp.tokenFrom(await server.smtp.waitFor((m) => m.to.includes(user.email)))
    server.clock.advance(24 * 3600 * 1000 + 1000)
    const late = await api(server).POST('/v1/accounts/verify', { body: { token } })
    expect(late.response.status).toBe(400)
    expect(problem(late.error).code).toBe('invalid_token')
    for (const mangled of [token.slice(1), `${token}x`, token.toUpperCase(), 'not-a-token']) {
      const res = await api(server).POST('/v1/accounts/verify', { body: { token: mangled } })
      expect(problem(res.error).code).toBe('invalid_token')
    }
  })

  it('lets the owner change the password, revoking other sessions and mailing a notice', async () => {
    const user = freshUser()
    await api(server).POST('/v1/accounts', { body: user })
    await server.deliver()
    const token = server.smtp.tokenFrom(await server.smtp.waitFor((m) => m.to.includes(user.email)))
    await api(server).POST('/v1/accounts/verify', { body: { token } })
    const creds = { identifier: user.email, password: user.password }
    const s1 = opened((await api(server).POST('/v1/sessions', { body: creds })).data).token
    const s2 = opened((await api(server).POST('/v1/sessions', { body: creds })).data).token
    const asS1 = api(server, { token: s1 })

    const wrong = await asS1.POST('/v1/me/password', {
      body: { current_password: 'not it at all', new_password: 'violet harbour sextant 42' },
    })
    expect(wrong.response.status).toBe(401)
    const same = await asS1.POST('/v1/me/password', {
      body: { current_password: user.password, new_password: user.password },
    })
    expect(problem(same.error).code).toBe('password_reused')

    // The second login came from a device the account did not know: its notice goes out first.
    await server.deliver()
    await server.smtp.waitFor((m) => m.to.includes(user.email) && /New sign-in/.test(m.subject))
    server.smtp.clear()
    const changed = await asS1.POST('/v1/me/password', {
      body: { current_password: user.password, new_password: 'violet harbour sextant 42' },
    })
    expect(changed.response.status).toBe(200)
    expect(changed.data!.revoked_sessions).toBe(1)
    expect((await api(server, { token: s2 }).GET('/v1/sessions/current')).response.status).toBe(401)
    expect((await asS1.GET('/v1/sessions/current')).response.status).toBe(200)
    await server.deliver()
    const notice = await server.smtp.waitFor((m) => m.to.includes(user.email))
    expect(notice.subject).toMatch(/password/i)
    const old = await api(server).POST('/v1/sessions', { body: creds })
    expect(old.response.status).toBe(401)
  })
})
