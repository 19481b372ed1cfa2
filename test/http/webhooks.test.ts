import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { verifyWebhookSignature } from '@gatehouse/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { webhookHeaders } from '../../src/modules/webhooks/signature.js'
import { api, type Body, problem, rawBody } from '../helpers/api.js'
import { databaseKinds } from '../helpers/databases.js'
import {
  adminSession,
  call,
  createTestServer,
  freshUser,
  signUpAndLogin,
  type TestServer,
} from '../helpers/server.js'

type EventType = Body<'/v1/admin/webhooks', 'post'>['event_types'][number]

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

  const asAdmin = () => api(server, { token: admin })
  const create = async (url: string, eventTypes: EventType[], description?: string) => {
    const r = await asAdmin().POST('/v1/admin/webhooks', {
      body: { url, event_types: eventTypes, ...(description !== undefined ? { description } : {}) },
    })
    return { status: r.response.status, hook: r.data! }
  }
  const remove = (id: string) => asAdmin().DELETE('/v1/admin/webhooks/{id}', { params: { path: { id } } })
  const deliveries = async (id: string, limit?: number) => {
    const r = await asAdmin().GET('/v1/admin/webhooks/{id}/deliveries', {
      params: { path: { id }, ...(limit !== undefined ? { query: { limit } } : {}) },
    })
    return { status: r.response.status, deliveries: r.data!.deliveries }
  }
  const adminEvents = async (type: string) =>
    (await asAdmin().GET('/v1/admin/events', { params: { query: { type } } })).data!.events

  /** One authn_login_fail event (an unknown identifier), from a given address. */
  const failedLogin = (ip = '198.51.100.7') =>
    api(server, { ip }).POST('/v1/sessions', {
      body: { identifier: freshUser().username, password: 'not the password at all' },
    })

  it('creates a webhook, shows its secret once, lists it without, and records the change', async () => {
    const created = await create(
      'https://hooks.example.test/in',
      ['authn_login_fail', 'guard_detection'],
      'SIEM',
    )
    expect(created.status).toBe(201)
    expect(created.hook).toMatchObject({
      url: 'https://hooks.example.test/in',
      event_types: ['authn_login_fail', 'guard_detection'],
      description: 'SIEM',
    })
    expect(created.hook.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/)
    const list = await asAdmin().GET('/v1/admin/webhooks')
    expect(list.response.status).toBe(200)
    const listed = list.data!.webhooks.find((w) => w.id === created.hook.id)
    expect(listed).toEqual({
      id: created.hook.id,
      url: 'https://hooks.example.test/in',
      event_types: ['authn_login_fail', 'guard_detection'],
      description: 'SIEM',
      created_at: created.hook.created_at,
    })
    expect(rawBody(list.response)).not.toContain('whsec_')
    const doc = await call(server, 'GET', '/openapi.json')
    expect(Object.keys(doc.json.paths)).toEqual(
      expect.arrayContaining([
        '/v1/admin/webhooks',
        '/v1/admin/webhooks/{id}',
        '/v1/admin/webhooks/{id}/deliveries',
      ]),
    )
    const events = await adminEvents('webhook_created')
    expect(events[0]!.details).toEqual({
      webhook_id: created.hook.id,
      host: 'hooks.example.test',
      event_types: ['authn_login_fail', 'guard_detection'],
    })
    expect((await remove(created.hook.id)).response.status).toBe(204)
  })

  it('refuses users, anonymous callers, unknown event types and URLs that are not http(s)', async () => {
    const { token } = await signUpAndLogin(server)
    const asUser = await api(server, { token }).POST('/v1/admin/webhooks', {
      body: { url: 'https://hooks.example.test/', event_types: ['authn_login_fail'] },
    })
    expect(asUser.response.status).toBe(403)
    expect(problem(asUser.error).code).toBe('admin_required')
    expect(problem((await api(server, { token }).GET('/v1/admin/webhooks')).error).code).toBe(
      'admin_required',
    )
    expect((await api(server).GET('/v1/admin/webhooks')).response.status).toBe(401)
    for (const [url, types] of [
      ['https://hooks.example.test/', ['no_such_event']],
      ['https://hooks.example.test/', []],
      ['https://hooks.example.test/', Array.from({ length: 21 }, () => 'authn_login_fail')],
      ['ftp://hooks.example.test/', ['authn_login_fail']],
      ['javascript:alert(1)', ['authn_login_fail']],
      ['not a url', ['authn_login_fail']],
      ['https://user:pw@hooks.example.test/', ['authn_login_fail']],
    ] as const) {
      // Raw: event types and URLs outside the route's schema.
      const res = await call(server, 'POST', '/v1/admin/webhooks', {
        token: admin,
        body: { url, event_types: [...types] },
      })
      expect(res.status, `${url} ${types.join(',')}`).toBe(400)
      expect(problem(res.json).code).toBe('invalid_request')
    }
    const unknown = await remove('no-such-hook')
    expect(unknown.response.status).toBe(404)
    expect(problem(unknown.error).code).toBe('not_found')
    expect(
      problem(
        (
          await asAdmin().GET('/v1/admin/webhooks/{id}/deliveries', {
            params: { path: { id: 'no-such-hook' } },
          })
        ).error,
      ).code,
    ).toBe('not_found')
  })

  it('delivers subscribed events, signed, and nothing of other types', async () => {
    const receiver = await startReceiver()
    try {
      const created = (await create(receiver.url, ['authn_login_fail'])).hook
      const secret = created.secret
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
      const log = await deliveries(created.id)
      expect(log.deliveries).toMatchObject([
        { message_id: body.id, event_type: 'authn_login_fail', attempt: 1, status_code: 200, error: null },
      ])
      await remove(created.id)
    } finally {
      await receiver.close()
    }
  })

  it('retries a failed delivery with backoff, and logs every try', async () => {
    const receiver = await startReceiver([500, 302, 200])
    try {
      const created = (await create(receiver.url, ['authn_login_fail'])).hook
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
      const secret = created.secret
      const last = receiver.received[2]!
      expect(verifyWebhookSignature(secret, last.headers, last.body, { now: server.clock.now() })).toBe(true)
      const log = await deliveries(created.id, 10)
      expect(log.status).toBe(200)
      expect(log.deliveries).toMatchObject([
        { attempt: 3, status_code: 200, error: null },
        { attempt: 2, status_code: 302, error: 'redirect 302 not followed' },
        { attempt: 1, status_code: 500, error: 'HTTP 500' },
      ])
      for (const d of log.deliveries) expect(d.duration_ms).toBeGreaterThanOrEqual(0)
      await remove(created.id)
    } finally {
      await receiver.close()
    }
  })

  it('logs a receiver that does not answer as a network error', async () => {
    const receiver = await startReceiver()
    await receiver.close()
    const created = (await create(receiver.url, ['authn_login_fail'])).hook
    await failedLogin()
    await server.deliver()
    const log = await deliveries(created.id)
    expect(log.deliveries).toHaveLength(1)
    expect(log.deliveries[0]).toMatchObject({ attempt: 1, status_code: null })
    expect(log.deliveries[0]!.error).toMatch(/^network error/)
    await remove(created.id)
  })

  it('sends nothing more to a deleted webhook, not even messages already queued', async () => {
    const receiver = await startReceiver()
    try {
      const created = (await create(receiver.url, ['authn_login_fail'])).hook
      await failedLogin() // queued, not yet delivered
      const del = await remove(created.id)
      expect(del.response.status).toBe(204)
      await failedLogin()
      await server.deliver()
      expect(receiver.received).toHaveLength(0)
      expect((await remove(created.id)).response.status).toBe(404)
      const list = (await asAdmin().GET('/v1/admin/webhooks')).data!
      expect(list.webhooks.map((w) => w.id)).not.toContain(created.id)
      const events = await adminEvents('webhook_deleted')
      expect(events[0]!.details).toEqual({ webhook_id: created.id })
    } finally {
      await receiver.close()
    }
  })
})
