import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { databaseKinds } from '../helpers/databases.js'
import { adminSession, call, createTestServer, signUpAndLogin, type TestServer } from '../helpers/server.js'

describe.each(databaseKinds())('the admin events API on %s', (kind) => {
  let server: TestServer
  beforeAll(async () => {
    server = await createTestServer(kind)
  })
  afterAll(async () => {
    await server?.close()
  })

  it('lists every account’s events to an administrator with a factor, with filters and paging', async () => {
    const token = await adminSession(server)
    const { user } = await signUpAndLogin(server)
    const account = await server.app.store.accounts.findByUsername(user.username)
    await call(server, 'POST', '/v1/sessions', {
      body: { identifier: user.username, password: 'not the password' },
      ip: '203.0.113.44',
    })
    const all = await call(server, 'GET', '/v1/admin/events?limit=500', { token })
    expect(all.status).toBe(200)
    expect(all.json.events.length).toBeGreaterThan(5)
    const byAccount = await call(server, 'GET', `/v1/admin/events?account_id=${account!.id}`, { token })
    expect(byAccount.json.events.every((e: { account_id: string }) => e.account_id === account!.id)).toBe(
      true,
    )
    const fails = await call(server, 'GET', '/v1/admin/events?type=authn_login_fail&ip=203.0.113.44', {
      token,
    })
    expect(fails.json.events).toHaveLength(1)
    expect(fails.json.events[0]).toMatchObject({
      account_id: account!.id,
      subnet: '203.0.113.0/24',
      details: { reason: 'bad_password' },
    })
    const now = new Date(server.clock.now())
    const later = new Date(server.clock.now() + 1000).toISOString()
    expect(
      (await call(server, 'GET', `/v1/admin/events?since=${encodeURIComponent(later)}`, { token })).json
        .events,
    ).toEqual([])
    expect(
      (
        await call(server, 'GET', `/v1/admin/events?until=${encodeURIComponent(now.toISOString())}`, {
          token,
        })
      ).json.events.length,
    ).toBe(0)
    const page1 = await call(server, 'GET', '/v1/admin/events?limit=3', { token })
    const page2 = await call(server, 'GET', `/v1/admin/events?limit=3&before=${page1.json.next_before}`, {
      token,
    })
    const ids = [...page1.json.events, ...page2.json.events].map((e: { id: number }) => e.id)
    expect(ids).toEqual(all.json.events.slice(0, 6).map((e: { id: number }) => e.id))
  })

  it('refuses users, administrators without a second factor, anonymous callers and bad filters', async () => {
    const user = await signUpAndLogin(server)
    const asUser = await call(server, 'GET', '/v1/admin/events', { token: user.token })
    expect(asUser.status).toBe(403)
    expect(asUser.json.code).toBe('admin_required')
    expect((await call(server, 'GET', '/v1/admin/events')).status).toBe(401)
    const token = await adminSession(server)
    for (const q of ['limit=0', 'limit=501', 'since=yesterday', 'before=x', 'colour=red']) {
      const res = await call(server, 'GET', `/v1/admin/events?${q}`, { token })
      expect(res.status, q).toBe(400)
    }
    // With the MFA policy off for administrators, an administrator still needs a factor here.
    const open = await createTestServer(kind, { GATEHOUSE_MFA_REQUIRED_ROLES: 'none' })
    try {
      const noFactor = await adminSession(open, false)
      const res = await call(open, 'GET', '/v1/admin/events', { token: noFactor })
      expect(res.status).toBe(403)
      expect(res.json.code).toBe('admin_required')
    } finally {
      await open.close()
    }
  })
})
