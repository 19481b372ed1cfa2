import { type IncomingHttpHeaders, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, opened } from '../helpers/api.js'
import { databaseKinds } from '../helpers/databases.js'
import { call, createTestServer, freshUser, signUpAndLogin, type TestServer } from '../helpers/server.js'

/**
 * Most `GET /v1/sessions/current` answers are written before Fastify sees the request. These tests
 * ask the same questions over a real socket (where that path answers) and through `inject` (which
 * always goes through Fastify), and require the same answers, byte for byte, header for header.
 */

interface Answer {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

const get = (base: string, path: string, headers: Record<string, string> = {}, method = 'GET') =>
  new Promise<Answer>((resolve, reject) => {
    const req = request(`${base}${path}`, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      )
    })
    req.on('error', reject)
    req.end()
  })

/** The headers that may differ between two answers of one route: the time, and how the socket is kept. */
const comparable = (h: IncomingHttpHeaders | Record<string, unknown>) => {
  const { date: _date, connection: _connection, 'keep-alive': _keepAlive, ...rest } = h
  return Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, String(v)]))
}

const listen = async (s: TestServer): Promise<string> => {
  await s.app.http.listen({ host: '127.0.0.1', port: 0 })
  return `http://127.0.0.1:${(s.app.http.server.address() as AddressInfo).port}`
}

const fastServed = (s: TestServer) => s.app.sessionCheck.served

