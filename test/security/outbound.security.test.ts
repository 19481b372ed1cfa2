/**
 * Invariant: no destination receives more messages of a kind than its budget, whatever the path
 * and however many requests race — every mail and SMS template is driven here by ≥ 40 simultaneous
 * requests (through many accounts naming one destination where a stranger can, from many sources),
 * and deliveries are counted at the SMTP sink and the SMS provider.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { smsTemplateNames, templateKinds, templateNames } from '../../src/modules/mail/templates.js'
import { totpCodeAt } from '../../src/modules/mfa/totp.js'
import { databaseKinds } from '../helpers/databases.js'
import { type FakeSmsProvider, smsTransportFor, startFakeSmsProvider } from '../helpers/fake-sms-provider.js'
import {
  adminSession,
  call,
  createTestServer,
  freshUser,
  signUpAndLogin,
  type TestServer,
} from '../helpers/server.js'

const RACE = 40

/** The budgets of the default configuration, per destination and per account (docs/security.md). */
const HOURLY: Record<string, number> = {
  recovery: 3,
  login_code: 3,
  phone_code: 5,
  verification: 3,
  unsolicited: 1,
  notice: 10,
  login_notice: 10,
  digest: 2,
  campaign: 3,
}

type Channel = 'email' | 'sms'
/** One message path: fires its race and names the destination it aimed at. */
type Trigger = (s: Ctx) => Promise<string>

interface Ctx {
  server: TestServer
  sms: FakeSmsProvider
  admin: () => Promise<string>
}

const all = <T>(n: number, fn: (i: number) => Promise<T>) =>
  Promise.all(Array.from({ length: n }, (_, i) => fn(i)))
/** A loopback source address of its own for the i-th request. */
const source = (i: number) => `127.${40 + (i >> 8)}.${i & 0xff}.9`

let phoneSeq = 0
/** A fresh valid US number. */
const freshPhone = () =>
  `+1415555${String(1000 + ((process.pid * 7 + ++phoneSeq * 13) % 9000)).padStart(4, '0')}`

const setPhone = async (s: TestServer, username: string, phone: string) =>
  s.app.database.db
    .updateTable('accounts')
    .set({ phone, phone_verified_at: s.clock.now() })
    .where('username', '=', username)
    .execute()

/** `n` logged-in accounts, made side by side. */
const accounts = (s: TestServer, n: number) => all(n, () => signUpAndLogin(s))

const recentAuth = (s: TestServer, token: string, password: string) =>
  call(s, 'POST', '/v1/sessions/current/reauth', { token, body: { password } })

/** An account with an email (and, with `phone`, SMS) login-code factor, at a login challenge. */
const atChallenge = async (s: TestServer, phone?: string) => {
  const { user, token } = await signUpAndLogin(s)
  if (phone) await setPhone(s, user.username, phone)
  expect((await call(s, 'POST', '/v1/mfa/email', { token })).status).toBe(201)
  if (phone) expect((await call(s, 'POST', '/v1/mfa/sms', { token })).status).toBe(201)
  const login = await call(s, 'POST', '/v1/sessions', {
    body: { identifier: user.username, password: user.password },
  })
  expect(login.json.mfa_required).toBe(true)
  return { user, challenge: login.json.challenge_id as string }
}

/** Regenerates recovery codes 40 times at once: each success tells every verified channel. */
const regenerateCodes = async (s: TestServer, phone?: string) => {
  const { user, token } = await signUpAndLogin(s)
  if (phone) await setPhone(s, user.username, phone)
  const enrol = await call(s, 'POST', '/v1/mfa/totp', { token })
  await call(s, 'POST', '/v1/mfa/totp/confirm', {
    token,
    body: { code: totpCodeAt(enrol.json.secret, s.clock.now()) },
  })
  await recentAuth(s, token, user.password)
  const res = await all(RACE, () => call(s, 'POST', '/v1/mfa/recovery-codes', { token, body: {} }))
  expect(res.every((r) => r.status === 200 || r.status === 429)).toBe(true)
  return user
}

