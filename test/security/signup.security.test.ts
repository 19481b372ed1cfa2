/**
 * Invariant: sign-up tells nobody whether an address has an account — it answers, reserves the
 * name and costs the same either way — and a name that is taken is refused before any costly work.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { databaseKinds } from '../helpers/databases.js'
import { call, createTestServer, freshUser, signUpAndLogin, type TestServer } from '../helpers/server.js'

const strip = (res: { status: number; headers: Record<string, unknown>; body: string }) => {
  const { 'x-request-id': _id, date: _date, ...headers } = res.headers
  return { status: res.status, headers, body: res.body.replace(/"request_id":"[^"]+"/, '') }
}

describe.each(databaseKinds())('sign-up on %s', (kind) => {
  let server: TestServer
  beforeAll(async () => {
    server = await createTestServer(kind)
  })
  afterAll(async () => {
    await server?.close()
  })

  const register = (body: object) => call(server, 'POST', '/v1/accounts', { body })

  it('reserves the name alike whether or not the address has an account', async () => {
    const { user: owner } = await signUpAndLogin(server)
    const taken = freshUser('probe')
    const free = freshUser('probe')
    // First attempt: one name with a registered address, one with a new address.
    const first = [await register({ ...taken, email: owner.email }), await register(free)]
    expect(strip(first[0]!)).toEqual(strip(first[1]!))
    expect(first[0]!.status).toBe(202)
    // Second attempt with each name and an address the caller controls: the same answer.
    const second = [
      await register({ ...taken, email: freshUser().email }),
      await register({ ...free, email: freshUser().email }),
    ]
    expect(second.map((r) => r.status)).toEqual([409, 409])
    expect(strip(second[0]!)).toEqual(strip(second[1]!))
    expect(second[0]!.json.code).toBe('username_taken')
    // Login, recovery and resend with either name answer alike too.
    for (const path of ['/v1/recovery'] as const) {
      const a = await call(server, 'POST', path, { body: { identifier: taken.username } })
      const b = await call(server, 'POST', path, { body: { identifier: free.username } })
      expect(strip(a)).toEqual(strip(b))
    }
    // The first sign-up's password answers email_unverified for either name, a wrong one 401.
    for (const [password, status] of [
      [(u: typeof taken) => u.password, 403],
      [() => 'not the password 99', 401],
    ] as const) {
      const loginA = await call(server, 'POST', '/v1/sessions', {
        body: { identifier: taken.username, password: password(taken) },
      })
      const loginB = await call(server, 'POST', '/v1/sessions', {
        body: { identifier: free.username, password: password(free) },
      })
      expect(loginA.status).toBe(status)
      expect(strip(loginA)).toEqual(strip(loginB))
    }
    // The owner of the address logs in by it as before.
    const own = await call(server, 'POST', '/v1/sessions', {
      body: { identifier: owner.email, password: owner.password },
    })
    expect(own.status).toBe(201)
  })

  it('frees a reserved name when an unverified account would have been removed', async () => {
    const { user: owner } = await signUpAndLogin(server)
    const probe = freshUser('lapse')
    expect((await register({ ...probe, email: owner.email })).status).toBe(202)
    expect((await register({ ...probe, email: freshUser().email })).status).toBe(409)
    const ttl = server.app.config.unverifiedAccountTtlDays * 24 * 3600_000
    server.clock.advance(ttl + 1000)
    expect((await register({ ...probe, email: freshUser().email })).status).toBe(202)
  })

  it('refuses a taken name before checking or hashing the password', async () => {
    const { user } = await signUpAndLogin(server)
    // The weakest password there is, and one far too long: the name is judged first.
    for (const password of ['a', 'x'.repeat(60_000)]) {
      const res = await register({ username: user.username, email: freshUser().email, password })
      expect(res.status).toBe(409)
      expect(res.json.code).toBe('username_taken')
    }
  })

  it('gives one of 20 simultaneous sign-ups of one name the name, whatever their addresses', async () => {
    const { user: owner } = await signUpAndLogin(server)
    const name = freshUser('race')
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        register({ ...name, email: i % 2 ? owner.email : freshUser().email }),
      ),
    )
    expect(answers.filter((a) => a.status === 202)).toHaveLength(1)
    expect(answers.filter((a) => a.status === 409)).toHaveLength(19)
  })
})