describe.each(databaseKinds())('session checks answered before the framework (%s)', (kind) => {
  let s: TestServer
  let base: string
  beforeAll(async () => {
    s = await createTestServer(kind)
    base = await listen(s)
  })
  afterAll(async () => {
    await s?.close()
  })

  it('answers exactly as the route does once it has seen one answer, by Bearer token and by cookie', async () => {
    const { user, token } = await signUpAndLogin(s)
    const auth = { authorization: `Bearer ${token}`, 'x-request-id': 'check-1' }
    const before = fastServed(s)

    // The first 200 over the socket goes through Fastify (nothing learnt yet)…
    const first = await get(base, '/v1/sessions/current', auth)
    expect(first.status).toBe(200)
    expect(fastServed(s)).toBe(before)
    // …the next ones do not, and nothing about them differs.
    const fast = await get(base, '/v1/sessions/current', auth)
    expect(fastServed(s)).toBe(before + 1)
    const framework = await call(s, 'GET', '/v1/sessions/current', { headers: auth })
    expect(fast.status).toBe(200)
    expect(fast.body).toBe(framework.body)
    expect(fast.body).toBe(first.body)
    expect(comparable(fast.headers)).toEqual(comparable(framework.headers))
    expect(comparable(fast.headers)).toEqual(comparable(first.headers))
    expect(fast.headers['content-security-policy']).toContain("default-src 'none'")
    expect(fast.headers['cache-control']).toBe('no-store')
    expect(fast.headers['x-request-id']).toBe('check-1')
    expect(JSON.parse(fast.body).account.username).toBe(user.username)

    const byCookie = await get(base, '/v1/sessions/current', { cookie: `other=1; gh_session=${token}` })
    expect(fastServed(s)).toBe(before + 2)
    expect(byCookie.status).toBe(200)
    expect(byCookie.body).toBe(framework.body)
    // A request id of its own when none (or a malformed one) is given.
    expect(byCookie.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
    const badId = await get(base, '/v1/sessions/current', { ...auth, 'x-request-id': 'not ok!' })
    expect(badId.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('leaves every other answer to the framework: 401s, other methods and URLs, a body', async () => {
    const { token } = await signUpAndLogin(s)
    await get(base, '/v1/sessions/current', { authorization: `Bearer ${token}` })
    const before = fastServed(s)
    const cases: Array<[string, Record<string, string>, string]> = [
      ['/v1/sessions/current', {}, 'GET'],
      ['/v1/sessions/current', { authorization: 'Bearer nope' }, 'GET'],
      ['/v1/sessions/current', { authorization: `Basic ${token}` }, 'GET'],
      ['/v1/sessions/current', { authorization: `Bearer ${'x'.repeat(129)}` }, 'GET'],
      ['/v1/sessions/current', { cookie: 'gh_session=' }, 'GET'],
      // An Authorization header that is not a Bearer token wins over a good cookie, as in the route.
      ['/v1/sessions/current', { authorization: 'Basic abc', cookie: `gh_session=${token}` }, 'GET'],
    ]
    for (const [path, headers, method] of cases) {
      const viaSocket = await get(base, path, { ...headers, 'x-request-id': 'same' }, method)
      const viaFramework = await call(s, 'GET', path, { headers: { ...headers, 'x-request-id': 'same' } })
      expect(viaSocket.status).toBe(401)
      expect(viaSocket.body).toBe(viaFramework.body)
      expect(comparable(viaSocket.headers)).toEqual(comparable(viaFramework.headers))
      expect(viaSocket.headers['content-type']).toBe('application/problem+json; charset=utf-8')
    }
    // Same token, but not the exact URL, or not GET: Fastify answers (and the answers still agree).
    const query = await get(base, '/v1/sessions/current?x=1', { authorization: `Bearer ${token}` })
    expect(query.status).toBe(200)
    const head = await get(base, '/v1/sessions/current', { authorization: `Bearer ${token}` }, 'HEAD')
    expect(head.status).toBe(200)
    const withBody = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${base}/v1/sessions/current`,
        { method: 'GET', headers: { authorization: `Bearer ${token}`, 'content-length': '2' }, agent: false },
        (res) => {
          res.resume()
          resolve(res.statusCode ?? 0)
        },
      )
      req.on('error', reject)
      req.end('{}')
    })
    expect(withBody).toBeGreaterThanOrEqual(200)
    expect(fastServed(s)).toBe(before)
  })

  it('sees a logout, an expiry and a touch at once: nothing is cached', async () => {
    const { token } = await signUpAndLogin(s)
    const auth = { authorization: `Bearer ${token}` }
    await get(base, '/v1/sessions/current', auth)
    const a = await get(base, '/v1/sessions/current', auth)
    expect(a.status).toBe(200)

    // The touch: past the touch interval, last_seen_at moves, in the fast answer as in Fastify's.
    s.clock.advance(61_000)
    const touched = await get(base, '/v1/sessions/current', auth)
    expect(touched.status).toBe(200)
    expect(JSON.parse(touched.body).session.last_seen_at).toBe(new Date(s.clock.now()).toISOString())
    expect(touched.body).toBe((await call(s, 'GET', '/v1/sessions/current', { token })).body)

    const out = await call(s, 'DELETE', '/v1/sessions/current', { token })
    expect(out.status).toBe(204)
    const after = await get(base, '/v1/sessions/current', auth)
    expect(after.status).toBe(401)
    expect(JSON.parse(after.body).code).toBe('unauthenticated')

    const other = await signUpAndLogin(s)
    expect((await get(base, '/v1/sessions/current', { authorization: `Bearer ${other.token}` })).status).toBe(
      200,
    )
    s.clock.advance(31 * 24 * 3600_000)
    expect((await get(base, '/v1/sessions/current', { authorization: `Bearer ${other.token}` })).status).toBe(
      401,
    )
  })

  it('answers a session that must change its password with the flag, as the route does', async () => {
    const who = freshUser('admin')
    const { password } = await s.app.services.accounts.createAdmin({
      username: who.username,
      email: who.email,
    })
    const login = await api(s).POST('/v1/sessions', { body: { identifier: who.username, password } })
    const token = opened(login.data).token
    const before = fastServed(s)
    const fast = await get(base, '/v1/sessions/current', { authorization: `Bearer ${token}` })
    expect(fastServed(s)).toBe(before + 1)
    expect(JSON.parse(fast.body).account.must_change_password).toBe(true)
    expect(fast.body).toBe((await call(s, 'GET', '/v1/sessions/current', { token })).body)
  })

  it('counts its answers in the request metrics under the route', async () => {
    const { token } = await signUpAndLogin(s)
    const count = async () => {
      const line = (await s.app.metrics.registry.metrics())
        .split('\n')
        .find(
          (l) =>
            l.startsWith('gatehouse_http_request_duration_seconds_count') &&
            l.includes('route="/v1/sessions/current"') &&
            l.includes('status="200"'),
        )
      return Number(line?.split(' ').at(-1) ?? 0)
    }
    const before = await count()
    for (let i = 0; i < 5; i++) await get(base, '/v1/sessions/current', { authorization: `Bearer ${token}` })
    expect(await count()).toBe(before + 5)
  })

  it('hands the check to the framework while draining, which closes the connection', async () => {
    const { token } = await signUpAndLogin(s)
    await get(base, '/v1/sessions/current', { authorization: `Bearer ${token}` })
    const before = fastServed(s)
    await s.app.drain(0)
    const r = await get(base, '/v1/sessions/current', { authorization: `Bearer ${token}` })
    expect(r.status).toBe(200)
    expect(r.headers.connection).toBe('close')
    expect(fastServed(s)).toBe(before)
  })
})

describe('session checks with a minimum client version', () => {
  let s: TestServer
  let base: string
  beforeAll(async () => {
    s = await createTestServer('sqlite', { GATEHOUSE_MIN_CLIENT_VERSION: '2.0.0' })
    base = await listen(s)
  })
  afterAll(async () => {
    await s?.close()
  })

  it('leaves the version check to the framework: an outdated client gets 426 even with a live session', async () => {
    const { token } = await signUpAndLogin(s)
    const auth = { authorization: `Bearer ${token}` }
    expect((await get(base, '/v1/sessions/current', auth)).status).toBe(200)
    expect((await get(base, '/v1/sessions/current', auth)).status).toBe(200)
    const served = fastServed(s)
    const old = await get(base, '/v1/sessions/current', { ...auth, 'x-client-version': '1.9.9' })
    expect(old.status).toBe(426)
    expect(JSON.parse(old.body).code).toBe('client_outdated')
    const current = await get(base, '/v1/sessions/current', { ...auth, 'x-client-version': '2.1.0' })
    expect(current.status).toBe(200)
    expect(fastServed(s)).toBe(served)
  })
})
