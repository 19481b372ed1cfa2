import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, problem, type Query } from '../helpers/api.js'
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
    await api(server, { ip: '203.0.113.44' }).POST('/v1/sessions', {
      body: { identifier: user.username, password: 'not the password' },
    })
    const events = (query: Query<'/v1/admin/events'>) =>
      api(server, { token }).GET('/v1/admin/events', { params: { query } })
    const all = await events({ limit: 500 })
    expect(all.response.status).toBe(200)
    expect(all.data!.events.length).toBeGreaterThan(5)
    const byAccount = (await events({ account_id: account!.id })).data!
    expect(byAccount.events.every((e) => e.account_id === account!.id)).toBe(true)
    const fails = (await events({ type: 'authn_login_fail', ip: '203.0.113.44' })).data!
    expect(fails.events).toHaveLength(1)
    expect(fails.events[0]).toMatchObject({
      account_id: account!.id,
      subnet: '203.0.113.0/24',
      details: { reason: 'bad_password' },
    })
    const now = new Date(server.clock.now())
    const later = new Date(server.clock.now() + 1000).toISOString()
    expect((await events({ since: later })).data!.events).toEqual([])
    expect((await events({ until: now.toISOString() })).data!.events.length).toBe(0)
    const page1 = (await events({ limit: 3 })).data!
    const page2 = (await events({ limit: 3, before: page1.next_before! })).data!
    const ids = [...page1.events, ...page2.events].map((e) => e.id)
    expect(ids).toEqual(all.data!.events.slice(0, 6).map((e) => e.id))
  })

  it('refuses users, administrators without a second factor, anonymous callers and bad filters', async () => {
    const user = await signUpAndLogin(server)
    const asUser = await api(server, { token: user.token }).GET('/v1/admin/events')
    expect(asUser.response.status).toBe(403)
    expect(problem(asUser.error).code).toBe('admin_required')
    expect((await api(server).GET('/v1/admin/events')).response.status).toBe(401)
    const token = await adminSession(server)
    for (const q of ['limit=0', 'limit=501', 'since=yesterday', 'before=x', 'colour=red']) {
      // Raw: query strings outside the route's schema.
      const res = await call(server, 'GET', `/v1/admin/events?${q}`, { token })
      expect(res.status, q).toBe(400)
    }
    // With the MFA policy off for administrators, an administrator still needs a factor here.
    const open = await createTestServer(kind, { GATEHOUSE_MFA_REQUIRED_ROLES: 'none' })
    try {
      const noFactor = await adminSession(open, false)
      const res = await api(open, { token: noFactor }).GET('/v1/admin/events')
      expect(res.response.status).toBe(403)
      expect(problem(res.error).code).toBe('admin_required')
    } finally {
      await open.close()
    }
  })
})