/** Forty notify campaigns at once, each with its own text, all selecting one account. */
const campaignNotices = async (ctx: Ctx, channel: Channel) => {
  const { server: s } = ctx
  const { user } = await signUpAndLogin(s)
  const phone = freshPhone()
  if (channel === 'sms') await setPhone(s, user.username, phone)
  const account = await s.app.store.accounts.findByUsername(user.username)
  const admin = await ctx.admin()
  const res = await all(RACE, (i) =>
    call(s, 'POST', '/v1/admin/campaigns', {
      token: admin,
      body: {
        selector: { kind: 'accounts', ids: [account!.id] },
        action: 'notify',
        params: { channel, subject: `Notice ${i}`, text: `Notice number ${i} about {{username}}.` },
      },
    }),
  )
  expect(res.every((r) => r.status === 201)).toBe(true)
  await s.app.workers.campaigns.drain()
  return channel === 'sms' ? phone : user.email
}

const triggers: Record<string, Trigger> = {
  'email:verify_email': async ({ server: s }) => {
    const user = freshUser()
    expect((await call(s, 'POST', '/v1/accounts', { body: user })).status).toBe(202)
    await all(RACE, (i) =>
      call(s, 'POST', '/v1/accounts/verify/resend', { body: { email: user.email }, ip: source(i) }),
    )
    return user.email
  },
  'email:signup_existing_email': async ({ server: s }) => {
    const { user } = await signUpAndLogin(s)
    await all(RACE, (i) =>
      call(s, 'POST', '/v1/accounts', {
        body: { ...freshUser(), email: i % 2 ? user.email : user.email.toUpperCase() },
        ip: source(i),
      }),
    )
    return user.email
  },
  'email:verify_new_email': async ({ server: s }) => {
    const target = freshUser().email
    const many = await accounts(s, RACE)
    await all(RACE, (i) =>
      call(s, 'POST', '/v1/me/email', { token: many[i]!.token, body: { email: target } }),
    )
    return target
  },
  'email:email_change_address_in_use': async ({ server: s }) => {
    const { user: owner } = await signUpAndLogin(s)
    const many = await accounts(s, RACE)
    await all(RACE, (i) =>
      call(s, 'POST', '/v1/me/email', { token: many[i]!.token, body: { email: owner.email } }),
    )
    return owner.email
  },
  'email:password_changed': async ({ server: s }) => {
    const { user, token } = await signUpAndLogin(s)
    await all(RACE, (i) =>
      call(s, 'POST', '/v1/me/password', {
        token,
        body: { current_password: user.password, new_password: `walnut signal orchard ${i} cedar` },
      }),
    )
    return user.email
  },
  'email:account_deletion_scheduled': async ({ server: s }) => {
    const { user, token } = await signUpAndLogin(s)
    await all(RACE, () => call(s, 'DELETE', '/v1/me', { token }))
    return user.email
  },
  'email:phone_changed': async ({ server: s }) => {
    const { user, token } = await signUpAndLogin(s)
    await all(RACE, () =>
      call(s, 'POST', '/v1/me/phone', { token, body: { phone: freshPhone(), password: user.password } }),
    )
    return user.email
  },
  'email:security_change': async ({ server: s }) => (await regenerateCodes(s)).email,
  'email:login_code': async ({ server: s }) => {
    const { user, challenge } = await atChallenge(s)
    await all(RACE, (i) =>
      call(s, 'POST', '/v1/sessions/mfa/send', {
        body: { challenge_id: challenge, method: 'email' },
        ip: source(i),
      }),
    )
    return user.email
  },
  'email:new_login': async ({ server: s }) => {
    // Logins from new devices: without a second factor each is asked for a mailed code (step-up),
    // and each confirmed one is told by a new-sign-in notice. Both are budgeted.
    const { user } = await signUpAndLogin(s)
    const logins = await all(RACE, (i) =>
      call(s, 'POST', '/v1/sessions', {
        body: { identifier: user.username, password: user.password },
        ip: source(i),
      }),
    )
    expect(logins.every((l) => l.status === 200)).toBe(true)
    await s.deliver()
    const codes = s.smtp.messages
      .filter((m) => m.to.includes(user.email) && /sign-in code/.test(m.subject))
      .map((m) => m.text.match(/\b(\d{6})\b/)?.[1])
    // Each code confirms the login it was sent for. Only challenges that got a code can be
    // completed, and every guess spends one of the account's ten second-factor guesses (a success
    // gives them back): try the codes one by one on those challenges alone.
    const account = await s.app.store.accounts.findByUsername(user.username)
    const sent = await s.app.database.db
      .selectFrom('login_codes')
      .select('challenge_id')
      .where('account_id', '=', account!.id)
      .where('used_at', 'is', null)
      .execute()
    const withCode = new Set(sent.map((r) => r.challenge_id))
    expect(withCode.size).toBe(codes.length)
    let completed = 0
    for (const [i, login] of logins.entries()) {
      if (!withCode.has(login.json.challenge_id as string)) continue
      for (const code of codes) {
        const done = await call(s, 'POST', '/v1/sessions/mfa', {
          body: { challenge_id: login.json.challenge_id, method: 'email', code },
          ip: source(i),
        })
        if (done.status === 201) {
          completed++
          break
        }
      }
    }
    expect(completed).toBe(codes.length)
    return user.email
  },
  'email:recovery_email': async ({ server: s }) => {
    const { user } = await signUpAndLogin(s)
    await all(RACE, (i) =>
      call(s, 'POST', '/v1/recovery', {
        body: { identifier: [user.username, user.email, user.email.toUpperCase()][i % 3] },
        ip: source(i),
      }),
    )
    return user.email
  },
  'email:recovery_digest': async ({ server: s }) => {
    const { user } = await signUpAndLogin(s)
    await all(RACE, (i) =>
      call(s, 'POST', '/v1/recovery', { body: { identifier: user.username }, ip: source(i) }),
    )
    await s.deliver()
    s.clock.advance(2 * 3600_000)
    await all(RACE, () => s.app.services.recovery.sendDueDigests())
    return user.email
  },
  'email:campaign_notice': (ctx) => campaignNotices(ctx, 'email'),
  'sms:recovery_sms': async ({ server: s }) => {
    const { user } = await signUpAndLogin(s)
    const phone = freshPhone()
    await setPhone(s, user.username, phone)
    await all(RACE, (i) =>
      call(s, 'POST', '/v1/recovery', {
        body: { identifier: i % 2 ? phone : user.username, channel: 'sms' },
        ip: source(i),
      }),
    )
    return phone
  },
  'sms:phone_code': async ({ server: s }) => {
    // Forty accounts give one number: SMS pumping through many accounts.
    const phone = freshPhone()
    const many = await accounts(s, RACE)
    await all(RACE, (i) =>
      call(s, 'POST', '/v1/me/phone', {
        token: many[i]!.token,
        body: { phone, password: many[i]!.user.password },
      }),
    )
    return phone
  },
  'sms:login_code': async ({ server: s }) => {
    const phone = freshPhone()
    const { challenge } = await atChallenge(s, phone)
    await all(RACE, (i) =>
      call(s, 'POST', '/v1/sessions/mfa/send', {
        body: { challenge_id: challenge, method: 'sms' },
        ip: source(i),
      }),
    )
    return phone
  },
  'sms:security_change': async ({ server: s }) => {
    const phone = freshPhone()
    await regenerateCodes(s, phone)
    return phone
  },
  'sms:password_changed': async ({ server: s }) => {
    // The reset of an account with a verified phone tells the phone; forty completions race.
    const { user } = await signUpAndLogin(s)
    const phone = freshPhone()
    await setPhone(s, user.username, phone)
    await call(s, 'POST', '/v1/recovery', { body: { identifier: user.username } })
    await s.deliver()
    const mail = await s.smtp.waitFor((m) => m.to.includes(user.email) && /Reset/.test(m.subject))
    const token = s.smtp.tokenFrom(mail)
    await all(RACE, (i) =>
      call(s, 'POST', '/v1/recovery/complete', {
        body: { token, password: `amber quarry lantern ${i} pine` },
        ip: source(i),
      }),
    )
    return phone
  },
  'sms:campaign_notice': (ctx) => campaignNotices(ctx, 'sms'),
}

