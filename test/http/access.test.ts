import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DAY, SECOND } from '../../src/kernel/clock.js'
import { CSV_COLUMNS } from '../../src/modules/access/review.js'
import type { Role } from '../../src/modules/accounts/ports.js'
import { totpCodeAt } from '../../src/modules/mfa/totp.js'
import { api, type Body, type Query } from '../helpers/api.js'
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

const cli = { ip: null, userAgent: 'test', clientVersion: null, requestId: 'test' }
const KEY_SHAPE = /^ghk_[a-z2-7]{8}_[A-Za-z0-9_-]{43}$/

/** A small RFC 4180 reader: enough to check the export's shape. */
const parseCsv = (text: string): string[][] => {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"'
        i++
      } else if (ch === '"') quoted = false
      else cell += ch
    } else if (ch === '"') quoted = true
    else if (ch === ',') {
      row.push(cell)
      cell = ''
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
      i++
    } else cell += ch
  }
  return rows
}

/** A staff or partner account of `role`; with `factor`, past TOTP enrolment (the session is then a full one). */
const roleSession = async (s: TestServer, role: Role, factor = true) => {
  const { user } = await signUpAndLogin(s, freshUser(role))
  await s.app.services.accounts.setRole(user.username, role, cli)
  const login = await call(s, 'POST', '/v1/sessions', {
    body: { identifier: user.username, password: user.password },
  })
  if (login.status !== 201) throw new Error(`login failed: ${login.status} ${login.body}`)
  const token = login.json.token as string
  const id = (await call(s, 'GET', '/v1/sessions/current', { token })).json.account.id as string
  let secret: string | null = null
  if (factor) {
    const e = await call(s, 'POST', '/v1/mfa/totp', { token })
    secret = e.json.secret as string
    const c = await call(s, 'POST', '/v1/mfa/totp/confirm', {
      token,
      body: { code: totpCodeAt(secret, s.clock.now()) },
    })
    if (c.status !== 200) throw new Error(`TOTP enrolment failed: ${c.status} ${c.body}`)
    s.clock.advance(30 * SECOND)
  }
  return { user, token, id, secret }
}

const accountIdOf = async (s: TestServer, token: string) =>
  (await api(s, { token }).GET('/v1/sessions/current')).data!.account.id

type Scope = Body<'/v1/admin/clients/{id}/keys', 'post'>['scopes'][number]
type ReviewQuery = Query<'/v1/admin/access-review'>

