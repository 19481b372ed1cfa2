/**
 * Invariants: factor strength — staff roles (admin, responder, auditor, partner) need an app-based
 * or phishing-resistant factor, and email or SMS codes never satisfy that policy, at login, in the
 * admin API, after a role change; and recovery respects MFA — completing a reset needs a factor the
 * reset channel does not already prove. A mailbox is not an administrator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { totpCodeAt } from '../../src/modules/mfa/totp.js'
import { databaseKinds } from '../helpers/databases.js'
import { type FakeSmsProvider, smsTransportFor, startFakeSmsProvider } from '../helpers/fake-sms-provider.js'
import { call, createTestServer, freshUser, signUpAndLogin, type TestServer } from '../helpers/server.js'
import { SoftAuthenticator } from '../helpers/soft-authenticator.js'

const STEP = 30_000
const CODE_MAIL = /sign-in code/
const cli = { ip: null, userAgent: 'test', clientVersion: null, requestId: 'test' }

describe.each(databaseKinds())('factor strength for staff, and recovery, on %s', (kind) => {
  let server: TestServer
  let sms: FakeSmsProvider
  let phones = 0
  beforeAll(async () => {
    sms = await startFakeSmsProvider()
    server = await createTestServer(
      kind,
      {
        GATEHOUSE_STEP_UP_NEW_DEVICE: 'true',
        GATEHOUSE_RECOVERY_LIMIT_IP: '1000/3600',
        GATEHOUSE_RECOVERY_LIMIT_SUBNET: '1000/3600',
        GATEHOUSE_RECOVERY_COMPLETE_LIMIT_IP: '1000/600',
      },
      { sms: smsTransportFor(sms) },
    )
  })
  afterAll(async () => {
    await server?.close()
    await sms?.close()
  })

  type Who = { username: string; email: string; password: string }
  const login = (who: Who, device?: string) =>
    call(server, 'POST', '/v1/sessions', {
      body: { identifier: who.username, password: who.password },
      ...(device ? { headers: { 'x-gatehouse-device': device } } : {}),
    })
  const finish = (challenge_id: string, method: string, code: string, extra: Record<string, unknown> = {}) =>
    call(server, 'POST', '/v1/sessions/mfa', { body: { challenge_id, method, code, ...extra } })
  const adminRoute = (token: string) => call(server, 'GET', '/v1/admin/audit?limit=1', { token })
  const enrolmentOnly = async (token: string) =>
    (await call(server, 'GET', '/v1/sessions/current', { token })).json.account.mfa_enrolment_required
  const codeMails = (email: string) =>
    server.smtp.messages.filter((m) => m.to.includes(email) && CODE_MAIL.test(m.subject))
  /** Every 6-digit code in the mail the address has received: what a mailbox thief can read. */
  const codesInMailbox = (email: string) =>
    server.smtp.messages
      .filter((m) => m.to.includes(email))
      .flatMap((m) => [...m.text.matchAll(/\b(\d{6})\b/g)].map((x) => x[1]!))
  const nextMailedCode = async (email: string, seen: number) => {
    await server.deliver()
    for (let i = 0; i < 100 && codeMails(email).length <= seen; i++)
      await new Promise((r) => setTimeout(r, 20))
    const code = codeMails(email)[seen]?.text.match(/is (\d{6})\./)?.[1]
    if (!code) throw new Error('no code mail arrived')
    return code
  }
  const nextTextedCode = async (phone: string, seen: number) => {
    await server.deliver()
    const texts = () => sms.messages.filter((m) => m.to === phone && /sign-in code/.test(m.body))
    for (let i = 0; i < 100 && texts().length <= seen; i++) await new Promise((r) => setTimeout(r, 20))
    const code = texts()[seen]?.body.match(/is (\d{6})\./)?.[1]
    if (!code) throw new Error('no code text arrived')
    return code
  }
  /** Gives the account a verified phone number (as verifying it by code would). */
  const verifiedPhone = async (username: string): Promise<string> => {
    phones += 1
    const phone = `+1415556${String(1000 + phones + (kind === 'postgres' ? 5000 : 0))}`
    await server.app.database.db
      .updateTable('accounts')
      .set({ phone, phone_verified_at: server.clock.now() })
      .where('username', '=', username)
      .execute()
    return phone
  }
  /** An administrator as `gatehouse admin create` makes one, past the new-password step: enrolment-only. */
  const newAdmin = async () => {
    const who = freshUser('admin')
    const { password: once } = await server.app.services.accounts.createAdmin({
      username: who.username,
      email: who.email,
    })
    const first = await login({ ...who, password: once })
    const token = first.json.token as string
    const changed = await call(server, 'POST', '/v1/me/password', {
      token,
      body: { current_password: once, new_password: who.password },
    })
    expect(changed.status, changed.body).toBe(200)
    return { who, token }
  }
  const enrolTotp = async (token: string) => {
    const e = await call(server, 'POST', '/v1/mfa/totp', { token })
    const c = await call(server, 'POST', '/v1/mfa/totp/confirm', {
      token,
      body: { code: totpCodeAt(e.json.secret, server.clock.now()) },
    })
    expect(c.status, c.body).toBe(200)
    server.clock.advance(STEP)
    return { secret: e.json.secret as string, codes: c.json.recovery_codes as string[] }
  }
  /** An administrator with a TOTP factor and email codes; returns a full admin session too. */
  const adminWithTotpAndEmail = async () => {
    const { who, token } = await newAdmin()
    const { secret, codes } = await enrolTotp(token)
    const email = await call(server, 'POST', '/v1/mfa/email', { token })
    expect(email.status, email.body).toBe(201)
    return { who, token, secret, codes }
  }
  const resetMail = async (email: string, seen: number) => {
    await server.deliver()
    const mails = () =>
      server.smtp.messages.filter((m) => m.to.includes(email) && /reset your/i.test(m.subject))
    for (let i = 0; i < 100 && mails().length <= seen; i++) await new Promise((r) => setTimeout(r, 20))
    const mail = mails()[seen]
    if (!mail) throw new Error('no reset mail arrived')
    return server.smtp.tokenFrom(mail)
  }
  const resetMailsTo = (email: string) =>
    server.smtp.messages.filter((m) => m.to.includes(email) && /reset your/i.test(m.subject)).length

  describe('the staff MFA policy', () => {
    it('keeps an administrator whose only factor is email codes out of every admin route', async () => {
      const { who, token } = await newAdmin()
      expect(await enrolmentOnly(token)).toBe(true)
      const email = await call(server, 'POST', '/v1/mfa/email', { token })
      expect(email.status, email.body).toBe(201)
      // Email codes do not lift the enrolment-only restriction of a staff session.
      expect(await enrolmentOnly(token)).toBe(true)
      const refused = await adminRoute(token)
      expect(refused.status).toBe(403)
      expect(refused.json.code).toBe('mfa_enrolment_required')

      // A login through the email code still ends in an enrolment-only session.
      const challenge = await login(who)
      expect(challenge.status).toBe(200)
      expect(challenge.json.methods).toEqual(['email', 'recovery_code'])
      const seen = codeMails(who.email).length
      const sent = await call(server, 'POST', '/v1/sessions/mfa/send', {
        body: { challenge_id: challenge.json.challenge_id, method: 'email' },
      })
      expect(sent.status).toBe(202)
      const done = await finish(challenge.json.challenge_id, 'email', await nextMailedCode(who.email, seen))
      expect(done.status).toBe(201)
      const session = done.json.token as string
      expect(await enrolmentOnly(session)).toBe(true)
      expect((await adminRoute(session)).status).toBe(403)

      // A full session of such an account (one opened before this policy) is refused by the admin API.
      await server.app.database.db
        .updateTable('sessions')
        .set({ mfa_enrolment: 0 })
        .where('account_id', '=', (await server.app.store.accounts.findByUsername(who.username))!.id)
        .execute()
      const legacy = await adminRoute(session)
      expect(legacy.status).toBe(403)
      expect(legacy.json.code).toBe('admin_required')
    })

    it('offers a staff login with TOTP and email codes only TOTP, passkeys or recovery codes; email codes are neither sent nor taken', async () => {
      const { who, secret } = await adminWithTotpAndEmail()
      const challenge = await login(who)
      expect(challenge.status).toBe(200)
      const methods = challenge.json.methods as string[]
      expect(methods).toEqual(['totp', 'recovery_code'])
      for (const m of methods) expect(['totp', 'webauthn', 'recovery_code']).toContain(m)

      const seen = codeMails(who.email).length
      const send = await call(server, 'POST', '/v1/sessions/mfa/send', {
        body: { challenge_id: challenge.json.challenge_id, method: 'email' },
      })
      expect(send.status).toBe(400)
      expect(send.json.code).toBe('invalid_request')
      await server.deliver()
      expect(codeMails(who.email)).toHaveLength(seen)
      const wrongMethod = await finish(challenge.json.challenge_id, 'email', '123456')
      expect(wrongMethod.status).toBe(401)
      expect(wrongMethod.json.code).toBe('invalid_code')

      const done = await finish(challenge.json.challenge_id, 'totp', totpCodeAt(secret, server.clock.now()))
      expect(done.status).toBe(201)
      expect((await adminRoute(done.json.token)).status).toBe(200)
    })

    it('turns a role change to staff into an enrolment-only session until a TOTP factor or passkey exists', async () => {
      const { user, token } = await signUpAndLogin(server, freshUser('promoted'))
      const phone = await verifiedPhone(user.username)
      expect((await call(server, 'POST', '/v1/mfa/email', { token })).status).toBe(201)
      expect((await call(server, 'POST', '/v1/mfa/sms', { token })).status).toBe(201)
      expect(await server.app.services.accounts.setRole(user.username, 'responder', cli)).toEqual({
        from: 'user',
        to: 'responder',
      })

      // Its email and SMS codes still guard the login, but lead only to an enrolment-only session.
      const challenge = await login(user)
      expect(challenge.json.methods).toEqual(['email', 'sms', 'recovery_code'])
      const seen = sms.messages.filter((m) => m.to === phone).length
      await call(server, 'POST', '/v1/sessions/mfa/send', {
        body: { challenge_id: challenge.json.challenge_id, method: 'sms' },
      })
      const code = await nextTextedCode(phone, seen)
      const done = await finish(challenge.json.challenge_id, 'sms', code, { remember_device: true })
      expect(done.status).toBe(201)
      const session = done.json.token as string
      const device = done.json.device_token as string
      expect(await enrolmentOnly(session)).toBe(true)
      expect((await call(server, 'GET', '/v1/sessions', { token: session })).json.code).toBe(
        'mfa_enrolment_required',
      )
      expect((await adminRoute(session)).status).toBe(403)
      // "Remember this device" did not stick: an SMS code does not stand in for the staff factor later.
      const again = await login(user, device)
      expect(again.status).toBe(200)
      expect(again.json.mfa_required).toBe(true)

      const { secret } = await enrolTotp(session)
      expect(await enrolmentOnly(session)).toBe(false)
      expect((await adminRoute(session)).status).toBe(200)
      const next = await login(user, device)
      expect(next.json.methods).toEqual(['totp', 'recovery_code'])

      // The last TOTP factor stays while the role requires one; the email and SMS codes may go.
      const factors = (await call(server, 'GET', '/v1/mfa', { token: session })).json.factors as Array<{
        id: string
        kind: string
      }>
      const idOf = (k: string) => factors.find((f) => f.kind === k)!.id
      const keep = await call(server, 'DELETE', `/v1/mfa/factors/${idOf('totp')}`, { token: session })
      expect(keep.status).toBe(409)
      expect(keep.json.code).toBe('second_factor_required')
      expect(
        (await call(server, 'DELETE', `/v1/mfa/factors/${idOf('email')}`, { token: session })).status,
      ).toBe(204)
      expect(
        (await call(server, 'DELETE', `/v1/mfa/factors/${idOf('sms')}`, { token: session })).status,
      ).toBe(204)
      expect(secret).toBeTruthy()
    })

    it('lets a passkey satisfy the staff policy, with recovery codes that replace those of the email codes', async () => {
      const { who, token } = await newAdmin()
      const email = await call(server, 'POST', '/v1/mfa/email', { token })
      const emailEraCodes = email.json.recovery_codes as string[]
      expect(emailEraCodes).toHaveLength(10)
      const auth = new SoftAuthenticator('id.example.test', 'https://id.example.test')
      const options = await call(server, 'POST', '/v1/mfa/webauthn/register/options', { token })
      const done = await call(server, 'POST', '/v1/mfa/webauthn/register', {
        token,
        body: { challenge_id: options.json.challenge_id, response: auth.register(options.json.options) },
      })
      expect(done.status, done.body).toBe(201)
      const codes = done.json.recovery_codes as string[]
      expect(codes).toHaveLength(10)
      expect(codes).not.toContain(emailEraCodes[0])
      expect(await enrolmentOnly(token)).toBe(false)
      expect((await adminRoute(token)).status).toBe(200)

      const challenge = await login(who)
      expect(challenge.json.methods).toEqual(['webauthn', 'recovery_code'])
      expect((await finish(challenge.json.challenge_id, 'recovery_code', emailEraCodes[0]!)).status).toBe(401)
      const byCode = await finish(challenge.json.challenge_id, 'recovery_code', codes[0]!)
      expect(byCode.status).toBe(201)
      expect((await adminRoute(byCode.json.token)).status).toBe(200)
    })

    it('flags a partner with only email codes in the access review', async () => {
      const { user, token } = await signUpAndLogin(server, freshUser('partner'))
      expect((await call(server, 'POST', '/v1/mfa/email', { token })).status).toBe(201)
      await server.app.services.accounts.setRole(user.username, 'partner', cli)
      const { token: admin } = await adminWithTotpAndEmail()
      const review = await call(server, 'GET', '/v1/admin/access-review', { token: admin })
      expect(review.status, review.body).toBe(200)
      const account = (await server.app.store.accounts.findByUsername(user.username))!
      const entry = (review.json.principals as Array<{ principal_id: string; flags: string[] }>).find((p) =>
        p.principal_id.endsWith(account.id),
      )
      expect(entry?.flags).toContain('no_second_factor')
    })
  })

  describe('a mailbox-only attacker', () => {
    it('cannot make an administrator with TOTP an admin session: not by recovery, login or step-up', async () => {
      const { who } = await adminWithTotpAndEmail()
      const account = (await server.app.store.accounts.findByUsername(who.username))!
      const start = server.clock.now()
      const tokens: string[] = []

      // Login, with the password too (phished): every mailed code is tried, as every method.
      const challenge = await login(who)
      expect(challenge.status).toBe(200)
      expect(challenge.json.methods).not.toContain('email')
      await call(server, 'POST', '/v1/sessions/mfa/send', {
        body: { challenge_id: challenge.json.challenge_id, method: 'email' },
      })
      await server.deliver()

      // Recovery through the mailbox.
      const seen = resetMailsTo(who.email)
      expect((await call(server, 'POST', '/v1/recovery', { body: { identifier: who.email } })).status).toBe(
        202,
      )
      const reset = await resetMail(who.email, seen)
      const bare = await call(server, 'POST', '/v1/recovery/complete', {
        body: { token: reset, password: 'attacker chosen 91 meadow' },
      })
      expect(bare.status).toBe(401)
      expect(bare.json.code).toBe('mfa_required')

      for (const code of new Set(codesInMailbox(who.email))) {
        for (const method of ['email', 'totp', 'recovery_code']) {
          const r = await finish(challenge.json.challenge_id, method, code)
          if (r.json?.token) tokens.push(r.json.token)
        }
        const r = await call(server, 'POST', '/v1/recovery/complete', {
          body: { token: reset, password: 'attacker chosen 91 meadow', code },
        })
        expect(r.status).not.toBe(200)
      }
      // A step-up from a new device: the challenge is the same one, with the same methods.
      const stepUp = await login(who, 'an-unknown-device-token')
      expect(stepUp.status).toBe(200)
      expect(stepUp.json.methods).toEqual(['totp', 'recovery_code'])
      expect(
        (
          await call(server, 'POST', '/v1/sessions/mfa/send', {
            body: { challenge_id: stepUp.json.challenge_id, method: 'email' },
          })
        ).status,
      ).toBe(400)

      expect(tokens).toEqual([])
      // The password is unchanged and no session was opened.
      expect((await login(who)).status).toBe(200)
      const events = await server.app.store.events.listForAccount(account.id, 200)
      const since = events.filter((e) => e.at >= start)
      expect(since.map((e) => e.type)).not.toContain('authn_password_reset_completed')
      expect(since.map((e) => e.type)).not.toContain('authn_login_success')
    })
  })

  describe('recovery asks for a factor the reset channel does not prove', () => {
    const setNewPassword = (token: string, code?: string) =>
      call(server, 'POST', '/v1/recovery/complete', {
        body: {
          token,
          password: `sable harbour ${Math.random().toString(36).slice(2, 7)} quill`,
          ...(code ? { code } : {}),
        },
      })
    const textedReset = async (phone: string, identifier: string) => {
      const seen = sms.messages.filter((m) => m.to === phone && /reset your password/.test(m.body)).length
      await call(server, 'POST', '/v1/recovery', { body: { identifier, channel: 'sms' } })
      await server.deliver()
      const texts = () => sms.messages.filter((m) => m.to === phone && /reset your password/.test(m.body))
      for (let i = 0; i < 100 && texts().length <= seen; i++) await new Promise((r) => setTimeout(r, 20))
      return texts()[seen]!.body.match(/Token: (\S+)/)![1]!
    }
    const mailedReset = async (user: Who) => {
      const seen = resetMailsTo(user.email)
      await call(server, 'POST', '/v1/recovery', { body: { identifier: user.username } })
      return resetMail(user.email, seen)
    }

    it('an SMS-code account reset by email needs a recovery code; reset by SMS it does not', async () => {
      const { user, token } = await signUpAndLogin(server, freshUser('smsonly'))
      const phone = await verifiedPhone(user.username)
      const factor = await call(server, 'POST', '/v1/mfa/sms', { token })
      expect(factor.status).toBe(201)
      const codes = factor.json.recovery_codes as string[]

      const byMail = await mailedReset(user)
      const refused = await setNewPassword(byMail)
      expect(refused.status).toBe(401)
      expect(refused.json.code).toBe('mfa_required')
      expect((await setNewPassword(byMail, codes[0])).status).toBe(200)

      server.clock.advance(10 * 60_000)
      const byText = await textedReset(phone, user.username)
      expect((await setNewPassword(byText)).status).toBe(200)
    })

    it('an email-code account reset by SMS needs a recovery code; reset by email it does not', async () => {
      const { user, token } = await signUpAndLogin(server, freshUser('mailonly'))
      const phone = await verifiedPhone(user.username)
      const factor = await call(server, 'POST', '/v1/mfa/email', { token })
      const codes = factor.json.recovery_codes as string[]

      const byText = await textedReset(phone, user.username)
      const refused = await setNewPassword(byText)
      expect(refused.status).toBe(401)
      expect(refused.json.code).toBe('mfa_required')
      expect((await setNewPassword(byText, codes[0])).status).toBe(200)

      server.clock.advance(10 * 60_000)
      expect((await setNewPassword(await mailedReset(user))).status).toBe(200)
    })

    it('an account with email and SMS codes resets through either channel (each is one of its factors)', async () => {
      const { user, token } = await signUpAndLogin(server, freshUser('both'))
      const phone = await verifiedPhone(user.username)
      expect((await call(server, 'POST', '/v1/mfa/email', { token })).status).toBe(201)
      expect((await call(server, 'POST', '/v1/mfa/sms', { token })).status).toBe(201)
      expect((await setNewPassword(await mailedReset(user))).status).toBe(200)
      server.clock.advance(10 * 60_000)
      expect((await setNewPassword(await textedReset(phone, user.username))).status).toBe(200)
    })
  })
})
