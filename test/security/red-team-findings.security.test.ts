/**
 * Findings of an outside attack on the running service, each written as the invariant it breaks.
 * These tests fail on the code they were written against; each names the invariant of
 * docs/security.md it holds Gatehouse to.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { totpCodeAt } from '../../src/modules/mfa/totp.js'
import { databaseKinds } from '../helpers/databases.js'
import { call, createTestServer, freshUser, signUpAndLogin, type TestServer } from '../helpers/server.js'

describe.each(databaseKinds())('red-team findings on %s', (kind) => {
  let server: TestServer
  beforeAll(async () => {
    server = await createTestServer(kind, {
      GATEHOUSE_GUARD: 'true',
      GATEHOUSE_POW_DIFFICULTY: '4',
      // The defaults, which the test helper lifts for suites that sign up many accounts.
      GATEHOUSE_SIGNUP_LIMIT_IP: '20/3600',
      GATEHOUSE_SIGNUP_LIMIT_SUBNET: '100/3600',
    })
  })
  afterAll(async () => {
    await server?.close()
  })

  const strip = (res: { status: number; headers: Record<string, unknown>; body: string }) => {
    const { 'x-request-id': _id, date: _date, ...headers } = res.headers
    return {
      status: res.status,
      headers,
      body: res.body
        .replace(/"request_id":"[^"]+"/, '')
        .replace(/"puzzle":"[^"]+"/, '')
        .replace(/"expires_at":"[^"]+"/, ''),
    }
  }

  // Invariant 4 (bounded cost for strangers) and 3 (messages): an accepted sign-up costs an argon2
  // hash, five rows and a mail to an address of the caller's choosing; one address may not make
  // Gatehouse do that without bound.
  it('bounds the accepted sign-ups, and the mails they send, from one address', async () => {
    const ip = '198.51.100.7'
    const answers: number[] = []
    for (let i = 0; i < 60; i++) {
      const who = freshUser('flood')
      answers.push((await call(server, 'POST', '/v1/accounts', { body: who, ip })).status)
    }
    await server.deliver()
    const accepted = answers.filter((s) => s === 202).length
    // The recovery budget of one address is 20 an hour; sign-up sends mail to strangers just as well.
    expect(accepted).toBeLessThanOrEqual(20)
  })

  // Invariant 1 (no account oracle through the guard's reaction): an address that once opened a
  // session is exempt from the brute-force challenge on every identifier of that account, so whoever
  // shares the address (a NAT, an office, a mobile carrier's CGNAT) learns which identifiers belong
  // to an account used from there.
  it('answers a shared address alike for an account used from there and for any other', async () => {
    const shared = '203.0.113.9'
    const { user: owner } = await signUpAndLogin(server, freshUser('nat'))
    const ownerLogin = await call(server, 'POST', '/v1/sessions', {
      body: { identifier: owner.username, password: owner.password },
      ip: shared,
    })
    expect(ownerLogin.status).toBe(201)
    const { user: other } = await signUpAndLogin(server, freshUser('far'))
    const missing = freshUser('nobody').email
    // Twelve failures on each identifier, each from an address of its own network.
    let n = 0
    for (const identifier of [owner.email, other.email, missing]) {
      for (let i = 0; i < 12; i++) {
        n += 1
        await call(server, 'POST', '/v1/sessions', {
          body: { identifier, password: `wrong password ${i}` },
          ip: `10.${n}.${i}.1`,
        })
      }
    }
    const fromShared = async (identifier: string) =>
      strip(
        await call(server, 'POST', '/v1/sessions', {
          body: { identifier, password: 'a guess from the shared address' },
          ip: shared,
        }),
      )
    const [own, another, nobody] = [
      await fromShared(owner.email),
      await fromShared(other.email),
      await fromShared(missing),
    ]
    expect(another).toEqual(nobody)
    expect(own).toEqual(another)
  })

  // Invariant 6 (a channel never makes an administrator): an administrator as `gatehouse admin
  // create` makes one has no strong factor yet; whoever reads its mailbox must not be able to reset
  // the password, log in, enrol a TOTP factor of their own and hold the admin API.
  it('does not let a mailbox alone make a new administrator whole; an operator resets it instead', async () => {
    const who = freshUser('root')
    const { account } = await server.app.services.accounts.createAdmin({
      username: who.username,
      email: who.email,
    })
    const ip = '192.0.2.44'
    const asked = await call(server, 'POST', '/v1/recovery', { body: { identifier: who.email }, ip })
    // Answered as any recovery request is: nothing tells the asker that this one went nowhere.
    expect(asked.status).toBe(202)
    expect(asked.body).toBe('{"status":"accepted"}')
    await server.deliver()
    expect(
      server.smtp.messages.filter((m) => m.to.includes(who.email) && /reset your/i.test(m.subject)),
    ).toEqual([])
    const suppressed = await server.app.store.events.search(
      { type: 'recovery.suppressed', accountId: account.id },
      5,
    )
    expect(suppressed[0]?.details.reason).toBe('staff')

    // A reset token issued while the account was not staff does not recover it either.
    const { user } = await signUpAndLogin(server, freshUser('later'))
    await call(server, 'POST', '/v1/recovery', { body: { identifier: user.email }, ip })
    await server.deliver()
    const mail = await server.smtp.waitFor((m) => m.to.includes(user.email) && /reset your/i.test(m.subject))
    await server.app.services.accounts.setRole(user.username, 'admin', {
      ip: null,
      userAgent: 'test',
      clientVersion: null,
      requestId: 'test',
    })
    const late = await call(server, 'POST', '/v1/recovery/complete', {
      body: { token: server.smtp.tokenFrom(mail), password: 'a mailbox thief chose this 42' },
      ip,
    })
    expect(late.json.code).toBe('invalid_token')

    // The way back in is an operator's: a one-time password, to be changed at the next login.
    const reset = await server.app.services.accounts.resetByOperator(who.username, {
      ip: null,
      userAgent: 'cli',
      clientVersion: null,
      requestId: 'cli',
    })
    expect(reset).not.toBeNull()
    const login = await call(server, 'POST', '/v1/sessions', {
      body: { identifier: who.username, password: reset!.password },
    })
    expect(login.status).toBe(201)
    const current = await call(server, 'GET', '/v1/sessions/current', { token: login.json.token })
    expect(current.json.account.must_change_password).toBe(true)
    // Once the administrator holds a TOTP factor, reset messages go out again (and need its code).
    const enrolled = await call(server, 'POST', '/v1/me/password', {
      token: login.json.token,
      body: { current_password: reset!.password, new_password: 'granite harbour 77 lantern' },
    })
    expect(enrolled.status).toBe(200)
    const totp = await call(server, 'POST', '/v1/mfa/totp', { token: login.json.token })
    expect(totp.status).toBe(201)
    const confirmed = await call(server, 'POST', '/v1/mfa/totp/confirm', {
      token: login.json.token,
      body: { code: totpCodeAt(totp.json.secret, server.clock.now()) },
    })
    expect(confirmed.status).toBe(200)
    server.clock.advance(5 * 60_000)
    await call(server, 'POST', '/v1/recovery', { body: { identifier: who.email }, ip: '192.0.2.45' })
    await server.deliver()
    await server.smtp.waitFor((m) => m.to.includes(who.email) && /reset your/i.test(m.subject))
  })
})
