import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type NameDirectory, resolveNames } from '../../src/modules/admin/names.js'
import { databaseKinds } from '../helpers/databases.js'
import {
  adminSession,
  call,
  createTestServer,
  freshUser,
  signUpAndLogin,
  type TestServer,
} from '../helpers/server.js'

/** The admin answers name the accounts and actors they carry ids of: username and role, or "deleted". */
describe.each(databaseKinds())('names in the admin API on %s', (kind) => {
  let server: TestServer
  let admin: string
  /** The administrator's username, learnt from the first detection it closes. */
  let adminName = ''
  beforeAll(async () => {
    server = await createTestServer(kind, { GATEHOUSE_GUARD: 'true', GATEHOUSE_POW_DIFFICULTY: '4' })
    admin = await adminSession(server)
  })
  afterAll(async () => {
    await server?.close()
  })

  it('names the account of a detection, of events and of audit entries, and the actor', async () => {
    const user = freshUser('named')
    await signUpAndLogin(server, user)
    const account = (await server.app.store.accounts.findByUsername(user.username))!
    for (let i = 0; i < 25; i++)
      await call(server, 'POST', '/v1/recovery', { body: { identifier: user.email }, ip: `198.18.${i}.9` })
    await server.deliver()

    const detections = await call(server, 'GET', '/v1/admin/detections?kind=recovery_flood', { token: admin })
    expect(detections.status).toBe(200)
    const flood = detections.json.detections.find((d: { account_id: string }) => d.account_id === account.id)
    expect(flood.account).toEqual({ id: account.id, username: user.username, role: 'user' })
    expect(flood.closed_by_actor).toBeNull()
    const resolved = await call(server, 'POST', `/v1/admin/detections/${flood.id}/resolve`, {
      token: admin,
      body: {},
    })
    adminName = (await server.app.store.accounts.findById(resolved.json.closed_by))!.username
    expect(adminName).toMatch(/^admin/)
    expect(resolved.json.closed_by_actor).toMatchObject({ kind: 'account', name: adminName, role: 'admin' })
    const one = await call(server, 'GET', `/v1/admin/detections/${flood.id}`, { token: admin })
    expect(one.json.account.username).toBe(user.username)

    const events = await call(server, 'GET', `/v1/admin/events?account_id=${account.id}`, { token: admin })
    expect(events.json.events.length).toBeGreaterThan(0)
    for (const e of events.json.events)
      expect(e.account).toEqual({ id: account.id, username: user.username, role: 'user' })

    expect(
      (await call(server, 'POST', `/v1/admin/accounts/${account.id}/sessions/revoke`, { token: admin }))
        .status,
    ).toBe(200)
    const audit = await call(server, 'GET', '/v1/admin/audit?limit=5', { token: admin })
    const resolve = audit.json.entries.find((e: { action: string }) => e.action === 'detection.resolve')
    expect(resolve.details.key).toBe(`account:${account.id}`)
    expect(resolve.details_accounts).toEqual([{ id: account.id, username: user.username, role: 'user' }])
    const revoke = audit.json.entries.find((e: { action: string }) => e.action === 'account.sessions_revoke')
    expect(revoke.actor_info).toMatchObject({ kind: 'account', name: adminName, role: 'admin' })
    expect(revoke.target_account).toEqual({ id: account.id, username: user.username, role: 'user' })
  })

  it('names the actors of incidents, their imports and their timeline', async () => {
    const created = await call(server, 'POST', '/v1/admin/incidents', {
      token: admin,
      body: { title: 'Leak at a partner', summary: '', severity: 'high' },
    })
    expect(created.status).toBe(201)
    expect(created.json.created_by_actor).toMatchObject({ kind: 'account', name: adminName, role: 'admin' })
    const list = await call(server, 'GET', '/v1/admin/incidents', { token: admin })
    expect(list.json.incidents[0].created_by_actor.name).toBe(adminName)
    const timeline = await call(server, 'GET', `/v1/admin/incidents/${created.json.id}/timeline`, {
      token: admin,
    })
    const opened = timeline.json.entries.find((e: { kind: string }) => e.kind === 'incident.create')
    expect(opened.actor_info).toMatchObject({ kind: 'account', name: adminName })
  })

  it('names an API key by its client, and gives no names to a key that may not read accounts', async () => {
    const client = await call(server, 'POST', '/v1/admin/clients', {
      token: admin,
      body: {
        name: 'SIEM export',
        owner_account_id: (await server.app.store.accounts.findByUsername(adminName))!.id,
      },
    })
    expect(client.status).toBe(201)
    const key = await call(server, 'POST', `/v1/admin/clients/${client.json.id}/keys`, {
      token: admin,
      body: {
        scopes: ['audit:read', 'incidents:read', 'incidents:write', 'detections:read'],
        expires_in_days: 30,
      },
    })
    expect(key.status).toBe(201)
    const byKey = await call(server, 'POST', '/v1/admin/incidents', {
      token: key.json.key,
      body: { title: 'Opened by a key', summary: '', severity: 'low' },
    })
    expect(byKey.status).toBe(201)
    // Without accounts:read the key learns no names: the name fields are left out.
    expect(byKey.json).not.toHaveProperty('created_by_actor')
    const audit = await call(server, 'GET', '/v1/admin/audit?limit=20', { token: key.json.key })
    expect(audit.status).toBe(200)
    for (const e of audit.json.entries) {
      expect(e).not.toHaveProperty('actor_info')
      expect(e).not.toHaveProperty('target_account')
      expect(e).not.toHaveProperty('details_accounts')
    }
    const detections = await call(server, 'GET', '/v1/admin/detections', { token: key.json.key })
    expect(detections.json.detections.length).toBeGreaterThan(0)
    for (const d of detections.json.detections) expect(d).not.toHaveProperty('account')
    // An administrator reads the key as its client's name and prefix.
    const incident = await call(server, 'GET', `/v1/admin/incidents/${byKey.json.id}`, { token: admin })
    expect(incident.json.created_by_actor).toEqual({
      kind: 'api_key',
      id: key.json.id,
      name: `SIEM export (ghk_${key.json.prefix})`,
      role: null,
    })
  })

  it('shows a deleted account by its id with no name', async () => {
    const user = freshUser('gone')
    expect((await call(server, 'POST', '/v1/accounts', { body: user })).status).toBe(202)
    const account = (await server.app.store.accounts.findByUsername(user.username))!
    expect(await server.app.store.accounts.deleteUnverifiedBefore(server.clock.now() + 1)).toBeGreaterThan(0)
    const events = await call(server, 'GET', `/v1/admin/events?account_id=${account.id}`, { token: admin })
    expect(events.json.events.length).toBeGreaterThan(0)
    expect(events.json.events[0].account).toEqual({ id: account.id, username: null, role: null })
  })
})

