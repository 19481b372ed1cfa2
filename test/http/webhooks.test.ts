import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyWebhookSignature, webhookHeaders } from '../../src/modules/webhooks/verify.js'
import { databaseKinds } from '../helpers/databases.js'
import {
  adminSession,
  call,
  createTestServer,
  freshUser,
  signUpAndLogin,
  type TestServer,
} from '../helpers/server.js'

interface Received {
  method: string
  headers: IncomingHttpHeaders
  body: string
}

/** A real HTTP endpoint on loopback that records what it gets and answers with the next queued status. */
const startReceiver = async (statuses: number[] = []) => {
  const received: Received[] = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      })
      const status = statuses.shift() ?? 200
      if (status >= 300 && status < 400) res.setHeader('location', `${url}elsewhere`)
      res.writeHead(status).end('ok')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
  return {
    url,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

describe.each(databaseKinds())('webhooks on %s', (kind) => {
  let server: TestServer
  let admin: string
  beforeAll(async () => {
    // The receivers below listen on loopback.
    server = await createTestServer(kind, { GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: 'true' })
    admin = await adminSession(server)
  })
  afterAll(async () => {
    await server?.close()
  })

  const create = (url: string, eventTypes: string[], description?: string) =>
    call(server, 'POST', '/v1/admin/webhooks', {
      token: admin,
      body: { url, event_types: eventTypes, ...(description !== undefined ? { description } : {}) },
    })

  /** One authn_login_fail event (an unknown identifier), from a given address. */
  const failedLogin = (ip = '198.51.100.7') =>
    call(server, 'POST', '/v1/sessions', {
      body: { identifier: freshUser().username, password: 'not the password at all' },
      ip,
    })

  it('creates a webhook, shows its secret once, lists it without, and records the change', async () => {
    const created = await create(
      'https://hooks.example.test/in',
      ['authn_login_fail', 'guard_detection'],
      'SIEM',
    )
    expect(created.status).toBe(201)
    expect(created.json).toMatchObject({
      url: 'https://hooks.example.test/in',
      event_types: ['authn_login_fail', 'guard_detection'],
      description: 'SIEM',
    })
    expect(created.json.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/)
    const list = await call(server, 'GET', '/v1/admin/webhooks', { token: admin })
    expect(list.status).toBe(200)
    const listed = list.json.webhooks.find((w: { id: string }) => w.id === created.json.id)
    expect(listed).toEqual({
      id: created.json.id,
      url: 'https://hooks.example.test/in',
      event_types: ['authn_login_fail', 'guard_detection'],
      description: 'SIEM',
      created_at: created.json.created_at,
    })
    expect(list.body).not.toContain('whsec_')
    const doc = await call(server, 'GET', '/openapi.json')
    expect(Object.keys(doc.json.paths)).toEqual(
      expect.arrayContaining([
        '/v1/admin/webhooks',
        '/v1/admin/webhooks/{id}',
        '/v1/admin/webhooks/{id}/deliveries',
      ]),
    )
    const events = await call(server, 'GET', '/v1/admin/events?type=webhook_created', { token: admin })
    expect(events.json.events[0].details).toEqual({
      webhook_id: created.json.id,
      host: 'hooks.example.test',
      event_types: ['authn_login_fail', 'guard_detection'],
    })
    expect(
      (await call(server, 'DELETE', `/v1/admin/webhooks/${created.json.id}`, { token: admin })).status,
    ).toBe(204)
  })

  it('refuses users, anonymous callers, unknown event types and URLs that are not http(s)', async () => {
    const { token } = await signUpAndLogin(server)
    const asUser = await call(server, 'POST', '/v1/admin/webhooks', {
      token,
      body: { url: 'https://hooks.example.test/', event_types: ['authn_login_fail'] },
    })
    expect(asUser.status).toBe(403)
    expect(asUser.json.code).toBe('admin_required')
    expect((await call(server, 'GET', '/v1/admin/webhooks', { token })).json.code).toBe('admin_required')
    expect((await call(server, 'GET', '/v1/admin/webhooks')).status).toBe(401)
    for (const [url, types] of [
      ['https://hooks.example.test/', ['no_such_event']],
      ['https://hooks.example.test/', []],
      ['https://hooks.example.test/', Array.from({ length: 21 }, () => 'authn_login_fail')],
      ['ftp://hooks.example.test/', ['authn_login_fail']],
      ['javascript:alert(1)', ['authn_login_fail']],
      ['not a url', ['authn_login_fail']],
      ['https://user:pw@hooks.example.test/', ['authn_login_fail']],
    ] as const) {
      const res = await create(url, [...types])
      expect(res.status, `${url} ${types.join(',')}`).toBe(400)
      expect(res.json.code).toBe('invalid_request')
    }
    const unknown = await call(server, 'DELETE', '/v1/admin/webhooks/no-such-hook', { token: admin })
    expect(unknown.status).toBe(404)
    expect(unknown.json.code).toBe('not_found')
    expect(
      (await call(server, 'GET', '/v1/admin/webhooks/no-such-hook/deliveries', { token: admin })).json.code,
    ).toBe('not_found')
  })

  it('delivers subscribed events, signed, and nothing of other types', async () => {
    const receiver = await startReceiver()
    try {
      const created = await create(receiver.url, ['authn_login_fail'])
      const secret = created.json.secret as string
      await signUpAndLogin(server) // authn_login_success and others: not subscribed
      await failedLogin('198.51.100.7')
      await server.deliver()
      expect(receiver.received).toHaveLength(1)
      const [got] = receiver.received
      expect(got!.method).toBe('POST')
      expect(got!.headers['content-type']).toBe('application/json')
      const body = JSON.parse(got!.body)
      expect(body).toMatchObject({
        type: 'authn_login_fail',
        account_id: null,
        ip: '198.51.100.7',
        time: new Date(server.clock.now()).toISOString(),
        details: { reason: 'unknown_identifier' },
      })
      expect(body.id).toBe(got!.headers[webhookHeaders.id])
      expect(typeof body.request_id).toBe('string')
      expect(got!.headers[webhookHeaders.timestamp]).toBe(String(Math.floor(server.clock.now() / 1000)))
      expect(got!.headers[webhookHeaders.signature]).toMatch(/^v1=[0-9a-f]{64}$/)
      const now = server.clock.now()
      expect(verifyWebhookSignature(secret, got!.headers, got!.body, { now })).toBe(true)
      expect(
        verifyWebhookSignature(secret, got!.headers, got!.body.replace('198.51.100.7', '10.0.0.1'), { now }),
      ).toBe(false)
      expect(verifyWebhookSignature(secret, got!.headers, got!.body, { now: now + 301_000 })).toBe(false)
      expect(verifyWebhookSignature(`${secret}x`, got!.headers, got!.body, { now })).toBe(false)
      const log = await call(server, 'GET', `/v1/admin/webhooks/${created.json.id}/deliveries`, {
        token: admin,
      })
      expect(log.json.deliveries).toMatchObject([
        { message_id: body.id, event_type: 'authn_login_fail', attempt: 1, status_code: 200, error: null },
      ])
      await call(server, 'DELETE', `/v1/admin/webhooks/${created.json.id}`, { token: admin })
    } finally {
      await receiver.close()
    }
  })

  it('retries a failed delivery with backoff, and logs every try', async () => {
    const receiver = await startReceiver([500, 302, 200])
    try {
      const created = await create(receiver.url, ['authn_login_fail'])
      await failedLogin()
      await server.deliver()
      expect(receiver.received).toHaveLength(1)
      await server.deliver()
      expect(receiver.received).toHaveLength(1) // not due before the backoff
      server.clock.advance(6_000)
      await server.deliver()
      expect(receiver.received).toHaveLength(2) // a redirect is not followed: a failure
      server.clock.advance(12_000)
      await server.deliver()
      expect(receiver.received).toHaveLength(3)
      const ids = new Set(receiver.received.map((r) => r.headers[webhookHeaders.id]))
      expect(ids.size).toBe(1)
      const secret = created.json.secret as string
      const last = receiver.received[2]!
      expect(verifyWebhookSignature(secret, last.headers, last.body, { now: server.clock.now() })).toBe(true)
      const log = await call(server, 'GET', `/v1/admin/webhooks/${created.json.id}/deliveries?limit=10`, {
        token: admin,
      })
      expect(log.status).toBe(200)
      expect(log.json.deliveries).toMatchObject([
        { attempt: 3, status_code: 200, error: null },
        { attempt: 2, status_code: 302, error: 'redirect 302 not followed' },
        { attempt: 1, status_code: 500, error: 'HTTP 500' },
      ])
      for (const d of log.json.deliveries) expect(d.duration_ms).toBeGreaterThanOrEqual(0)
      await call(server, 'DELETE', `/v1/admin/webhooks/${created.json.id}`, { token: admin })
    } finally {
      await receiver.close()
    }
  })

  it('logs a receiver that does not answer as a network error', async () => {
    const receiver = await startReceiver()
    await receiver.close()
    const created = await create(receiver.url, ['authn_login_fail'])
    await failedLogin()
    await server.deliver()
    const log = await call(server, 'GET', `/v1/admin/webhooks/${created.json.id}/deliveries`, {
      token: admin,
    })
    expect(log.json.deliveries).toHaveLength(1)
    expect(log.json.deliveries[0]).toMatchObject({ attempt: 1, status_code: null })
    expect(log.json.deliveries[0].error).toMatch(/^network error/)
    await call(server, 'DELETE', `/v1/admin/webhooks/${created.json.id}`, { token: admin })
  })

  it('sends nothing more to a deleted webhook, not even messages already queued', async () => {
    const receiver = await startReceiver()
    try {
      const created = await create(receiver.url, ['authn_login_fail'])
      await failedLogin() // queued, not yet delivered
      const del = await call(server, 'DELETE', `/v1/admin/webhooks/${created.json.id}`, { token: admin })
      expect(del.status).toBe(204)
      await failedLogin()
      await server.deliver()
      expect(receiver.received).toHaveLength(0)
      expect(
        (await call(server, 'DELETE', `/v1/admin/webhooks/${created.json.id}`, { token: admin })).status,
      ).toBe(404)
      const list = await call(server, 'GET', '/v1/admin/webhooks', { token: admin })
      expect(list.json.webhooks.map((w: { id: string }) => w.id)).not.toContain(created.json.id)
      const events = await call(server, 'GET', '/v1/admin/events?type=webhook_deleted', { token: admin })
      expect(events.json.events[0].details).toEqual({ webhook_id: created.json.id })
    } finally {
      await receiver.close()
    }
  })
})