describe.each(databaseKinds())('external parties and the access review on %s', (kind) => {
  let server: TestServer
  let admin: string
  let adminId: string
  beforeAll(async () => {
    server = await createTestServer(kind)
    admin = await adminSession(server)
    adminId = await accountIdOf(server, admin)
  })
  afterAll(async () => {
    await server?.close()
  })

  const newClient = async (name = 'Partner app', owner = adminId, token = admin) => {
    const r = await api(server, { token }).POST('/v1/admin/clients', {
      body: { name, owner_account_id: owner, description: 'test client' },
    })
    expect(r.response.status, JSON.stringify(r.error)).toBe(201)
    return r.data!
  }
  const newKey = async (clientId: string, scopes: Scope[], expires: number | null = 30, token = admin) => {
    const r = await api(server, { token }).POST('/v1/admin/clients/{id}/keys', {
      params: { path: { id: clientId } },
      body: { scopes, expires_in_days: expires, description: 'ci' },
    })
    expect(r.response.status, JSON.stringify(r.error)).toBe(201)
    return r.data!
  }
  const review = async (query: ReviewQuery = {}, token = admin) => {
    const r = await api(server, { token }).GET('/v1/admin/access-review', { params: { query } })
    expect(r.response.status, JSON.stringify(r.error)).toBe(200)
    return r.data!.principals
  }

  it('issues a key once, keeps only its SHA-256 and prefix, and holds it to its scopes', async () => {
    const client = await newClient()
    const narrow = await newKey(client.id, ['incidents:read'])
    expect(narrow.key).toMatch(KEY_SHAPE)
    expect(narrow.key.startsWith(`ghk_${narrow.prefix}_`)).toBe(true)
    const row = await server.app.database.db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', narrow.id)
      .executeTakeFirstOrThrow()
    expect(row.key_hash).toBe(createHash('sha256').update(narrow.key).digest('hex'))
    const secret = narrow.key.slice('ghk_12345678_'.length)
    expect(JSON.stringify(row)).not.toContain(secret)
    // Listed without the key.
    const listed = await call(server, 'GET', `/v1/admin/clients/${client.id}`, { token: admin })
    expect(listed.status).toBe(200)
    expect(listed.json.keys).toHaveLength(1)
    expect(listed.body).not.toContain(secret)
    expect(listed.json.keys[0]).toMatchObject({
      prefix: narrow.prefix,
      scopes: ['incidents:read'],
      status: 'active',
    })

    // incidents:read only: the access review is out of reach.
    const refused = await call(server, 'GET', '/v1/admin/access-review', { token: narrow.key })
    expect(refused.status).toBe(403)
    expect(refused.json.code).toBe('scope_required')
    // `*` reaches it, and writes.
    const star = await newKey(client.id, ['*'])
    expect((await call(server, 'GET', '/v1/admin/access-review', { token: star.key })).status).toBe(200)
    const made = await call(server, 'POST', '/v1/admin/clients', {
      token: star.key,
      body: { name: 'made by a key', owner_account_id: adminId },
    })
    expect(made.status).toBe(201)
    expect(made.json.created_by).toBe(`api_key:${star.id}`)
    const audit = await call(server, 'GET', '/v1/admin/audit?limit=5', { token: admin })
    expect(audit.json.entries[0]).toMatchObject({ action: 'client.create', actor: `api_key:${star.id}` })
    expect(audit.json.entries[1]).toMatchObject({ action: 'api_key.create', target: star.principal_id })
    expect(JSON.stringify(audit.json)).not.toContain(star.key.slice('ghk_12345678_'.length))
  })

  it('records the last use and its address, at most once a minute', async () => {
    const client = await newClient()
    const k = await newKey(client.id, ['access:read'])
    const use = (ip: string) => call(server, 'GET', '/v1/admin/clients', { token: k.key, ip })
    const stored = async () => {
      const keys = (await call(server, 'GET', `/v1/admin/clients/${client.id}/keys`, { token: admin })).json
        .keys
      return keys[0] as { last_used_at: string | null; last_used_ip: string | null }
    }
    expect(await stored()).toMatchObject({ last_used_at: null, last_used_ip: null })
    expect((await use('203.0.113.7')).status).toBe(200)
    const first = new Date(server.clock.now()).toISOString()
    expect(await stored()).toEqual(
      expect.objectContaining({ last_used_at: first, last_used_ip: '203.0.113.7' }),
    )
    server.clock.advance(20 * SECOND)
    expect((await use('203.0.113.8')).status).toBe(200)
    expect(await stored()).toEqual(
      expect.objectContaining({ last_used_at: first, last_used_ip: '203.0.113.7' }),
    )
    server.clock.advance(41 * SECOND)
    expect((await use('203.0.113.9')).status).toBe(200)
    expect(await stored()).toEqual(
      expect.objectContaining({
        last_used_at: new Date(server.clock.now()).toISOString(),
        last_used_ip: '203.0.113.9',
      }),
    )
  })

  it('refuses unknown, malformed, revoked, expired and disabled-client keys with 401', async () => {
    const client = await newClient()
    const get = (token: string) => call(server, 'GET', '/v1/admin/clients', { token })
    const unknown = `ghk_abcdefgh_${'A'.repeat(43)}`
    for (const token of [unknown, 'ghk_short', `ghk_ABCDEFGH_${'A'.repeat(43)}`]) {
      const r = await get(token)
      expect(r.status, token).toBe(401)
      expect(r.json.code).toBe('unauthenticated')
    }
    // Revoked.
    const revoked = await newKey(client.id, ['access:read'])
    expect((await get(revoked.key)).status).toBe(200)
    const del = await call(server, 'DELETE', `/v1/admin/clients/${client.id}/keys/${revoked.id}`, {
      token: admin,
    })
    expect(del.status).toBe(204)
    expect((await get(revoked.key)).status).toBe(401)
    const again = await call(server, 'DELETE', `/v1/admin/clients/${client.id}/keys/${revoked.id}`, {
      token: admin,
    })
    expect(again.status).toBe(409)
    expect(again.json.code).toBe('api_key_revoked')
    const refusedEvents = await server.app.database.db
      .selectFrom('security_events')
      .select(['details'])
      .where('type', '=', 'api_key_refused')
      .execute()
    expect(refusedEvents.map((e) => JSON.parse(e.details).key_id)).toContain(revoked.id)

    // Expired.
    const shortLived = await newKey(client.id, ['access:read'], 1)
    expect((await get(shortLived.key)).status).toBe(200)
    server.clock.advance(DAY + SECOND)
    expect((await get(shortLived.key)).status).toBe(401)
    admin = await adminSession(server)

    // A disabled client's keys fail; enabling it brings them back.
    const live = await newKey(client.id, ['access:read'])
    expect((await get(live.key)).status).toBe(200)
    const off = await call(server, 'PATCH', `/v1/admin/clients/${client.id}`, {
      token: admin,
      body: { disabled: true },
    })
    expect(off.status).toBe(200)
    expect(off.json.disabled_at).not.toBeNull()
    expect((await get(live.key)).status).toBe(401)
    const noNew = await call(server, 'POST', `/v1/admin/clients/${client.id}/keys`, {
      token: admin,
      body: { scopes: ['access:read'], expires_in_days: 5 },
    })
    expect(noNew.status).toBe(409)
    expect(noNew.json.code).toBe('client_disabled')
    await call(server, 'PATCH', `/v1/admin/clients/${client.id}`, { token: admin, body: { disabled: false } })
    expect((await get(live.key)).status).toBe(200)
    // Deleting the client revokes its keys for good.
    expect((await call(server, 'DELETE', `/v1/admin/clients/${client.id}`, { token: admin })).status).toBe(
      204,
    )
    await call(server, 'PATCH', `/v1/admin/clients/${client.id}`, { token: admin, body: { disabled: false } })
    expect((await get(live.key)).status).toBe(401)
  })

  it('answers bad input with 4xx problems and changes nothing', async () => {
    const client = await newClient()
    const bad: Array<[string, string, unknown, number, string]> = [
      ['POST', '/v1/admin/clients', { name: 'x', owner_account_id: 'nobody' }, 400, 'invalid_owner'],
      ['POST', '/v1/admin/clients', { name: '', owner_account_id: adminId }, 400, 'invalid_request'],
      [
        'POST',
        '/v1/admin/clients',
        { name: 'x', owner_account_id: adminId, role: 'admin' },
        400,
        'invalid_request',
      ],
      [
        'POST',
        `/v1/admin/clients/${client.id}/keys`,
        { scopes: ['root:all'], expires_in_days: 5 },
        400,
        'invalid_request',
      ],
      [
        'POST',
        `/v1/admin/clients/${client.id}/keys`,
        { scopes: [], expires_in_days: 5 },
        400,
        'invalid_request',
      ],
      [
        'POST',
        `/v1/admin/clients/${client.id}/keys`,
        { scopes: ['*', 'audit:read'], expires_in_days: 5 },
        400,
        'invalid_request',
      ],
      [
        'POST',
        `/v1/admin/clients/${client.id}/keys`,
        { scopes: ['audit:read'], expires_in_days: 0 },
        400,
        'invalid_request',
      ],
      ['POST', `/v1/admin/clients/${client.id}/keys`, { scopes: ['audit:read'] }, 400, 'invalid_request'],
      [
        'POST',
        '/v1/admin/clients/nope/keys',
        { scopes: ['audit:read'], expires_in_days: 5 },
        404,
        'not_found',
      ],
      ['POST', '/v1/admin/access-review/revoke', { principal_ids: [] }, 400, 'invalid_request'],
      ['POST', '/v1/admin/access-review/revoke', { principal_ids: 'api_key:x' }, 400, 'invalid_request'],
      [
        'POST',
        '/v1/admin/access-review/rotate',
        { principal_ids: ['api_key:x'], overlap_seconds: -1 },
        400,
        'invalid_request',
      ],
      ['PATCH', '/v1/admin/partners/nobody', { client_id: null }, 404, 'not_found'],
    ]
    for (const [method, url, body, status, code] of bad) {
      const r = await call(server, method as 'POST', url, { token: admin, body })
      expect(r.status, `${url} ${JSON.stringify(body)}`).toBe(status)
      expect(r.json.code).toBe(code)
    }
    const r = await call(server, 'GET', '/v1/admin/access-review?flag=bogus', { token: admin })
    expect(r.status).toBe(400)
    expect((await call(server, 'GET', '/v1/admin/access-review?kind=robot', { token: admin })).status).toBe(
      400,
    )
    expect(
      (await call(server, 'GET', `/v1/admin/clients/${client.id}/keys`, { token: admin })).json.keys,
    ).toEqual([])
  })

  it('exports the review as CSV, quoted, with formula cells neutralised', async () => {
    const client = await newClient('=HYPERLINK("http://evil.example","open"),1')
    const k = await newKey(client.id, ['audit:read', 'detections:read'])
    for (const r of [
      await call(server, 'GET', '/v1/admin/access-review?format=csv', { token: admin }),
      await call(server, 'GET', '/v1/admin/access-review', { token: admin, headers: { accept: 'text/csv' } }),
    ]) {
      expect(r.status).toBe(200)
      expect(r.headers['content-type']).toMatch(/^text\/csv/)
      expect(r.headers['content-disposition']).toMatch(
        /^attachment; filename="access-review-\d{4}-\d\d-\d\d\.csv"$/,
      )
      const rows = parseCsv(r.body)
      expect(rows[0]).toEqual([...CSV_COLUMNS])
      for (const row of rows) expect(row).toHaveLength(CSV_COLUMNS.length)
      const mine = rows.find((row) => row[0] === k.principal_id)!
      const col = (name: (typeof CSV_COLUMNS)[number]) => mine[CSV_COLUMNS.indexOf(name)]
      expect(col('client_name')).toBe(`'=HYPERLINK("http://evil.example","open"),1`)
      expect(col('name')).toBe(`'=HYPERLINK("http://evil.example","open"),1 / ${k.prefix}`)
      expect(col('scopes')).toBe('audit:read detections:read')
      expect(col('kind')).toBe('api_key')
      // The raw text: quotes doubled inside a quoted cell.
      expect(r.body).toContain(`"'=HYPERLINK(""http://evil.example"",""open""),1"`)
    }
    // JSON when asked for, or by default.
    const json = await call(server, 'GET', '/v1/admin/access-review', {
      token: admin,
      headers: { accept: 'application/json, text/csv' },
    })
    expect(json.headers['content-type']).toMatch(/^application\/json/)
  })

  it('revokes and rotates in bulk, audited, with every change taking effect', async () => {
    const client = await newClient('bulk')
    const k1 = await newKey(client.id, ['access:read'], 30)
    const k2 = await newKey(client.id, ['access:read'], null)
    const partner = await roleSession(server, 'partner')
    const get = (token: string) => call(server, 'GET', '/v1/admin/clients', { token })

    const rotated = await call(server, 'POST', '/v1/admin/access-review/rotate', {
      token: admin,
      body: { principal_ids: [k1.principal_id, `account:${partner.id}`, 'api_key:nope', 'garbage'] },
    })
    expect(rotated.status).toBe(200)
    const [r1, rp, rn, rg] = rotated.json.results
    expect(r1).toMatchObject({ principal_id: k1.principal_id, outcome: 'rotated' })
    expect(r1.key).toMatch(KEY_SHAPE)
    expect(r1.successor).toMatchObject({ scopes: ['access:read'], expires_in_days: 30, status: 'active' })
    expect(rp).toMatchObject({ outcome: 'not_applicable' })
    expect(rn).toMatchObject({ outcome: 'not_found' })
    expect(rg).toMatchObject({ outcome: 'not_found' })
    expect((await get(k1.key)).status).toBe(401)
    expect((await get(r1.key)).status).toBe(200)
    // Rotating the same key again does nothing more.
    const twice = await call(server, 'POST', '/v1/admin/access-review/rotate', {
      token: admin,
      body: { principal_ids: [k1.principal_id] },
    })
    expect(twice.json.results[0].outcome).toBe('already_revoked')

    // With an overlap, the old key works until it ends; the successor never expires like its predecessor.
    const single = await call(server, 'POST', `/v1/admin/clients/${client.id}/keys/${k2.id}/rotate`, {
      token: admin,
      body: { overlap_seconds: 300 },
    })
    expect(single.status).toBe(201)
    expect(single.json).toMatchObject({ expires_in_days: null, expires_at: null, previous: { id: k2.id } })
    expect((await get(k2.key)).status).toBe(200)
    expect((await get(single.json.key)).status).toBe(200)
    server.clock.advance(301 * SECOND)
    expect((await get(k2.key)).status).toBe(401)

    // Revoke: the successor key and the partner account.
    expect((await call(server, 'GET', '/v1/sessions/current', { token: partner.token })).status).toBe(200)
    const revoked = await call(server, 'POST', '/v1/admin/access-review/revoke', {
      token: admin,
      body: { principal_ids: [r1.successor.principal_id, `account:${partner.id}`, `account:${adminId}`] },
    })
    expect(revoked.status).toBe(200)
    expect(revoked.json.results).toEqual([
      { principal_id: r1.successor.principal_id, outcome: 'revoked' },
      { principal_id: `account:${partner.id}`, outcome: 'revoked', sessions_ended: 1 },
      expect.objectContaining({ principal_id: `account:${adminId}`, outcome: 'not_applicable' }),
    ])
    expect((await get(r1.key)).status).toBe(401)
    expect((await call(server, 'GET', '/v1/sessions/current', { token: partner.token })).status).toBe(401)
    const login = () =>
      call(server, 'POST', '/v1/sessions', {
        body: { identifier: partner.user.username, password: partner.user.password },
      })
    expect((await login()).status).toBe(401)
    // A completed password reset clears the login lock of "this wasn't me"; not a revocation.
    server.smtp.clear()
    expect(
      (await call(server, 'POST', '/v1/recovery', { body: { identifier: partner.user.username } })).status,
    ).toBe(202)
    await server.deliver()
    const mail = await server.smtp.waitFor(
      (m) => m.to.includes(partner.user.email) && /reset/i.test(m.subject),
    )
    server.clock.advance(30 * SECOND)
    const reset = await call(server, 'POST', '/v1/recovery/complete', {
      body: {
        token: server.smtp.tokenFrom(mail),
        password: 'walnut harbour 42 pylon',
        code: totpCodeAt(partner.secret!, server.clock.now()),
      },
    })
    expect(reset.status, reset.body).toBe(200)
    partner.user.password = 'walnut harbour 42 pylon'
    expect((await server.app.store.accounts.findById(partner.id))!.lockedAt).not.toBeNull()
    expect((await login()).status).toBe(401)
    await server.app.store.accounts.setLocked(partner.id, null, server.clock.now())
    expect((await login()).status).toBe(401)
    const again = await call(server, 'POST', '/v1/admin/access-review/revoke', {
      token: admin,
      body: { principal_ids: [`account:${partner.id}`] },
    })
    expect(again.json.results[0].outcome).toBe('already_revoked')
    const inReview = (await review({ kind: 'partner' })).find(
      (p) => p.principal_id === `account:${partner.id}`,
    )
    expect(inReview).toMatchObject({ status: 'revoked', recommended_action: 'none' })

    // An administrator reinstates it: login opens again (and asks for the factor).
    const back = await call(server, 'POST', `/v1/admin/partners/${partner.id}/reinstate`, { token: admin })
    expect(back.status).toBe(200)
    expect(back.json.access_revoked_at).toBeNull()
    const after = await login()
    expect(after.status).toBe(200)
    expect(after.json.mfa_required).toBe(true)

    const audit = (await call(server, 'GET', '/v1/admin/audit?limit=20', { token: admin })).json
      .entries as Array<{
      action: string
      actor: string
      target: string
    }>
    const adminNow = `account:${await accountIdOf(server, admin)}`
    const pick = (action: string) => audit.filter((e) => e.action === action).map((e) => e.target)
    expect(pick('access.rotate')).toEqual([k1.principal_id])
    expect(pick('api_key.rotate')).toEqual([k2.principal_id])
    expect(pick('access.revoke').sort()).toEqual([r1.successor.principal_id, `account:${partner.id}`].sort())
    expect(pick('access.reinstate')).toEqual([`account:${partner.id}`])
    for (const e of audit.filter((x) => x.action.startsWith('access.'))) expect(e.actor).toBe(adminNow)
    expect(JSON.stringify(audit)).not.toContain(r1.key.slice('ghk_12345678_'.length))
  })

  it('rotates a key once when rotations race: one successor, the other told it was rotated already', async () => {
    const client = await newClient('race')
    const k = await newKey(client.id, ['access:read'])
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        call(server, 'POST', '/v1/admin/access-review/rotate', {
          token: admin,
          body: { principal_ids: [k.principal_id] },
        }),
      ),
    )
    const outcomes = results.map((r) => r.json.results[0].outcome).sort()
    expect(outcomes).toEqual([
      'already_revoked',
      'already_revoked',
      'already_revoked',
      'already_revoked',
      'already_revoked',
      'rotated',
    ])
    const keys = (await call(server, 'GET', `/v1/admin/clients/${client.id}/keys`, { token: admin })).json
      .keys
    expect(keys).toHaveLength(2)
  })

  it('links a partner account to a client and shows it in the review', async () => {
    const client = await newClient('partner org')
    const partner = await roleSession(server, 'partner')
    const linked = await call(server, 'PATCH', `/v1/admin/partners/${partner.id}`, {
      token: admin,
      body: { client_id: client.id },
    })
    expect(linked.status).toBe(200)
    expect(linked.json.client_id).toBe(client.id)
    const entry = (await review({ kind: 'partner' })).find((p) => p.principal_id === `account:${partner.id}`)
    expect(entry).toMatchObject({ client_id: client.id, client_name: 'partner org', status: 'active' })
    const notPartner = await call(server, 'PATCH', `/v1/admin/partners/${adminId}`, {
      token: admin,
      body: { client_id: client.id },
    })
    expect(notPartner.status).toBe(404)
  })

  it('flags unused, over-scoped, unprotected, old and never-expiring access, and recommends an action', async () => {
    // Last: the clock moves more than a year.
    const owner = await roleSession(server, 'partner', false)
    const strong = await newClient('strong')
    const weak = await newClient('weak', owner.id)
    const star = await newKey(strong.id, ['*'], 3650)
    const old = await newKey(strong.id, ['detections:read'], 3650)
    const idle = await newKey(strong.id, ['access:write', 'detections:read'], 3650)
    const never = await newKey(strong.id, ['detections:read'], null)
    const weakKey = await newKey(weak.id, ['detections:read'], 3650)
    const use = async () => {
      for (const k of [star, old, never, weakKey]) {
        expect((await call(server, 'GET', '/v1/admin/detections', { token: k.key })).status).toBe(200)
      }
    }
    await use()
    server.clock.advance(300 * DAY)
    await use()
    server.clock.advance(66 * DAY)
    await use()
    // Now 366 days on. Partner accounts made now: one without a factor, one with.
    const bare = await roleSession(server, 'partner', false)
    const guarded = await roleSession(server, 'partner', true)
    const fresh = await newKey(strong.id, ['detections:read'], null, star.key)

    const all = await review({}, star.key)
    const of = (id: string) => all.find((e) => e.principal_id === id)!
    expect(of(star.principal_id)).toMatchObject({
      flags: ['wildcard_scope', 'key_older_365d'],
      recommended_action: 'revoke',
    })
    expect(of(old.principal_id)).toMatchObject({ flags: ['key_older_365d'], recommended_action: 'rotate' })
    expect(of(idle.principal_id)).toMatchObject({
      flags: ['unused_90d', 'admin_scope', 'key_older_365d'],
      recommended_action: 'revoke',
      last_used_at: null,
    })
    expect(of(idle.principal_id).reason).toMatch(/never used in the 366 days/)
    expect(of(never.principal_id)).toMatchObject({
      flags: ['key_older_365d', 'never_expires'],
      recommended_action: 'rotate',
    })
    expect(of(fresh.principal_id)).toMatchObject({
      flags: ['never_expires'],
      recommended_action: 'set_expiry',
    })
    expect(of(weakKey.principal_id)).toMatchObject({
      flags: ['no_second_factor', 'key_older_365d'],
      owner_account_id: owner.id,
    })
    expect(of(`account:${bare.id}`)).toMatchObject({
      kind: 'partner',
      flags: ['no_second_factor'],
      recommended_action: 'enrol_factor',
    })
    expect(of(`account:${guarded.id}`)).toMatchObject({ flags: [], recommended_action: 'none' })
    // The partner made a year ago logged in then, and not since.
    expect(of(`account:${owner.id}`).flags).toEqual(['unused_90d', 'no_second_factor'])

    // Setting an expiry clears the flag.
    const set = await call(server, 'PATCH', `/v1/admin/clients/${strong.id}/keys/${fresh.id}`, {
      token: star.key,
      body: { expires_in_days: 90 },
    })
    expect(set.status).toBe(200)
    expect((await review({}, star.key)).find((e) => e.principal_id === fresh.principal_id)).toMatchObject({
      flags: [],
      recommended_action: 'none',
    })

    // Filters and sorting.
    const unused = await review({ flag: 'unused_90d' }, star.key)
    expect(unused.map((e) => e.principal_id)).toContain(idle.principal_id)
    expect(unused.every((e) => e.flags.includes('unused_90d'))).toBe(true)
    const both = await review({ flag: 'unused_90d,admin_scope', kind: 'api_key' }, star.key)
    expect(both.map((e) => e.principal_id)).toEqual([idle.principal_id])
    expect((await review({ kind: 'partner' }, star.key)).every((e) => e.kind === 'partner')).toBe(true)
    const byName = (await review({ sort: 'name', order: 'asc' }, star.key)).map((e) =>
      String(e.name).toLowerCase(),
    )
    expect(byName).toEqual([...byName].sort())
    const byRisk = await review({}, star.key)
    expect(byRisk[0]!.recommended_action).toBe('revoke')
    expect(byRisk.at(-1)!.recommended_action).toBe('none')
    expect(
      (await review({ action: 'rotate' }, star.key)).every((e) => e.recommended_action === 'rotate'),
    ).toBe(true)
  })
})