describe.each(databaseKinds())('outbound budgets under races on %s', (kind) => {
  let server: TestServer
  let sms: FakeSmsProvider
  let adminToken: string | undefined
  const ctx = (): Ctx => ({
    server,
    sms,
    admin: async () => {
      adminToken ??= await adminSession(server)
      return adminToken
    },
  })

  beforeAll(async () => {
    sms = await startFakeSmsProvider()
    server = await createTestServer(
      kind,
      { GATEHOUSE_STEP_UP_NEW_DEVICE: 'true' },
      { sms: smsTransportFor(sms) },
    )
  })
  afterAll(async () => {
    await server?.close()
    await sms?.close()
  })

  /** What reached the destination, by template: sent rows of the outbox, checked against the transports. */
  const delivered = async (channel: Channel, destination: string) => {
    const rows = await server.app.database.db
      .selectFrom('outbox')
      .select(['template', 'recipient'])
      .where('channel', '=', channel)
      .where('status', '=', 'sent')
      .execute()
    const mine = rows.filter((r) => r.recipient.toLowerCase() === destination.toLowerCase())
    const atTransport =
      channel === 'email'
        ? server.smtp.messages.filter((m) => m.to.some((t) => t.toLowerCase() === destination.toLowerCase()))
        : sms.messages.filter((m) => m.to === destination)
    expect(atTransport.length, `deliveries to ${destination}`).toBe(mine.length)
    const byTemplate = new Map<string, number>()
    for (const r of mine) byTemplate.set(r.template, (byTemplate.get(r.template) ?? 0) + 1)
    return byTemplate
  }

  it('has a race for every mail and SMS template', () => {
    const paths = [...templateNames.map((t) => `email:${t}`), ...smsTemplateNames.map((t) => `sms:${t}`)]
    expect(paths.filter((p) => !(p in triggers))).toEqual([])
  })

  for (const [path, trigger] of Object.entries(triggers)) {
    const [channel, template] = path.split(':') as [Channel, keyof typeof templateKinds]
    it(`keeps ${path} within its budget per destination under ${RACE} simultaneous requests`, async () => {
      const destination = await trigger(ctx())
      await server.deliver()
      const got = await delivered(channel, destination)
      const budget = HOURLY[templateKinds[template]]!
      console.info(
        `${kind} ${path}: ${got.get(template) ?? 0} delivered to one destination (budget ${budget})`,
      )
      expect(got.get(template) ?? 0, `${template} to one ${channel} destination`).toBeGreaterThanOrEqual(1)
      expect(got.get(template) ?? 0, `${template} to one ${channel} destination`).toBeLessThanOrEqual(budget)
      // Every other template that reached the destination on the way (step-up codes of the new-device
      // logins, verification mails of sign-up) stays within its own budget too.
      for (const [other, n] of got) {
        expect(n, `${other} to one ${channel} destination`).toBeLessThanOrEqual(
          HOURLY[templateKinds[other as keyof typeof templateKinds]]!,
        )
      }
      const total = [...got.values()].reduce((a, b) => a + b, 0)
      expect(total).toBeLessThanOrEqual(40)
    })
  }
})

