/**
 * Invariant: a change (POST, PUT, PATCH, DELETE) authenticated by the session cookie is done only
 * when the browser shows it comes from a page of Gatehouse's own origin — `Sec-Fetch-Site:
 * same-origin`, else the public URL's `Origin`, else a JSON body — and is otherwise refused with
 * 403 `cross_site_request` before anything runs; a bearer token is never asked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { databaseKinds } from '../helpers/databases.js'
import {
  adminSession,
  call,
  createTestServer,
  freshUser,
  type JsonResponse,
  signUpAndLogin,
  type TestServer,
} from '../helpers/server.js'

type Method = 'POST' | 'PUT' | 'PATCH' | 'DELETE'
const PUBLIC_ORIGIN = 'https://id.example.test'

describe.each(databaseKinds())('changes by session cookie on %s', (kind) => {
  let server: TestServer
  let token: string
  let changes: Array<{ method: Method; url: string; path: string }>
  beforeAll(async () => {
    server = await createTestServer(kind)
    token = await adminSession(server)
    const doc = await call(server, 'GET', '/openapi.json')
    const operations = doc.json.paths as Record<
      string,
      Record<string, { security?: Array<Record<string, unknown>> }>
    >
    changes = Object.entries(operations).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(
          ([method, op]) =>
            ['post', 'put', 'patch', 'delete'].includes(method) && op.security?.some((s) => 'cookie' in s),
        )
        .map(([method]) => ({
          method: method.toUpperCase() as Method,
          path,
          url: path.replace(/\{[^}]+\}/g, 'abcdef'),
        })),
    )
  })
  afterAll(async () => {
    await server?.close()
  })

  const send = (method: Method, url: string, headers: Record<string, string>, body?: unknown) =>
    call(server, method, url, { headers, ...(body !== undefined ? { body } : {}) })
  const expectRefused = (res: JsonResponse, what: string) => {
    expect(res.status, `${what}: ${res.body.slice(0, 200)}`).toBe(403)
    expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/)
    expect(res.json.code, what).toBe('cross_site_request')
  }
  /** Not refused as cross-site, and the credential was taken (the session answered, not 401 unauthenticated). */
  const expectTaken = (res: JsonResponse, what: string) => {
    expect(res.json?.code, `${what}: ${res.status} ${res.body.slice(0, 200)}`).not.toBe('cross_site_request')
    expect(res.json?.code, `${what}: ${res.status} ${res.body.slice(0, 200)}`).not.toBe('unauthenticated')
  }
  /** Some changes end the session (log out, revoke all): a new one for the next request. */
  const liveToken = async () => {
    if ((await call(server, 'GET', '/v1/sessions/current', { token })).status !== 200)
      token = await adminSession(server)
    return token
  }

  it('covers every change the OpenAPI document offers to the cookie', () => {
    expect(changes.length).toBeGreaterThan(30)
    expect(changes.map((c) => `${c.method} ${c.path}`)).toEqual(
      expect.arrayContaining([
        'DELETE /v1/sessions/current',
        'POST /v1/admin/accounts/{id}/sessions/revoke',
        'POST /v1/admin/webhooks',
        'PUT /v1/me/reset-lock',
      ]),
    )
  })

  it('refuses a cookie-only change from another site or origin, or bodiless without either header', async () => {
    const cookie = { cookie: `gh_session=${await liveToken()}` }
    for (const { method, url } of changes) {
      const what = `${method} ${url}`
      expectRefused(
        await send(method, url, { ...cookie, 'sec-fetch-site': 'cross-site' }, {}),
        `${what} cross-site`,
      )
      expectRefused(
        await send(method, url, { ...cookie, 'sec-fetch-site': 'same-site' }, {}),
        `${what} same-site`,
      )
      // Sec-Fetch-Site decides, even beside the right Origin.
      expectRefused(
        await send(method, url, { ...cookie, 'sec-fetch-site': 'cross-site', origin: PUBLIC_ORIGIN }),
        `${what} cross-site with the public origin`,
      )
      expectRefused(
        await send(method, url, { ...cookie, origin: 'https://evil.example' }, {}),
        `${what} foreign Origin`,
      )
      expectRefused(await send(method, url, { ...cookie, origin: 'null' }), `${what} Origin null`)
      expectRefused(
        await send(method, url, { ...cookie, origin: 'https://id.example.test.evil.example' }),
        `${what} look-alike Origin`,
      )
      expectRefused(await send(method, url, cookie), `${what} bodiless, no headers`)
      expectRefused(
        await send(method, url, { ...cookie, 'content-type': 'text/plain' }),
        `${what} text/plain, no headers`,
      )
    }
    // Nothing was done: the session is still alive.
    expect((await call(server, 'GET', '/v1/sessions/current', { token })).status).toBe(200)
  })

  it('takes the same changes with a bearer token, from its own origin, and as JSON without either header', async () => {
    const foreign = { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' }
    for (const { method, url } of changes) {
      const what = `${method} ${url}`
      expectTaken(
        await send(method, url, { ...foreign, authorization: `Bearer ${await liveToken()}` }),
        `${what} bearer`,
      )
      expectTaken(
        await send(method, url, {
          cookie: `gh_session=${await liveToken()}`,
          'sec-fetch-site': 'same-origin',
        }),
        `${what} same-origin`,
      )
      expectTaken(
        await send(method, url, { cookie: `gh_session=${await liveToken()}`, 'sec-fetch-site': 'none' }),
        `${what} typed by the user`,
      )
      expectTaken(
        await send(method, url, { cookie: `gh_session=${await liveToken()}`, origin: PUBLIC_ORIGIN }),
        `${what} public Origin`,
      )
      expectTaken(await send(method, url, { cookie: `gh_session=${await liveToken()}` }, {}), `${what} JSON`)
    }
  })

  it('keeps the sessions of an account that a cross-site form tries to end, and ends them from its own origin', async () => {
    const { user, token: victim } = await signUpAndLogin(server, freshUser('victim'))
    const account = await server.app.store.accounts.findByUsername(user.username)
    const admin = await liveToken()
    const url = `/v1/admin/accounts/${account!.id}/sessions/revoke`
    expectRefused(
      await send('POST', url, { cookie: `gh_session=${admin}`, 'sec-fetch-site': 'cross-site' }),
      'cross-site form',
    )
    expectRefused(await send('DELETE', '/v1/sessions/current', { cookie: `gh_session=${victim}` }), 'logout')
    expect((await call(server, 'GET', '/v1/sessions/current', { token: victim })).status).toBe(200)
    const done = await send('POST', url, { cookie: `gh_session=${admin}`, 'sec-fetch-site': 'same-origin' })
    expect(done.status, done.body).toBe(200)
    expect((await call(server, 'GET', '/v1/sessions/current', { token: victim })).status).toBe(401)
  })

  it('asks nothing of reads by cookie, nor of changes without a session cookie', async () => {
    const cookie = { cookie: `gh_session=${await liveToken()}` }
    const read = await call(server, 'GET', '/v1/sessions/current', {
      headers: { ...cookie, 'sec-fetch-site': 'cross-site' },
    })
    expect(read.status).toBe(200)
    // Login from another origin carries no session cookie: not this rule's business.
    const login = await send(
      'POST',
      '/v1/sessions',
      { 'sec-fetch-site': 'cross-site' },
      { identifier: 'x', password: 'y' },
    )
    expect(login.json.code).toBe('invalid_credentials')
  })
})
