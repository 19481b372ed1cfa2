import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { totpCodeAt } from '../../src/modules/mfa/totp.js'
import { api, type Body, challenged, problem } from '../helpers/api.js'
import { databaseKinds } from '../helpers/databases.js'
import {
  createTestServer,
  signUpAndLogin,
  type TestServer,
  withTotp as withTotpAccount,
} from '../helpers/server.js'

const STEP = 30_000

describe.each(databaseKinds())('TOTP, recovery codes and login with a second factor on %s', (kind) => {
  let server: TestServer
  beforeAll(async () => {
    server = await createTestServer(kind)
  })
  afterAll(async () => {
    await server?.close()
  })

  const withTotp = () => withTotpAccount(server)
  const passwordStep = async (user: { username: string; password: string }) => {
    const res = await api(server).POST('/v1/sessions', {
      body: { identifier: user.username, password: user.password },
    })
    expect(res.response.status).toBe(200)
    expect(res.response.headers.has('set-cookie')).toBe(false)
    return challenged(res.data)
  }
  const factorStep = (
    challenge_id: string,
    code: string,
    method: Body<'/v1/sessions/mfa', 'post'>['method'] = 'totp',
  ) => api(server).POST('/v1/sessions/mfa', { body: { challenge_id, method, code } })
  const factors = async (token: string) => (await api(server, { token }).GET('/v1/mfa')).data!

  it('enrols TOTP as pending (with otpauth URI and QR code) and requires it only once confirmed', async () => {
    const { user, token } = await signUpAndLogin(server)
    const asOwner = api(server, { token })
    const enrol = await asOwner.POST('/v1/mfa/totp')
    expect(enrol.response.status).toBe(201)
    const { secret, otpauth_uri, qr_svg } = enrol.data!
    expect(Buffer.from(secret.replace(/=+$/, ''), 'base64').length).toBeGreaterThan(0)
    expect(secret).toMatch(/^[A-Z2-7]{32}$/)
    expect(otpauth_uri).toMatch(/^otpauth:\/\/totp\/Gatehouse%3A.+\?secret=[A-Z2-7]{32}&issuer=Gatehouse/)
    expect(qr_svg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/)
    expect(await factors(token)).toMatchObject({
      factors: [{ kind: 'totp', status: 'pending' }],
      recovery_codes_remaining: 0,
    })
    const stillPlain = await api(server).POST('/v1/sessions', {
      body: { identifier: user.username, password: user.password },
    })
    expect(stillPlain.response.status).toBe(201)

    const wrong = await asOwner.POST('/v1/mfa/totp/confirm', { body: { code: '000000' } })
    expect(wrong.response.status).toBe(401)
    expect(problem(wrong.error).code).toBe('invalid_code')
    const ok = await asOwner.POST('/v1/mfa/totp/confirm', {
      body: { code: totpCodeAt(secret, server.clock.now()) },
    })
    const codes = ok.data!.recovery_codes
    expect(codes).toHaveLength(10)
    expect(new Set(codes).size).toBe(10)
    for (const c of codes) expect(c).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/)
    const status = await factors(token)
    expect(status).toMatchObject({
      factors: [{ kind: 'totp', status: 'active' }],
      recovery_codes_remaining: 10,
    })
    expect(JSON.stringify(status)).not.toContain(secret)
  })

  it('asks for the factor after the password and opens a session only with a valid, unused code', async () => {
    const { user, secret } = await withTotp()
    const challenge = await passwordStep(user)
    expect(challenge.mfa_required).toBe(true)
    expect(challenge.methods).toEqual(['totp', 'recovery_code'])
    const bad = await factorStep(challenge.challenge_id, '123456')
    expect(bad.response.status).toBe(401)
    expect(problem(bad.error).code).toBe('invalid_code')
    const code = totpCodeAt(secret, server.clock.now())
    const ok = await factorStep(challenge.challenge_id, code)
    expect(ok.response.status).toBe(201)
    expect(String(ok.response.headers.get('set-cookie'))).toMatch(/^gh_session=/)
    expect((await api(server, { token: ok.data!.token }).GET('/v1/sessions/current')).response.status).toBe(
      200,
    )
    // The challenge is spent, and the same code is a replay on a new one.
    expect((await factorStep(challenge.challenge_id, code)).response.status).toBe(401)
    expect((await factorStep((await passwordStep(user)).challenge_id, code)).response.status).toBe(401)
    // A wrong password never reaches the factor step.
    const wrong = await api(server).POST('/v1/sessions', {
      body: { identifier: user.username, password: 'nope nope nope 1' },
    })
    expect(wrong.response.status).toBe(401)
  })

  it('accepts each recovery code once, in place of the factor, and a new set voids the old', async () => {
    const { user, token, secret, codes } = await withTotp()
    const first = await factorStep(
      (await passwordStep(user)).challenge_id,
      codes[0]!.toUpperCase(),
      'recovery_code',
    )
    expect(first.response.status).toBe(201)
    expect(
      (await factorStep((await passwordStep(user)).challenge_id, codes[0]!, 'recovery_code')).response.status,
    ).toBe(401)
    expect((await factors(token)).recovery_codes_remaining).toBe(9)

    const regen = await api(server, { token }).POST('/v1/mfa/recovery-codes', {
      body: { code: totpCodeAt(secret, server.clock.now()) },
    })
    expect(regen.response.status).toBe(200)
    expect(
      (await factorStep((await passwordStep(user)).challenge_id, codes[1]!, 'recovery_code')).response.status,
    ).toBe(401)
    const fresh = regen.data!.recovery_codes[0]!
    expect(
      (await factorStep((await passwordStep(user)).challenge_id, fresh, 'recovery_code')).response.status,
    ).toBe(201)
  })

  it('lets no more than 5 guesses through on one challenge, even in parallel', async () => {
    const { user, secret } = await withTotp()
    const challenge = await passwordStep(user)
    const guesses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => factorStep(challenge.challenge_id, String(100000 + i))),
    )
    expect(guesses.every((g) => g.response.status === 401)).toBe(true)
    const row = await server.app.database.db
      .selectFrom('mfa_challenges')
      .select('attempts')
      .where('id', '=', challenge.challenge_id)
      .executeTakeFirstOrThrow()
    expect(row.attempts).toBe(5)
    const account = (await server.app.store.accounts.findByUsername(user.username))!
    const fails = (await server.app.store.events.listForAccount(account.id, 100)).filter(
      (e) => e.type === 'authn_mfa_fail',
    )
    expect(fails.length).toBeLessThanOrEqual(5)
    // Out of guesses: even the right code is refused on this challenge.
    expect(
      (await factorStep(challenge.challenge_id, totpCodeAt(secret, server.clock.now()))).response.status,
    ).toBe(401)
  })

  it('limits guesses per account across challenges, so opening new ones buys nothing', async () => {
    const { user, secret } = await withTotp()
    for (let c = 0; c < 3; c++) {
      const challenge = await passwordStep(user)
      for (let i = 0; i < 4; i++) await factorStep(challenge.challenge_id, String(200000 + c * 10 + i))
    }
    const fresh = await passwordStep(user)
    expect(
      (await factorStep(fresh.challenge_id, totpCodeAt(secret, server.clock.now()))).response.status,
    ).toBe(401)
  })

  it('answers a right code whose step was used with code_already_used, spending a guess like any other', async () => {
    const { user, secret } = await withTotp()
    const code = totpCodeAt(secret, server.clock.now())
    const first = await passwordStep(user)
    expect((await factorStep(first.challenge_id, code)).response.status).toBe(201)
    // Seconds later, the same code on a new challenge: right, but its step is spent.
    server.clock.advance(5_000)
    const again = await passwordStep(user)
    const replay = await factorStep(again.challenge_id, code)
    expect(replay.response.status).toBe(401)
    expect(replay.response.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(problem(replay.error).code).toBe('code_already_used')
    expect(problem(replay.error).detail).toMatch(/just used; wait for the next one/)
    const refusal = async (challenge: string, c: string) =>
      problem((await factorStep(challenge, c)).error).code
    // A wrong code is still invalid_code.
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0')
    expect(await refusal(again.challenge_id, wrong)).toBe('invalid_code')
    // Each replay spends a guess of the challenge (5) and of the account (10 per 15 minutes).
    for (let i = 0; i < 3; i++) expect(await refusal(again.challenge_id, code)).toBe('code_already_used')
    const fresh = totpCodeAt(secret, server.clock.now() + STEP)
    expect(await refusal(again.challenge_id, fresh)).toBe('invalid_code')
    const third = await passwordStep(user)
    for (let i = 0; i < 5; i++) expect(await refusal(third.challenge_id, code)).toBe('code_already_used')
    const fourth = await passwordStep(user)
    expect(await refusal(fourth.challenge_id, fresh)).toBe('invalid_code')
    const account = (await server.app.store.accounts.findByUsername(user.username))!
    const fails = await server.app.store.events.search({ type: 'authn_mfa_fail', accountId: account.id }, 100)
    expect(fails.filter((e) => e.details.reason === 'code_already_used')).toHaveLength(9)
    expect(fails.filter((e) => e.details.reason === 'account_limit')).toHaveLength(1)
  })

  it('answers code_already_used where else a TOTP code is checked: re-authentication, new recovery codes, recovery', async () => {
    const { user, token, secret } = await withTotp()
    const code = totpCodeAt(secret, server.clock.now())
    const asOwner = api(server, { token })
    const reauth = (c: string) =>
      asOwner.POST('/v1/sessions/current/reauth', { body: { method: 'totp', code: c } })
    expect((await reauth(code)).response.status).toBe(200)
    const replay = await reauth(code)
    expect(replay.response.status).toBe(401)
    expect(problem(replay.error).code).toBe('code_already_used')
    expect(problem((await reauth('000000')).error).code).toBe('invalid_code')
    // New recovery codes (the session was just re-authenticated) with the same code.
    const regenerate = await asOwner.POST('/v1/mfa/recovery-codes', { body: { code } })
    expect(regenerate.response.status).toBe(401)
    expect(problem(regenerate.error).code).toBe('code_already_used')
    // Completing a reset with the same code: said so, nothing changed.
    expect(
      (await api(server).POST('/v1/recovery', { body: { identifier: user.username } })).response.status,
    ).toBe(202)
    await server.deliver()
    const mail = await server.smtp.waitFor((m) => m.to.includes(user.email) && /reset your/i.test(m.subject))
    const resetToken = server.smtp.tokenFrom(mail)
    const complete = (c: string) =>
      api(server).POST('/v1/recovery/complete', {
        body: { token: resetToken, password: 'obsidian meadow falcon 12', code: c },
      })
    const used = await complete(code)
    expect(used.response.status).toBe(401)
    expect(problem(used.error).code).toBe('code_already_used')
    expect(problem((await complete('000000')).error).code).toBe('mfa_required')
    const login = await api(server).POST('/v1/sessions', {
      body: { identifier: user.username, password: user.password },
    })
    expect(login.response.status).toBe(200)
    // The next step's code completes it.
    server.clock.advance(STEP)
    expect((await complete(totpCodeAt(secret, server.clock.now()))).response.status).toBe(200)
  })

  it('answers code_already_used to the same enrolment code sent twice at once', async () => {
    const { token } = await signUpAndLogin(server)
    const asOwner = api(server, { token })
    const enrol = (await asOwner.POST('/v1/mfa/totp')).data!
    const code = totpCodeAt(enrol.secret, server.clock.now())
    const answers = await Promise.all(
      [0, 1].map(() => asOwner.POST('/v1/mfa/totp/confirm', { body: { code } })),
    )
    // One confirms; the other finds the step spent, or (when it came second) no pending enrolment.
    expect(answers.filter((a) => a.response.status === 200)).toHaveLength(1)
    const other = answers.find((a) => a.response.status !== 200)!
    expect(other.response.status).toBe(401)
    expect(['code_already_used', 'invalid_code']).toContain(problem(other.error).code)
  })

  it('lets a challenge expire after 5 minutes', async () => {
    const { user, secret } = await withTotp()
    const challenge = await passwordStep(user)
    server.clock.advance(5 * 60_000 + 1000)
    expect(
      (await factorStep(challenge.challenge_id, totpCodeAt(secret, server.clock.now()))).response.status,
    ).toBe(401)
  })

  it('voids the old secret when TOTP is enrolled again', async () => {
    const { user, token, secret } = await withTotp()
    const asOwner = api(server, { token })
    const again = (await asOwner.POST('/v1/mfa/totp')).data!
    await asOwner.POST('/v1/mfa/totp/confirm', {
      body: { code: totpCodeAt(again.secret, server.clock.now()) },
    })
    const login = async (s: string) =>
      (await factorStep((await passwordStep(user)).challenge_id, totpCodeAt(s, server.clock.now()))).response
        .status
    server.clock.advance(STEP)
    expect(await login(secret)).toBe(401)
    server.clock.advance(STEP)
    expect(await login(again.secret)).toBe(201)
    expect((await factors(token)).factors).toHaveLength(1)
  })
})
