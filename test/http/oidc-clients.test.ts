import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DAY, SECOND } from '../../src/kernel/clock.js'
import type { Role } from '../../src/modules/accounts/ports.js'
import { totpCodeAt } from '../../src/modules/mfa/totp.js'
import { databaseKinds } from '../helpers/databases.js'
import { requireBuild, runCli } from '../helpers/process.js'
import {
  adminSession,
  call,
  createTestServer,
  freshUser,
  signUpAndLogin,
  type TestServer,
} from '../helpers/server.js'

/* The admin API of applications (OpenID Connect clients) and their place in the access review. */

const cli = { ip: null, userAgent: 'test', clientVersion: null, requestId: 'test' }
const BASE = '/v1/admin/oidc/clients'
const SECRET_SHAPE = /^ghs_[A-Za-z0-9_-]{43}$/
const ID_SHAPE = /^ghc_[A-Za-z0-9_-]{22}$/
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex')

/** A session of `role` past TOTP enrolment (staff roles need a strong factor). */
const roleSession = async (s: TestServer, role: Role) => {
  const { user } = await signUpAndLogin(s, freshUser(role))
  await s.app.services.accounts.setRole(user.username, role, cli)
  const login = await call(s, 'POST', '/v1/sessions', {
    body: { identifier: user.username, password: user.password },
  })
  const token = login.json.token as string
  const id = (await call(s, 'GET', '/v1/sessions/current', { token })).json.account.id as string
  if (role !== 'user') {
    const e = await call(s, 'POST', '/v1/mfa/totp', { token })
    const c = await call(s, 'POST', '/v1/mfa/totp/confirm', {
      token,
      body: { code: totpCodeAt(e.json.secret as string, s.clock.now()) },
    })
    if (c.status !== 200) throw new Error(`TOTP enrolment failed: ${c.status} ${c.body}`)
    s.clock.advance(30 * SECOND)
  }
  return { token, id }
}

const webApp = {
  name: 'Wiki',
  redirect_uris: ['https://wiki.example.com/callback'],
  scopes: ['openid', 'profile'],
}

