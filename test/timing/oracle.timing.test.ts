/**
 * Invariant: no account oracle — login and sign-up answer the same, in the same
 * time, whether or not the account exists. These run alone (vitest.timing.config.ts)
 * so that other suites do not add noise to the measurements.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { databaseKinds } from '../helpers/databases.js'
import { call, createTestServer, freshUser, signUpAndLogin, type TestServer } from '../helpers/server.js'
import { comparePaired } from '../helpers/timing.js'

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

    const result = await comparePaired({
      kinds: ['existing', 'missing'] as const,
      run: async (kindOf) => {
        await call(server, 'POST', '/v1/sessions', { body: kindOf === 'existing' ? existing : missing })
      },
      boundMs: 5,
      pairsPerRound: 100,
    })
    console.log(`login on ${kind}: ${result.summary}`)
    expect(Math.abs(result.difference), result.summary).toBeLessThan(5)
  })

  it('answers sign-up with a registered address and a new one alike, in about the same time', async () => {
    let reference: ReturnType<typeof strip> | undefined
    const result = await comparePaired({
      kinds: ['existing', 'fresh'] as const,
      run: async (kindOf) => {
        const body = kindOf === 'existing' ? { ...freshUser(), email: known.email } : freshUser()
        const res = await call(server, 'POST', '/v1/accounts', { body })
        reference ??= strip(res)
        expect(strip(res)).toEqual(reference)
      },
      boundMs: 5,
      pairsPerRound: 40,
      warmup: 0,
    })
    console.log(`sign-up on ${kind}: ${result.summary}`)
    expect(Math.abs(result.difference), result.summary).toBeLessThan(5)
  })
})