describe('resolving names', () => {
  it('asks the directory once per kind of id for a whole page, and never for cli or system', async () => {
    const asked: string[][] = []
    const directory: NameDirectory = {
      accounts: async (ids) => {
        asked.push([...ids])
        return new Map([['a1', { username: 'alice', role: 'admin' }]])
      },
      apiKeys: async (ids) => {
        asked.push([...ids])
        return new Map([['k1', { clientName: 'SIEM', prefix: 'abcd2345' }]])
      },
    }
    const names = await resolveNames(directory, {
      accountIds: ['a1', 'a2', null, 'a1'],
      actors: ['account:a1', 'api_key:k1', 'api_key:k2', 'cli', 'system', 'detection:4', null],
    })
    expect(asked).toEqual([
      ['a1', 'a2'],
      ['k1', 'k2'],
    ])
    expect(names.account('a1')).toEqual({ id: 'a1', username: 'alice', role: 'admin' })
    expect(names.account('a2')).toEqual({ id: 'a2', username: null, role: null })
    expect(names.actor('api_key:k1')).toEqual({
      kind: 'api_key',
      id: 'k1',
      name: 'SIEM (ghk_abcd2345)',
      role: null,
    })
    expect(names.actor('api_key:k2')).toEqual({ kind: 'api_key', id: 'k2', name: null, role: null })
    expect(names.actor('cli')).toEqual({ kind: 'cli', id: null, name: null, role: null })
    expect(names.actor('detection:4')).toEqual({ kind: 'other', id: null, name: 'detection:4', role: null })
    expect(names.actor(null)).toBeNull()
    asked.length = 0
    await resolveNames(directory, { actors: ['cli', 'system'] })
    expect(asked).toEqual([])
  })
})