describe.each(databaseKinds())('applications (OpenID Connect clients) on %s', (kind) => {
  let server: TestServer
  let admin: string
  let adminId: string
  beforeAll(async () => {
    server = await createTestServer(kind)
    admin = await adminSession(server)
    adminId = (await call(server, 'GET', '/v1/sessions/current', { token: admin })).json.account.id
  })
  afterAll(async () => {
    await server?.close()
  })

  const create = async (body: Record<string, unknown>, token = admin) => {
    const r = await call(server, 'POST', BASE, { token, body })
    expect(r.status, r.body).toBe(201)
    return r.json
  }
  const auditActions = async (target: string) =>
    (
      await server.app.database.db
        .selectFrom('audit_log')
        .select(['action'])
        .where('target', '=', target)
        .orderBy('seq')
        .execute()
    ).map((r) => r.action)
  const eventsOf = async (clientId: string) =>
    (
      await server.app.database.db
        .selectFrom('security_events')
        .select(['type', 'details'])
        .where('type', 'like', 'oidc_client_%')
        .orderBy('id')
        .execute()
    )
      .filter((e) => (JSON.parse(e.details) as { client_id?: string }).client_id === clientId)
      .map((e) => e.type)

  it('registers a confidential application: its secret once, only the SHA-256 kept, never shown again', async () => {
    const c = await create({ ...webApp, owner_account_id: adminId, contact: 'wiki-team@example.com' })
    expect(c.client_id).toMatch(ID_SHAPE)
    expect(c.client_secret).toMatch(SECRET_SHAPE)
    expect(c).toMatchObject({
      public: false,
      token_endpoint_auth_method: 'client_secret_basic',
      has_secret: true,
      grant_types: ['authorization_code'],
      require_acr: null,
      created_by: `account:${adminId}`,
    })
    expect(c).not.toHaveProperty('secret_hash')
    const row = await server.app.database.db
      .selectFrom('oidc_clients')
      .selectAll()
      .where('id', '=', c.client_id)
      .executeTakeFirstOrThrow()
    expect(row.secret_hash).toBe(sha256(c.client_secret))
    for (const path of [BASE, `${BASE}/${c.client_id}`]) {
      const r = await call(server, 'GET', path, { token: admin })
      expect(r.status).toBe(200)
      expect(r.body).not.toContain(c.client_secret)
      expect(r.body).not.toContain(row.secret_hash!)
      expect(r.body).not.toContain('secret_hash')
    }
    expect(await auditActions(`oidc_client:${c.client_id}`)).toEqual(['oidc_client.create'])
    expect(await eventsOf(c.client_id)).toEqual(['oidc_client_created'])
    const audit = await call(server, 'GET', '/v1/admin/audit?limit=20', { token: admin })
    expect(audit.body).not.toContain(c.client_secret)
  })

  it('registers a public (native) application: no secret, a private-use scheme allowed', async () => {
    const c = await create({
      name: 'Phone app',
      public: true,
      redirect_uris: ['com.example.app:/oauth/callback', 'http://127.0.0.1:8765/cb'],
      scopes: ['openid', 'offline_access'],
      grant_types: ['authorization_code', 'refresh_token'],
    })
    expect(c).toMatchObject({ public: true, client_secret: null, has_secret: false })
    expect(c.token_endpoint_auth_method).toBe('none')
    const rotate = await call(server, 'POST', `${BASE}/${c.client_id}/secret`, { token: admin })
    expect(rotate.status).toBe(400)
    expect(rotate.json.code).toBe('invalid_client_metadata')
  })

  it.each([
    ['plain http off loopback', 'http://wiki.example.com/cb'],
    ['a fragment', 'https://wiki.example.com/cb#top'],
    ['user info', 'https://alice:pw@wiki.example.com/cb'],
    ['a wildcard host', 'https://*.example.com/cb'],
    ['a wildcard path', 'https://wiki.example.com/*'],
    ['a relative URI', '/callback'],
    ['a private-use scheme on a confidential client', 'com.example.app:/cb'],
    ['javascript:', 'javascript:alert(1)'],
    ['white space', 'https://wiki.example.com/a b'],
    ['a backslash', 'https://wiki.example.com\\@evil.example/cb'],
  ])('refuses a redirect URI with %s (400 invalid_redirect_uri)', async (_what, uri) => {
    const r = await call(server, 'POST', BASE, { token: admin, body: { ...webApp, redirect_uris: [uri] } })
    expect(r.status, r.body).toBe(400)
    expect(r.json.code).toBe('invalid_redirect_uri')
    expect(r.headers['content-type']).toContain('application/problem+json')
  })

  it.each([
    ['a URI over 2,000 characters', { redirect_uris: [`https://wiki.example.com/${'a'.repeat(2000)}`] }],
    [
      '21 redirect URIs',
      { redirect_uris: Array.from({ length: 21 }, (_, i) => `https://a.example.com/${i}`) },
    ],
    ['scopes without openid', { scopes: ['profile'] }],
    ['an unknown scope', { scopes: ['openid', 'admin'] }],
    ['offline_access without refresh_token', { scopes: ['openid', 'offline_access'] }],
    ['authorization_code without a redirect URI', { redirect_uris: [] }],
    ['client_credentials on a public client', { public: true, grant_types: ['client_credentials'] }],
    [
      'a secret method on a public client',
      { public: true, token_endpoint_auth_method: 'client_secret_basic' },
    ],
    ['no secret method on a confidential client', { token_endpoint_auth_method: 'none' }],
    ['a back-channel logout URI on a private address', { backchannel_logout_uri: 'https://10.1.2.3/logout' }],
    ['a back-channel logout URI on loopback', { backchannel_logout_uri: 'http://127.0.0.1/logout' }],
    ['a back-channel logout URI naming localhost', { backchannel_logout_uri: 'https://localhost/logout' }],
    [
      'a back-channel logout URI over plain http',
      { backchannel_logout_uri: 'http://wiki.example.com/logout' },
    ],
    ['an unknown field', { secret_hash: 'x' }],
    ['a user as owner', { owner_account_id: 'nobody-at-all' }],
  ])('refuses %s with a 4xx problem', async (_what, change) => {
    const r = await call(server, 'POST', BASE, { token: admin, body: { ...webApp, ...change } })
    expect(r.status, r.body).toBeGreaterThanOrEqual(400)
    expect(r.status, r.body).toBeLessThan(500)
    expect(r.json.code).toMatch(
      /^(invalid_request|invalid_redirect_uri|invalid_client_metadata|invalid_owner)$/,
    )
  })

  it('takes a back-channel logout URI on a public address', async () => {
    const c = await create({ ...webApp, backchannel_logout_uri: 'https://8.8.8.8/oidc/logout' })
    expect(c.backchannel_logout_uri).toBe('https://8.8.8.8/oidc/logout')
  })

  it('changes settings that hold together, and refuses a change that would not', async () => {
    const c = await create(webApp)
    const r = await call(server, 'PATCH', `${BASE}/${c.client_id}`, {
      token: admin,
      body: {
        redirect_uris: ['https://wiki.example.com/callback', 'https://wiki.example.com/cb2'],
        scopes: ['openid', 'email'],
        require_acr: 'mfa',
        owner_account_id: adminId,
      },
    })
    expect(r.status, r.body).toBe(200)
    expect(r.json).toMatchObject({
      require_acr: 'mfa',
      scopes: ['openid', 'email'],
      owner_account_id: adminId,
    })
    expect(r.json.redirect_uris).toHaveLength(2)
    const bad = await call(server, 'PATCH', `${BASE}/${c.client_id}`, {
      token: admin,
      body: { grant_types: ['authorization_code', 'client_credentials'], redirect_uris: [] },
    })
    expect(bad.status).toBe(400)
    expect(bad.json.code).toBe('invalid_client_metadata')
    expect(await auditActions(`oidc_client:${c.client_id}`)).toEqual([
      'oidc_client.create',
      'oidc_client.update',
    ])
    const missing = await call(server, 'PATCH', `${BASE}/ghc_nosuchclient`, {
      token: admin,
      body: { name: 'x' },
    })
    expect(missing.status).toBe(404)
  })

  it('rotates the secret: the new one shown once, the old one replaced at once', async () => {
    const c = await create(webApp)
    const r = await call(server, 'POST', `${BASE}/${c.client_id}/secret`, { token: admin })
    expect(r.status, r.body).toBe(200)
    expect(r.json.client_secret).toMatch(SECRET_SHAPE)
    expect(r.json.client_secret).not.toBe(c.client_secret)
    const row = await server.app.database.db
      .selectFrom('oidc_clients')
      .select('secret_hash')
      .where('id', '=', c.client_id)
      .executeTakeFirstOrThrow()
    expect(row.secret_hash).toBe(sha256(r.json.client_secret))
    expect(await eventsOf(c.client_id)).toEqual(['oidc_client_created', 'oidc_client_secret_rotated'])
  })

  it('disables and enables, then deletes, each audited and recorded', async () => {
    const c = await create(webApp)
    const path = `${BASE}/${c.client_id}`
    const off = await call(server, 'PATCH', path, { token: admin, body: { disabled: true } })
    expect(off.status, off.body).toBe(200)
    expect(off.json.disabled_at).not.toBeNull()
    const on = await call(server, 'PATCH', path, { token: admin, body: { disabled: false } })
    expect(on.json.disabled_at).toBeNull()
    expect((await call(server, 'DELETE', path, { token: admin })).status).toBe(204)
    expect((await call(server, 'GET', path, { token: admin })).status).toBe(404)
    expect(await auditActions(`oidc_client:${c.client_id}`)).toEqual([
      'oidc_client.create',
      'oidc_client.disable',
      'oidc_client.enable',
      'oidc_client.delete',
    ])
    expect(await eventsOf(c.client_id)).toEqual([
      'oidc_client_created',
      'oidc_client_disabled',
      'oidc_client_enabled',
      'oidc_client_deleted',
    ])
  })

  it('refuses callers who are not staff; an auditor and a responder read but do not write', async () => {
    const c = await create(webApp)
    expect((await call(server, 'GET', BASE)).status).toBe(401)
    const user = await roleSession(server, 'user')
    const asUser = await call(server, 'GET', BASE, { token: user.token })
    expect(asUser.status).toBe(403)
    expect(asUser.json.code).toBe('admin_required')
    expect((await call(server, 'POST', BASE, { token: user.token, body: webApp })).status).toBe(403)
    const auditor = await roleSession(server, 'auditor')
    const read = await call(server, 'GET', `${BASE}/${c.client_id}`, { token: auditor.token })
    expect(read.status).toBe(200)
    const write = await call(server, 'POST', `${BASE}/${c.client_id}/secret`, { token: auditor.token })
    expect(write.status).toBe(403)
    expect(write.json.code).toBe('scope_required')
    // A responder reads applications but cannot point one's sign-ins elsewhere.
    const responder = await roleSession(server, 'responder')
    expect((await call(server, 'GET', BASE, { token: responder.token })).status).toBe(200)
    const moved = await call(server, 'PATCH', `${BASE}/${c.client_id}`, {
      token: responder.token,
      body: { redirect_uris: ['https://attacker.example/cb'] },
    })
    expect(moved.status).toBe(403)
    expect(moved.json.code).toBe('scope_required')
    // A partner may own an application, a user may not.
    const partner = await roleSession(server, 'partner')
    const owned = await call(server, 'PATCH', `${BASE}/${c.client_id}`, {
      token: admin,
      body: { owner_account_id: partner.id },
    })
    expect(owned.status, owned.body).toBe(200)
    const notOwner = await call(server, 'PATCH', `${BASE}/${c.client_id}`, {
      token: admin,
      body: { owner_account_id: user.id },
    })
    expect(notOwner.status).toBe(400)
    expect(notOwner.json.code).toBe('invalid_owner')
  })

  it('lists applications in the access review with their risk flags', async () => {
    const risky = await create({
      name: 'Old mailer',
      redirect_uris: ['https://mailer.example.com/cb'],
      scopes: ['openid', 'email', 'phone', 'offline_access'],
      grant_types: ['authorization_code', 'refresh_token'],
    })
    const tidy = await create({ ...webApp, name: 'Tidy', owner_account_id: adminId, require_acr: 'mfa' })
    const longAgo = server.clock.now() - 400 * DAY
    await server.app.database.db
      .updateTable('oidc_clients')
      .set({ created_at: longAgo, secret_created_at: longAgo })
      .where('id', '=', risky.client_id)
      .execute()
    const r = await call(server, 'GET', '/v1/admin/access-review?kind=oidc_client', { token: admin })
    expect(r.status, r.body).toBe(200)
    const entries = r.json.principals as Array<{ principal_id: string; kind: string; flags: string[] }>
    expect(entries.every((e) => e.kind === 'oidc_client')).toBe(true)
    const flagsOf = (id: string) => entries.find((e) => e.principal_id === `oidc_client:${id}`)
    expect(flagsOf(risky.client_id)).toMatchObject({
      kind: 'oidc_client',
      name: 'Old mailer',
      flags: ['unused_90d', 'broad_scopes', 'no_owner', 'secret_older_365d', 'no_mfa_required'],
      recommended_action: 'revoke',
    })
    expect(flagsOf(tidy.client_id)).toMatchObject({ flags: [], recommended_action: 'none' })
    const flagged = await call(server, 'GET', '/v1/admin/access-review?flag=no_mfa_required', {
      token: admin,
    })
    expect(flagged.json.principals.map((e: { principal_id: string }) => e.principal_id)).toContain(
      `oidc_client:${risky.client_id}`,
    )
    const bulk = await call(server, 'POST', '/v1/admin/access-review/revoke', {
      token: admin,
      body: { principal_ids: [`oidc_client:${risky.client_id}`] },
    })
    expect(bulk.status, bulk.body).toBe(200)
    expect(bulk.json.results[0]).toMatchObject({ outcome: 'not_applicable' })
  })
})

