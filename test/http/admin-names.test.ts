import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type NameDirectory, resolveNames } from '../../src/modules/admin/names.js'
import { api } from '../helpers/api.js'
import { databaseKinds } from '../helpers/databases.js'
import {
  adminSession,
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
  const asAdmin = () => api(server, { token: admin })

  it('names the account of a detection, of events and of audit entries, and the actor', async () => {
    const user = freshUser('named')
    await signUpAndLogin(server, user)
    const account = (await server.app.store.accounts.findByUsername(user.username))!
    for (let i = 0; i < 25; i++)
      await api(server, { ip: `198.18.${i}.9` }).POST('/v1/recovery', { body: { identifier: user.email } })
    await server.deliver()

    const named = { id: account.id, username: user.username, role: 'user' }
    const detections = await asAdmin().GET('/v1/admin/detections', {
      params: { query: { kind: 'recovery_flood' } },
    })
    expect(detections.response.status).toBe(200)
    const flood = detections.data!.detections.find((d) => d.account_id === account.id)!
    expect(flood.account).toEqual(named)
    expect(flood.closed_by_actor).toBeNull()
    const path = { params: { path: { id: flood.id } } }
    const resolved = (await asAdmin().POST('/v1/admin/detections/{id}/resolve', { ...path, body: {} })).data!
    adminName = (await server.app.store.accounts.findById(resolved.closed_by!))!.username
    expect(adminName).toMatch(/^admin/)
    expect(resolved.closed_by_actor).toMatchObject({ kind: 'account', name: adminName, role: 'admin' })
    const one = (await asAdmin().GET('/v1/admin/detections/{id}', path)).data!
    expect(one.account!.username).toBe(user.username)

    const events = (
      await asAdmin().GET('/v1/admin/events', { params: { query: { account_id: account.id } } })
    ).data!.events
    expect(events.length).toBeGreaterThan(0)
    for (const e of events) expect(e.account).toEqual(named)

    const revoked = await asAdmin().POST('/v1/admin/accounts/{id}/sessions/revoke', {
      params: { path: { id: account.id } },
    })
    expect(revoked.response.status).toBe(200)
    const audit = (await asAdmin().GET('/v1/admin/audit', { params: { query: { limit: 5 } } })).data!.entries
    const resolve = audit.find((e) => e.action === 'detection.resolve')!
    expect(resolve.details.key).toBe(`account:${account.id}`)
    expect(resolve.details_accounts).toEqual([named])
    const revoke = audit.find((e) => e.action === 'account.sessions_revoke')!
    expect(revoke.actor_info).toMatchObject({ kind: 'account', name: adminName, role: 'admin' })
    expect(revoke.target_account).toEqual(named)
  })

  it('names the actors of incidents, their imports and their timeline', async () => {
    const created = await asAdmin().POST('/v1/admin/incidents', {
      body: { title: 'Leak at a partner', summary: '', severity: 'high' },
    })
    expect(created.response.status).toBe(201)
    expect(created.data!.created_by_actor).toMatchObject({ kind: 'account', name: adminName, role: 'admin' })
    const list = (await asAdmin().GET('/v1/admin/incidents')).data!
    expect(list.incidents[0]!.created_by_actor!.name).toBe(adminName)
    const timeline = (
      await asAdmin().GET('/v1/admin/incidents/{id}/timeline', { params: { path: { id: created.data!.id } } })
    ).data!
    const opened = timeline.entries.find((e) => e.kind === 'incident.create')!
    expect(opened.actor_info).toMatchObject({ kind: 'account', name: adminName })
  })

  it('names an API key by its client, and gives no names to a key that may not read accounts', async () => {
    const client = await asAdmin().POST('/v1/admin/clients', {
      body: {
        name: 'SIEM export',
        owner_account_id: (await server.app.store.accounts.findByUsername(adminName))!.id,
      },
    })
    expect(client.response.status).toBe(201)
    const key = await asAdmin().POST('/v1/admin/clients/{id}/keys', {
      params: { path: { id: client.data!.id } },
      body: {
        scopes: ['audit:read', 'incidents:read', 'incidents:write', 'detections:read'],
        expires_in_days: 30,
      },
    })
    expect(key.response.status).toBe(201)
    const asKey = () => api(server, { token: key.data!.key })
    const byKey = await asKey().POST('/v1/admin/incidents', {
      body: { title: 'Opened by a key', summary: '', severity: 'low' },
    })
    expect(byKey.response.status).toBe(201)
    // Without accounts:read the key learns no names: the name fields are left out.
    expect(byKey.data).not.toHaveProperty('created_by_actor')
    const audit = await asKey().GET('/v1/admin/audit', { params: { query: { limit: 20 } } })
    expect(audit.response.status).toBe(200)
    for (const e of audit.data!.entries) {
      expect(e).not.toHaveProperty('actor_info')
      expect(e).not.toHaveProperty('target_account')
      expect(e).not.toHaveProperty('details_accounts')
    }
    const detections = (await asKey().GET('/v1/admin/detections')).data!.detections
    expect(detections.length).toBeGreaterThan(0)
    for (const d of detections) expect(d).not.toHaveProperty('account')
    // An administrator reads the key as its client's name and prefix.
    const incident = (
      await asAdmin().GET('/v1/admin/incidents/{id}', { params: { path: { id: byKey.data!.id } } })
    ).data!
    expect(incident.created_by_actor).toEqual({
      kind: 'api_key',
      id: key.data!.id,
      name: `SIEM export (ghk_${key.data!.prefix})`,
      role: null,
    })
  })

  it('shows a deleted account by its id with no name', async () => {
    const user = freshUser('gone')
    expect((await api(server).POST('/v1/accounts', { body: user })).response.status).toBe(202)
    const account = (await server.app.store.accounts.findByUsername(user.username))!
    expect(await server.app.store.accounts.deleteUnverifiedBefore(server.clock.now() + 1)).toBeGreaterThan(0)
    const events = (
      await asAdmin().GET('/v1/admin/events', { params: { query: { account_id: account.id } } })
    ).data!.events
    expect(events.length).toBeGreaterThan(0)
    expect(events[0]!.account).toEqual({ id: account.id, username: null, role: null })
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
