import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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
      await call(server, 'POST', '/v1/sessions', {
        body: { identifier: user.username, password: `nope ${i} nope` },
      })
    }
    await call(server, 'POST', '/v1/recovery', { body: { identifier: user.username } })
    await server.deliver()

    const all = await call(server, 'GET', '/v1/me/events?limit=100', { token })
    expect(all.status).toBe(200)
    const types = all.json.events.map((e: { type: string }) => e.type)
    expect(types).toEqual(
      expect.arrayContaining(['account_created', 'account_email_verified', 'authn_login_success']),
    )
    expect(types.filter((t: string) => t === 'authn_login_fail')).toHaveLength(3)
    expect(types).toContain('authn_password_reset_requested')
    const ids = all.json.events.map((e: { id: number }) => e.id)
    expect(ids).toEqual([...ids].sort((a, b) => b - a))
    expect(all.json.next_before).toBeNull()
    // Nothing of the other account, and no contact data in any of it.
    const otherAccount = await server.app.store.accounts.findByUsername(other.user.username)
    expect(all.body).not.toContain(otherAccount!.id)
    expect(all.body).not.toContain(user.email)

    const first = await call(server, 'GET', '/v1/me/events?limit=2', { token })
    expect(first.json.events).toHaveLength(2)
    expect(first.json.next_before).toBe(first.json.events[1].id)
    const second = await call(server, 'GET', `/v1/me/events?limit=2&before=${first.json.next_before}`, {
      token,
    })
    expect(second.json.events.map((e: { id: number }) => e.id)).toEqual(ids.slice(2, 4))
    const ownOfOther = await call(server, 'GET', '/v1/me/events', { token: other.token })
    expect(ownOfOther.json.events.every((e: { id: number }) => !ids.includes(e.id))).toBe(true)
  })

  it('refuses bad paging and anonymous callers', async () => {
    const { token } = await signUpAndLogin(server)
    for (const q of ['limit=0', 'limit=101', 'limit=x', 'before=-1', 'before=1.5', 'sort=asc']) {
      const res = await call(server, 'GET', `/v1/me/events?${q}`, { token })
      expect(res.status, q).toBe(400)
      expect(res.json.code).toBe('invalid_request')
    }
    expect((await call(server, 'GET', '/v1/me/events')).status).toBe(401)
  })

  it('forgets events past the retention period', async () => {
    const { user, token } = await signUpAndLogin(server)
    const account = await server.app.store.accounts.findByUsername(user.username)
    const before = (await server.app.store.events.listForAccount(account!.id, 100)).length
    expect(before).toBeGreaterThan(0)
    server.clock.advance(2 * DAY)
    await call(server, 'POST', '/v1/sessions', {
      body: { identifier: user.username, password: 'wrong one here' },
    })
    const deleted = await server.app.store.events.deleteBefore(server.clock.now() - DAY)
    expect(deleted).toBeGreaterThanOrEqual(before)
    const left = await server.app.store.events.listForAccount(account!.id, 100)
    expect(left.map((e) => e.type)).toEqual(['authn_login_fail'])
    expect(token).toBeTruthy()
  })
})