describe.each(databaseKinds())('the global SMS budgets on %s', (kind) => {
  let server: TestServer
  let sms: FakeSmsProvider
  beforeAll(async () => {
    sms = await startFakeSmsProvider()
    server = await createTestServer(
      kind,
      { GATEHOUSE_SMS_BUDGET: '30/3600', GATEHOUSE_SMS_BUDGET_PER_COUNTRY: '12/3600' },
      { sms: smsTransportFor(sms) },
    )
  })
  afterAll(async () => {
    await server?.close()
    await sms?.close()
  })

  it('texts at most the per-country budget when 40 accounts add 40 numbers of one country at once, and tells operators', async () => {
    const many = await all(RACE, () => signUpAndLogin(server))
    await all(RACE, (i) =>
      call(server, 'POST', '/v1/me/phone', {
        token: many[i]!.token,
        body: { phone: `+4479111234${String(100 + i).slice(1)}`, password: many[i]!.user.password },
      }),
    )
    await server.deliver()
    const uk = sms.messages.filter((m) => m.to.startsWith('+44'))
    expect(uk).toHaveLength(12)
    const told = await server.app.store.events.search({ type: 'outbound_budget_exhausted' }, 10)
    expect(told.map((e) => e.details.budget)).toContain('sms_country')
    // Another country still gets texts, up to the global budget.
    const more = await all(RACE, () => signUpAndLogin(server))
    await all(RACE, (i) =>
      call(server, 'POST', '/v1/me/phone', {
        token: more[i]!.token,
        body: { phone: `+3361234${String(10_000 + i).slice(1)}`, password: more[i]!.user.password },
      }),
    )
    await server.deliver()
    expect(sms.messages.filter((m) => m.to.startsWith('+33'))).toHaveLength(12)
    // A third country meets the global budget first: 30 in all.
    const third = await all(10, () => signUpAndLogin(server))
    await all(10, (i) =>
      call(server, 'POST', '/v1/me/phone', {
        token: third[i]!.token,
        body: { phone: `+49151123456${String(100 + i).slice(1)}`, password: third[i]!.user.password },
      }),
    )
    await server.deliver()
    expect(sms.messages).toHaveLength(30)
  })
})
