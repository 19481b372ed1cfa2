import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, problem, type Query, rawBody } from '../helpers/api.js'
import { databaseKinds } from '../helpers/databases.js'
import { call, createTestServer, signUpAndLogin, type TestServer } from '../helpers/server.js'

const DAY = 86_400_000

describe.each(databaseKinds())("the holder's own security history on %s", (kind) => {
  let server: TestServer
  beforeAll(async () => {
    server = await createTestServer(kind)
  })
  afterAll(async () => {
    await server?.close()
  })

  it('lists the account’s own events, newest first, page by page', async () => {
    const { user, token } = await signUpAndLogin(server)
    const other = await signUpAndLogin(server)
    for (let i = 0; i < 3; i++) {
      await api(server).POST('/v1/sessions', {
        body: { identifier: user.username, password: `nope ${i} nope` },
      })
    }
    await api(server).POST('/v1/recovery', { body: { identifier: user.username } })
    await server.deliver()

    const events = (query: Query<'/v1/me/events'>, t = token) =>
      api(server, { token: t }).GET('/v1/me/events', { params: { query } })
    const all = await events({ limit: 100 })
    expect(all.response.status).toBe(200)
    const types = all.data!.events.map((e) => e.type)
    expect(types).toEqual(
      expect.arrayContaining(['account_created', 'account_email_verified', 'authn_login_success']),
    )
    expect(types.filter((t) => t === 'authn_login_fail')).toHaveLength(3)
    expect(types).toContain('authn_password_reset_requested')
    const ids = all.data!.events.map((e) => e.id)
    expect(ids).toEqual([...ids].sort((a, b) => b - a))
    expect(all.data!.next_before).toBeNull()
    // Nothing of the other account, and no contact data in any of it.
    const otherAccount = await server.app.store.accounts.findByUsername(other.user.username)
    expect(rawBody(all.response)).not.toContain(otherAccount!.id)
    expect(rawBody(all.response)).not.toContain(user.email)

    const first = (await events({ limit: 2 })).data!
    expect(first.events).toHaveLength(2)
    expect(first.next_before).toBe(first.events[1]!.id)
    const second = (await events({ limit: 2, before: first.next_before! })).data!
    expect(second.events.map((e) => e.id)).toEqual(ids.slice(2, 4))
    const ownOfOther = (await api(server, { token: other.token }).GET('/v1/me/events')).data!
    expect(ownOfOther.events.every((e) => !ids.includes(e.id))).toBe(true)
  })

  it('refuses bad paging and anonymous callers', async () => {
    const { token } = await signUpAndLogin(server)
    for (const q of ['limit=0', 'limit=101', 'limit=x', 'before=-1', 'before=1.5', 'sort=asc']) {
      // Raw: query strings outside the route's schema.
      const res = await call(server, 'GET', `/v1/me/events?${q}`, { token })
      expect(res.status, q).toBe(400)
      expect(problem(res.json).code).toBe('invalid_request')
    }
    expect((await call(server, 'GET', '/v1/me/events')).status).toBe(401)
  })

  it('forgets events past the retention period', async () => {
    const { user, token } = await signUpAndLogin(server)
    const account = await server.app.store.accounts.findByUsername(user.username)
    const before = (await server.app.store.events.listForAccount(account!.id, 100)).length
    expect(before).toBeGreaterThan(0)
    server.clock.advance(2 * DAY)
    await api(server).POST('/v1/sessions', {
      body: { identifier: user.username, password: 'wrong one here' },
    })
    const deleted = await server.app.store.events.deleteBefore(server.clock.now() - DAY)
    expect(deleted).toBeGreaterThanOrEqual(before)
    const left = await server.app.store.events.listForAccount(account!.id, 100)
    expect(left.map((e) => e.type)).toEqual(['authn_login_fail'])
    expect(token).toBeTruthy()
  })
})
