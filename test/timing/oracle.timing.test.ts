/**
 * Invariant: no account oracle — login and sign-up answer the same, in the same
 * time, whether or not the account exists. These run alone (vitest.timing.config.ts)
 * so that other suites do not add noise to the measurements.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { databaseKinds } from '../helpers/databases.js'
import { call, createTestServer, freshUser, signUpAndLogin, type TestServer } from '../helpers/server.js'

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

const strip = (res: { status: number; headers: Record<string, unknown>; body: string }) => {
  const { 'x-request-id': _id, date: _date, 'content-length': _len, ...headers } = res.headers
  return { status: res.status, headers, body: res.body.replace(/"request_id":"[^"]+"/, '') }
}

describe.each(databaseKinds())('no account oracle on %s', (kind) => {
  let server: TestServer
  let known: { username: string; email: string; password: string }
  beforeAll(async () => {
    server = await createTestServer(kind)
    known = (await signUpAndLogin(server)).user
  })
  afterAll(async () => {
    await server?.close()
  })

  it('answers a wrong password and an unknown identifier alike, in the same time', async () => {
    const existing = { identifier: known.username, password: 'not the password 123' }
    const missing = { identifier: 'no_such_user_1234', password: 'not the password 123' }
    const a = await call(server, 'POST', '/v1/sessions', { body: existing })
    const b = await call(server, 'POST', '/v1/sessions', { body: missing })
    expect(strip(a)).toEqual(strip(b))

    for (let i = 0; i < 10; i++) {
      await call(server, 'POST', '/v1/sessions', { body: i % 2 ? existing : missing })
    }
    const times: Record<'existing' | 'missing', number[]> = { existing: [], missing: [] }
    for (let i = 0; i < 100; i++) {
      for (const [name, body] of (i % 2
        ? [
            ['existing', existing],
            ['missing', missing],
          ]
        : [
            ['missing', missing],
            ['existing', existing],
          ]) as ['existing' | 'missing', typeof existing][]) {
        const t0 = performance.now()
        await call(server, 'POST', '/v1/sessions', { body })
        times[name].push(performance.now() - t0)
      }
    }
    const diff = Math.abs(median(times.existing) - median(times.missing))
    expect(
      diff,
      `medians ${median(times.existing).toFixed(2)} vs ${median(times.missing).toFixed(2)} ms`,
    ).toBeLessThan(5)
  })

  it('answers sign-up with a registered address and a new one alike, in about the same time', async () => {
    const times: Record<'existing' | 'fresh', number[]> = { existing: [], fresh: [] }
    let reference: ReturnType<typeof strip> | undefined
    for (let i = 0; i < 40; i++) {
      for (const name of (i % 2 ? ['existing', 'fresh'] : ['fresh', 'existing']) as (
        | 'existing'
        | 'fresh'
      )[]) {
        const body = name === 'existing' ? { ...freshUser(), email: known.email } : freshUser()
        const t0 = performance.now()
        const res = await call(server, 'POST', '/v1/accounts', { body })
        times[name].push(performance.now() - t0)
        reference ??= strip(res)
        expect(strip(res)).toEqual(reference)
      }
    }
    const diff = Math.abs(median(times.existing) - median(times.fresh))
    expect(
      diff,
      `medians ${median(times.existing).toFixed(2)} vs ${median(times.fresh).toFixed(2)} ms`,
    ).toBeLessThan(5)
  })
})