/** `gatehouse oidc clients …` works on the database directly, audited with the actor cli. */
describe('the oidc clients command', () => {
  let server: TestServer
  let env: Record<string, string>
  beforeAll(async () => {
    requireBuild()
    server = await createTestServer('sqlite')
    env = {
      GATEHOUSE_DATA_DIR: server.db.dataDir,
      GATEHOUSE_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
    }
  })
  afterAll(async () => {
    await server?.close()
  })

  it('creates, refuses a bad URI, rotates, disables, deletes; prints the secret once', async () => {
    const made = await runCli(
      [
        'oidc',
        'clients',
        'create',
        '--name',
        'Intranet',
        '--redirect-uri',
        'https://intranet.example.com/cb',
        '--redirect-uri',
        'http://localhost:3000/cb',
        '--scopes',
        'openid,email',
        '--require-acr',
        'mfa',
        '--json',
      ],
      env,
    )
    expect(made.code, made.stderr).toBe(0)
    const c = JSON.parse(made.stdout)
    expect(c.client_id).toMatch(ID_SHAPE)
    expect(c.client_secret).toMatch(SECRET_SHAPE)
    expect(c.redirect_uris).toEqual(['https://intranet.example.com/cb', 'http://localhost:3000/cb'])
    const bad = await runCli(
      ['oidc', 'clients', 'update', c.client_id, '--redirect-uri', 'http://intranet.example.com/cb'],
      env,
    )
    expect(bad.code).not.toBe(0)
    expect(bad.stderr).toContain('invalid_redirect_uri')
    const shown = await runCli(['oidc', 'clients', 'show', c.client_id], env)
    expect(shown.stdout).toContain('https://intranet.example.com/cb')
    expect(shown.stdout).not.toContain(c.client_secret)
    const rotated = await runCli(['oidc', 'clients', 'rotate-secret', c.client_id], env)
    expect(rotated.code, rotated.stderr).toBe(0)
    const secret = /client_secret: (ghs_\S+)/.exec(rotated.stdout)?.[1]
    expect(secret).toMatch(SECRET_SHAPE)
    expect(secret).not.toBe(c.client_secret)
    expect((await runCli(['oidc', 'clients', 'disable', c.client_id], env)).code).toBe(0)
    expect((await server.app.oidcClients.get(c.client_id)).disabledAt).not.toBeNull()
    expect((await runCli(['oidc', 'clients', 'delete', c.client_id], env)).code).toBe(0)
    await expect(server.app.oidcClients.get(c.client_id)).rejects.toThrow('No such application')
    const entries = await server.app.database.db
      .selectFrom('audit_log')
      .select(['action', 'actor'])
      .where('target', '=', `oidc_client:${c.client_id}`)
      .orderBy('seq')
      .execute()
    expect(entries).toEqual(
      ['oidc_client.create', 'oidc_client.rotate_secret', 'oidc_client.disable', 'oidc_client.delete'].map(
        (action) => ({ action, actor: 'cli' }),
      ),
    )
  }, 120_000)
})
