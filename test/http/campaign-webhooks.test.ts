import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Answer, api, type Body, rawBody } from '../helpers/api.js'
import { databaseKinds } from '../helpers/databases.js'
import { adminSession, createTestServer, signUpAndLogin, type TestServer } from '../helpers/server.js'
import { isStrictMessageId } from '../helpers/smtp-sink.js'

/*
 * Events recorded by campaigns reach webhooks like every other event (docs/webhooks.md: any type
 * can be subscribed): one delivery per account a campaign changed, for every action, in batches.
 */

const EVENT_OF = {
  force_password_reset: 'campaign_password_reset_forced',
  revoke_sessions: 'campaign_sessions_revoked',
  require_mfa_enrollment: 'campaign_mfa_enrolment_required',
  reset_lock: 'campaign_reset_lock_set',
  notify: 'campaign_notice_queued',
} as const

/** A webhook receiver on loopback keeping the JSON bodies it gets. */
const startReceiver = async () => {
  const bodies: Array<{ type: string; account_id: string; details: Record<string, unknown> }> = []
  const server: Server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => {
      body += c
    })
    req.on('end', () => {
      bodies.push(JSON.parse(body))
      res.writeHead(200).end('ok')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    bodies,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

describe.each(databaseKinds())('campaign events to webhooks on %s', (kind) => {
  let server: TestServer
  let admin: string
  let receiver: Awaited<ReturnType<typeof startReceiver>>
  const ids: string[] = []
  beforeAll(async () => {
    receiver = await startReceiver()
    server = await createTestServer(kind, {
      // The receiver is on loopback.
      GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: 'true',
      // Five accounts in three batches.
      GATEHOUSE_CAMPAIGN_BATCH_SIZE: '2',
      GATEHOUSE_CAMPAIGN_NOTIFY_PER_SECOND: '1000',
    })
    admin = await adminSession(server)
    for (let i = 0; i < 5; i++) {
      const { user } = await signUpAndLogin(server)
      ids.push((await server.app.store.accounts.findByUsername(user.username))!.id)
    }
  })
  afterAll(async () => {
    await server?.close()
    await receiver?.close()
  })

  const asAdmin = () => api(server, { token: admin })
  /** Starts a campaign; returns the answer and the campaign it created (a dry run in its place throws). */
  const start = async (body: Body<'/v1/admin/campaigns', 'post'>) => {
    const r = await asAdmin().POST('/v1/admin/campaigns', { body })
    const created = (data: typeof r.data): Answer<'/v1/admin/campaigns', 'post', 201> => {
      if (!data || !('id' in data))
        throw new Error(`no campaign: ${r.response.status} ${rawBody(r.response)}`)
      return data
    }
    return { status: r.response.status, body: rawBody(r.response), created: () => created(r.data) }
  }
  /** Runs the campaign's batches to its end (notices are paced: the clock moves on between batches). */
  const runToEnd = async (id: string) => {
    for (let i = 0; i < 10; i++) {
      await server.app.workers.campaigns.drain()
      const c = await asAdmin().GET('/v1/admin/campaigns/{id}', { params: { path: { id } } })
      if (c.data?.status === 'completed') return
      server.clock.advance(1_000)
    }
    throw new Error(`campaign ${id} did not complete`)
  }
  const counted = async (type: string) =>
    (await server.app.metrics.events.get()).values.find((v) => v.labels.type === type)?.value ?? 0

  it('delivers one signed message per account of a campaign subscribed to, for every action', async () => {
    const hook = await asAdmin().POST('/v1/admin/webhooks', {
      body: { url: receiver.url, event_types: ['campaign_password_reset_forced'] },
    })
    expect(hook.response.status).toBe(201)
    const started = await start({ selector: { kind: 'accounts', ids }, action: 'force_password_reset' })
    expect(started.status, started.body).toBe(201)
    const created = started.created()
    await runToEnd(created.id)
    await server.deliver()
    const forced = receiver.bodies.filter((b) => b.type === 'campaign_password_reset_forced')
    expect(forced).toHaveLength(5)
    expect(new Set(forced.map((b) => b.account_id))).toEqual(new Set(ids))
    for (const b of forced) expect(b.details).toEqual({ campaign_id: created.id, incident_id: null })
    expect(await counted('campaign_password_reset_forced')).toBe(5)
    await asAdmin().DELETE('/v1/admin/webhooks/{id}', { params: { path: { id: hook.data!.id } } })

    // Every other campaign event type, each subscribed to.
    const all = await asAdmin().POST('/v1/admin/webhooks', {
      body: { url: receiver.url, event_types: Object.values(EVENT_OF) },
    })
    expect(all.response.status).toBe(201)
    for (const action of ['revoke_sessions', 'require_mfa_enrollment', 'reset_lock', 'notify'] as const) {
      receiver.bodies.length = 0
      const res = await start({
        selector: { kind: 'accounts', ids },
        action,
        ...(action === 'notify'
          ? { params: { subject: 'About your account', text: 'Hello {{username}}, all is well.' } }
          : {}),
      })
      expect(res.status, res.body).toBe(201)
      await runToEnd(res.created().id)
      await server.deliver()
      const got = receiver.bodies.filter((b) => b.type === EVENT_OF[action])
      expect(got, action).toHaveLength(5)
      expect(new Set(got.map((b) => b.account_id)), action).toEqual(new Set(ids))
      expect(await counted(EVENT_OF[action]), action).toBe(5)
    }
    for (const m of server.smtp.messages) expect(isStrictMessageId(m.messageId), m.messageId).toBe(true)
  })
})
