/**
 * Invariant: old clients are refused — below GATEHOUSE_MIN_CLIENT_VERSION every
 * route answers 426 client_outdated, and the refusal is recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, createTestServer, type TestServer } from '../helpers/server.js'

describe('minimum client version', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await createTestServer('sqlite', { GATEHOUSE_MIN_CLIENT_VERSION: '3.2.0' })
  })
  afterAll(async () => {
    await server?.close()
  })

  it('refuses an older client on every route with 426 and records an event', async () => {
    const doc = await call(server, 'GET', '/openapi.json')
    let routes = 0
    for (const [path, methods] of Object.entries(doc.json.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(methods)) {
        const res = await call(server, method.toUpperCase() as 'GET', path.replace(/\{[^}]+\}/g, 'x'), {
          headers: { 'x-client-version': '3.1.9' },
          ...(method === 'get' || method === 'delete' ? {} : { body: { identifier: 'someone' } }),
        })
        expect(res.status, `${method} ${path}`).toBe(426)
        expect(res.json.code).toBe('client_outdated')
        expect(res.json.min_version).toBe('3.2.0')
        routes += 1
      }
    }
    expect(routes).toBeGreaterThan(10)
    const rows = await server.app.database.db
      .selectFrom('security_events')
      .selectAll()
      .where('type', '=', 'client_outdated')
      .execute()
    expect(rows.length).toBe(routes)
    expect(JSON.parse(rows[0]!.details)).toEqual({ version: '3.1.9' })
  })

  it('lets the minimum version, newer ones and clients that send no version through', async () => {
    for (const v of ['3.2.0', '3.10.1', '4.0.0-beta.1']) {
      expect((await call(server, 'GET', '/healthz', { headers: { 'x-client-version': v } })).status).toBe(200)
    }
    expect((await call(server, 'GET', '/healthz')).status).toBe(200)
    expect(
      (await call(server, 'GET', '/healthz', { headers: { 'x-client-version': 'garbage' } })).status,
    ).toBe(426)
  })
})