describe.each(databaseKinds())('staff roles on the admin API on %s', (kind) => {
  let server: TestServer
  let admin: string
  beforeAll(async () => {
    server = await createTestServer(kind, { GATEHOUSE_GUARD: 'true', GATEHOUSE_POW_DIFFICULTY: '4' })
    admin = await adminSession(server)
  })
  afterAll(async () => {
    await server?.close()
  })

  /** Opens a detection by failing logins from `ip`, as the guard sees them. */
  const detection = async (ip: string) => {
    for (let i = 0; i < 6; i++) {
      await call(server, 'POST', '/v1/sessions', {
        body: { identifier: `x${i}${ip}`, password: 'nope nope nope' },
        ip,
      })
    }
    return (await server.app.detections.list({ status: 'open' }, 100)).find((x) => x.key === `ip:${ip}`)!.id
  }

  it('lets an auditor read the audit log and the review but change nothing', async () => {
    const auditor = await roleSession(server, 'auditor')
    expect((await call(server, 'GET', '/v1/admin/audit', { token: auditor.token })).status).toBe(200)
    expect((await call(server, 'GET', '/v1/admin/access-review', { token: auditor.token })).status).toBe(200)
    const id = await detection('198.51.100.21')
    for (const [url, body] of [
      [`/v1/admin/detections/${id}/resolve`, {}],
      ['/v1/admin/access-review/revoke', { principal_ids: ['api_key:x'] }],
      ['/v1/admin/clients', { name: 'x', owner_account_id: auditor.id }],
    ] as const) {
      const r = await call(server, 'POST', url, { token: auditor.token, body })
      expect(r.status, url).toBe(403)
      expect(r.json.code).toBe('scope_required')
    }
    expect((await server.app.detections.get(id))?.status).toBe('open')
  })

  it('lets a responder act on detections and access, but grant no scope it lacks', async () => {
    const responder = await roleSession(server, 'responder')
    expect((await call(server, 'GET', '/v1/admin/audit', { token: responder.token })).status).toBe(200)
    const id = await detection('198.51.100.22')
    const resolved = await call(server, 'POST', `/v1/admin/detections/${id}/resolve`, {
      token: responder.token,
      body: {},
    })
    expect(resolved.status).toBe(200)
    const audit = await call(server, 'GET', '/v1/admin/audit?limit=1', { token: admin })
    expect(audit.json.entries[0]).toMatchObject({
      action: 'detection.resolve',
      actor: `account:${responder.id}`,
    })

    const client = await call(server, 'POST', '/v1/admin/clients', {
      token: responder.token,
      body: { name: 'responder tool', owner_account_id: responder.id },
    })
    expect(client.status).toBe(201)
    const keys = `/v1/admin/clients/${client.json.id}/keys`
    // A responder lacks webhooks:write, so it can neither grant it nor `*`.
    for (const scopes of [['*'], ['webhooks:write'], ['detections:read', 'webhooks:write']]) {
      const r = await call(server, 'POST', keys, {
        token: responder.token,
        body: { scopes, expires_in_days: 5 },
      })
      expect(r.status, scopes.join()).toBe(403)
      expect(r.json.code).toBe('scope_required')
    }
    const ok = await call(server, 'POST', keys, {
      token: responder.token,
      body: { scopes: ['detections:read'], expires_in_days: 5 },
    })
    expect(ok.status).toBe(201)
    // Nor rotate a `*` key an administrator made: that would hand it a new `*` secret.
    const star = await call(server, 'POST', keys, {
      token: admin,
      body: { scopes: ['*'], expires_in_days: 5 },
    })
    const rot = await call(server, 'POST', '/v1/admin/access-review/rotate', {
      token: responder.token,
      body: { principal_ids: [star.json.principal_id] },
    })
    expect(rot.json.results[0]).toMatchObject({ outcome: 'scope_required' })
    expect((await call(server, 'GET', '/v1/admin/clients', { token: star.json.key })).status).toBe(200)
    // Revoking it takes nothing it lacks.
    const rev = await call(server, 'POST', '/v1/admin/access-review/revoke', {
      token: responder.token,
      body: { principal_ids: [star.json.principal_id] },
    })
    expect(rev.json.results[0]).toMatchObject({ outcome: 'revoked' })
  })

  it('keeps a partner without a second factor to enrolment, and partners out of the admin API', async () => {
    const bare = await roleSession(server, 'partner', false)
    for (const [method, url] of [
      ['GET', '/v1/sessions'],
      ['GET', '/v1/me/events'],
      ['GET', '/v1/admin/access-review'],
    ] as const) {
      const r = await call(server, method, url, { token: bare.token })
      expect(r.status, url).toBe(403)
      expect(r.json.code).toBe('mfa_enrolment_required')
    }
    expect((await call(server, 'POST', '/v1/mfa/totp', { token: bare.token })).status).toBe(201)
    const enrolled = await roleSession(server, 'partner', true)
    expect((await call(server, 'GET', '/v1/sessions', { token: enrolled.token })).status).toBe(200)
    const admin403 = await call(server, 'GET', '/v1/admin/access-review', { token: enrolled.token })
    expect(admin403.status).toBe(403)
    expect(admin403.json.code).toBe('admin_required')
  })
})

