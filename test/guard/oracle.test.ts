import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LimiterStore } from '../../src/modules/guard/ports.js'
import { type FakeSmsProvider, smsTransportFor, startFakeSmsProvider } from '../helpers/fake-sms-provider.js'
import {
  call,
  createTestServer,
  freshUser,
  type JsonResponse,
  signUpAndLogin,
  type TestServer,
} from '../helpers/server.js'
import { guardSetups } from './setups.js'

/*
 * The guard is no account oracle (DESIGN.md, "Security invariants"): whatever happened before, a
 * stranger's answer — status, body, headers, and the guard's reaction — is the same for an
 * identifier that names an account (or names one of its other identifiers) and for one that does
 * not. Answers are compared byte for byte, with only the random fields masked.
 */

/** An answer with what differs between any two requests masked: request id, date, puzzle. */
const comparable = (r: JsonResponse) => {
  const headers = { ...r.headers }
  delete headers.date
  delete headers['x-request-id']
  const body = r.body
    .replace(/"request_id":"[^"]*"/g, '"request_id":"…"')
    .replace(/"puzzle":"[^"]*"/g, '"puzzle":"…"')
    .replace(/"expires_at":"[^"]*"/g, '"expires_at":"…"')
  // The puzzle's length follows the address it is bound to: the length goes with the masked body.
  if (/"puzzle"/.test(r.body)) headers['content-length'] = '…'
  return { status: r.status, headers, body }
}

const CODE_SMS = /verification code is (\d{6})/

describe.each(guardSetups())('the guard is no account oracle on $name', (setup) => {
  let server: TestServer
  let limiter: LimiterStore
  let sms: FakeSmsProvider
  beforeAll(async () => {
    sms = await startFakeSmsProvider()
    limiter = await setup.limiter()
    server = await createTestServer(
      setup.kind,
      {
        GATEHOUSE_GUARD: 'true',
        GATEHOUSE_POW_DIFFICULTY: '8',
        GATEHOUSE_POW_MAX_DIFFICULTY: '12',
        // The global spike answers every fresh source alike; it has suites of its own.
        GATEHOUSE_GUARD_SPIKE_MIN_FAILURES: '100000',
      },
      { limiter, sms: smsTransportFor(sms) },
    )
  })
  afterAll(async () => {
    await server?.close()
    await limiter?.close()
    await sms?.close()
  })

  const login = (identifier: string, ip: string) =>
    call(server, 'POST', '/v1/sessions', { body: { identifier, password: 'not the password, sorry' }, ip })

  /** An account with a verified phone number. */
  const accountWithPhone = async (n: number) => {
    const { user, token } = await signUpAndLogin(server)
    const phone = `+1415555${String(1000 + n + (setup.redis ? 5000 : 0))}`
    expect(
      (await call(server, 'POST', '/v1/me/phone', { token, body: { phone, password: user.password } }))
        .status,
    ).toBe(202)
    await server.deliver()
    const code = CODE_SMS.exec(sms.messages.filter((m) => m.to === phone).at(-1)!.body)![1]!
    expect((await call(server, 'POST', '/v1/me/phone/verify', { token, body: { code } })).status).toBe(200)
    return { ...user, phone }
  }

  /**
   * Failed logins on `identifier`, one from each of `count` addresses in networks of their own (so
   * that no source or network detector fires): the identifier's own brute-force responses.
   */
  const hammer = async (identifier: string, count: number, base: number) => {
    const seen: number[] = []
    for (let i = 0; i < count; i++) seen.push((await login(identifier, `10.${base}.${i}.1`)).status)
    // Delays first, then challenges: the identifier itself is under attack now.
    expect(seen).toContain(401)
    expect((await login(identifier, `10.${base}.250.1`)).json.code).toBe('challenge_required')
  }

  /** What fresh sources (one each, addresses of equal length) get for each identifier: three tries. */
  const probe = async (identifiers: string[], base: number) => {
    const answers = []
    for (const [k, identifier] of identifiers.entries()) {
      const ip = `10.${base}.${100 + k}.1`
      const tries = []
      for (let t = 0; t < 3; t++) tries.push(comparable(await login(identifier, ip)))
      answers.push(tries)
    }
    return answers
  }

  it("after failed logins on a username, a fresh source is answered alike for the account's email and phone and for unrelated ones", async () => {
    const owner = await accountWithPhone(1)
    await hammer(owner.username, 14, 20)
    const stranger = freshUser('nobody')
    const [email, otherEmail, phone, otherPhone] = await probe(
      [owner.email, stranger.email, owner.phone, `+1415555${setup.redis ? '8999' : '3999'}`],
      21,
    )
    expect(email).toEqual(otherEmail)
    expect(phone).toEqual(otherPhone)
    expect(email![0]!.status).toBe(401)
  })

  it('after failed logins on an email address, a fresh source is answered alike for the username and for another', async () => {
    const owner = await accountWithPhone(2)
    await hammer(owner.email, 14, 30)
    const [username, otherUsername] = await probe([owner.username, freshUser('nobody').username], 31)
    expect(username).toEqual(otherUsername)
    expect(username![0]!.status).toBe(401)
    // The per-account count is there, for the administrators only.
    const account = await server.app.store.accounts.findByUsername(owner.username)
    await server.app.guard.flush()
    const found = (await server.app.detections.list({ kind: 'brute_force' }, 100)).find(
      (d) => d.accountId === account!.id,
    )
    expect(found).toMatchObject({ scope: 'account', key: `account:${account!.id}`, action: 'none' })
  })

  it('answers a recovery sweep the same, request by request, whether the names exist or not', async () => {
    // Fifteen accounts, each signed up from an address of its own.
    const existing: string[] = []
    for (let i = 0; i < 15; i++) {
      const user = freshUser('swept')
      const res = await call(server, 'POST', '/v1/accounts', { body: user, ip: `10.40.${i}.1` })
      expect(res.status).toBe(202)
      existing.push(i % 2 === 0 ? user.username : user.email)
    }
    const missing = existing.map((_, i) => freshUser(`ghost${i}`).username)
    const mixed = existing.map((name, i) => (i % 3 === 0 ? name : missing[i]!))
    /** One sweep from a source of its own; what each request got, the identifiers looked up in between. */
    const sweep = async (names: string[], ip: string) => {
      const answers = []
      for (const identifier of names) {
        answers.push(comparable(await call(server, 'POST', '/v1/recovery', { body: { identifier }, ip })))
        // Whatever is looked up after an answer has had its chance to count.
        await server.deliver()
      }
      return answers
    }
    const allExisting = await sweep(existing, '10.41.0.1')
    const allMissing = await sweep(missing, '10.42.0.1')
    const someExisting = await sweep(mixed, '10.43.0.1')
    expect(allMissing).toEqual(allExisting)
    expect(someExisting).toEqual(allExisting)
    // And the sweep is answered: challenged from its 11th name on.
    expect(allExisting.map((a) => a.status)).toEqual([...Array(10).fill(202), ...Array(5).fill(429)])
  })
})