/** `gatehouse access-review` reads the database directly, like `gatehouse audit verify`. */
describe('the access-review command', () => {
  let server: TestServer
  let admin: string
  let env: Record<string, string>
  beforeAll(async () => {
    requireBuild()
    server = await createTestServer('sqlite')
    // The command runs on the real clock: this server's clock keeps to it.
    server.clock.set(Date.now())
    admin = await adminSession(server)
    env = {
      GATEHOUSE_DATA_DIR: server.db.dataDir,
      GATEHOUSE_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
    }
  })
  afterAll(async () => {
    await server?.close()
  })

  it('prints the review as a table or CSV, and revokes with the actor cli', async () => {
    const adminId = await accountIdOf(server, admin)
    const client = await call(server, 'POST', '/v1/admin/clients', {
      token: admin,
      body: { name: '@cli, "quoted" client', owner_account_id: adminId },
    })
    const key = await call(server, 'POST', `/v1/admin/clients/${client.json.id}/keys`, {
      token: admin,
      body: { scopes: ['*'], expires_in_days: null },
    })
    const table = await runCli(['access-review'], env)
    expect(table.code, table.stderr).toBe(0)
    const line = table.stdout.split('\n').find((l) => l.startsWith(key.json.principal_id))!
    expect(line).toContain('wildcard_scope,never_expires')
    expect(line).toContain('revoke')
    expect(table.stdout).toMatch(/^PRINCIPAL\s+KIND\s+NAME/)

    const csv = await runCli(['access-review', '--csv', '--flag', 'wildcard_scope'], env)
    expect(csv.code).toBe(0)
    const rows = parseCsv(csv.stdout)
    expect(rows[0]).toEqual([...CSV_COLUMNS])
    expect(rows).toHaveLength(2)
    expect(rows[1]![CSV_COLUMNS.indexOf('client_name')]).toBe(`'@cli, "quoted" client`)
    expect((await runCli(['access-review', '--flag', 'nope'], env)).code).toBe(1)

    const revoked = await runCli(['access-review', 'revoke', key.json.principal_id, 'api_key:missing'], env)
    expect(revoked.stdout).toContain(`${key.json.principal_id}: revoked`)
    expect(revoked.stdout).toContain('api_key:missing: not_found')
    expect(revoked.code).toBe(1)
    server.clock.set(Date.now())
    expect((await call(server, 'GET', '/v1/admin/clients', { token: key.json.key })).status).toBe(401)
    const audit = await call(server, 'GET', '/v1/admin/audit?limit=1', { token: admin })
    expect(audit.json.entries[0]).toMatchObject({
      actor: 'cli',
      action: 'access.revoke',
      target: key.json.principal_id,
    })
  }, 120_000)
})
