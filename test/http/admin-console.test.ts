import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CONSOLE_CSP, consoleRoutes } from '../../src/http/console-routes.js'
import { createHttpServer } from '../../src/http/server.js'
import { MINUTE } from '../../src/kernel/clock.js'
import { createMetrics } from '../../src/metrics.js'
import { api, problem, type Query } from '../helpers/api.js'
import { databaseKinds } from '../helpers/databases.js'
import {
  adminSession,
  call,
  createTestServer,
  freshUser,
  signUpAndLogin,
  type TestServer,
} from '../helpers/server.js'

/** The admin APIs behind the console: figures for the overview, and account search, detail and revoke. */
describe.each(databaseKinds())('console admin APIs on %s', (kind) => {
  let server: TestServer
  let admin: string
  beforeAll(async () => {
    server = await createTestServer(kind, { GATEHOUSE_GUARD: 'true', GATEHOUSE_POW_DIFFICULTY: '4' })
    admin = await adminSession(server)
  })
  afterAll(async () => {
    await server?.close()
  })

  const asAdmin = () => api(server, { token: admin })
  const stats = async (window: Query<'/v1/admin/stats'>['window'] = 'hour') => {
    const r = await asAdmin().GET('/v1/admin/stats', { params: { query: { window } } })
    expect(r.response.status).toBe(200)
    return r.data!
  }
  const auditHead = async () =>
    (await asAdmin().GET('/v1/admin/audit', { params: { query: { limit: 5 } } })).data!.entries
  const lookup = (q: string) => asAdmin().GET('/v1/admin/accounts', { params: { query: { q } } })
  const detailOf = (id: string) => asAdmin().GET('/v1/admin/accounts/{id}', { params: { path: { id } } })

  it('counts logins, recovery requests against messages sent and suppressed, and guard responses per bucket', async () => {
    const before = await stats()
    expect(before.window).toBe('hour')
    expect(before.bucket_seconds).toBe(300)
    expect(before.buckets).toHaveLength(12)
    // The admin's own login (password, then TOTP) is in the current bucket.
    expect(before.totals.logins_succeeded).toBeGreaterThanOrEqual(1)

    const user = freshUser('stats')
    await signUpAndLogin(server, user)
    for (let i = 0; i < 2; i++) {
      await api(server, { ip: '203.0.113.9' }).POST('/v1/sessions', {
        body: { identifier: user.username, password: 'wrong wrong wrong' },
      })
    }
    for (let i = 0; i < 6; i++) {
      const r = await api(server, { ip: `192.0.2.${i + 1}` }).POST('/v1/recovery', {
        body: { identifier: user.email },
      })
      expect(r.response.status).toBe(202)
    }
    await server.deliver()
    // Six distinct unknown identifiers from one address: the guard challenges it.
    for (let i = 0; i < 6; i++) {
      await api(server, { ip: '198.51.100.77' }).POST('/v1/sessions', {
        body: { identifier: `nobody${i}x${Date.now()}`, password: 'nope nope nope' },
      })
    }

    const after = await stats()
    const d = (k: string) => after.totals[k]! - before.totals[k]!
    expect(d('logins_succeeded')).toBe(1)
    // The last unknown identifier may meet the guard's challenge instead of a password check.
    expect(d('logins_failed')).toBeGreaterThanOrEqual(7)
    expect(d('logins_failed')).toBeLessThanOrEqual(8)
    expect(d('recovery_requests')).toBe(6)
    expect(d('recovery_sent')).toBeGreaterThanOrEqual(1)
    expect(d('recovery_suppressed')).toBeGreaterThanOrEqual(1)
    expect(d('recovery_sent') + d('recovery_suppressed')).toBe(6)
    expect(d('challenges') + d('blocks')).toBeGreaterThanOrEqual(1)
    expect(after.open_detections).toBeGreaterThanOrEqual(1)
    expect(Object.values(after.open_detections_by_kind).reduce((a: number, b) => a + Number(b), 0)).toBe(
      after.open_detections,
    )
    // Everything happened now: the last bucket holds it, and it starts at or before now.
    const last = after.buckets.at(-1)!
    expect(Date.parse(last.start)).toBeLessThanOrEqual(server.clock.now())
    expect(Date.parse(after.to)).toBeGreaterThan(server.clock.now())
    expect(last.recovery_requests).toBeGreaterThanOrEqual(6)

    // Twenty minutes on, the same figures sit four buckets back.
    server.clock.advance(20 * MINUTE)
    const later = await stats()
    expect(later.buckets.at(-5)!.recovery_requests).toBe(last.recovery_requests)
    expect(later.buckets.at(-1)!.recovery_requests).toBe(0)
    const day = await stats('day')
    expect(day.buckets).toHaveLength(24)
    expect(day.bucket_seconds).toBe(3600)
    expect(day.totals.recovery_requests).toBe(later.totals.recovery_requests)
  })

  it('refuses bad windows and callers without an admin scope', async () => {
    // Raw: a window outside the route's schema.
    expect((await call(server, 'GET', '/v1/admin/stats?window=week', { token: admin })).status).toBe(400)
    const { token: user } = await signUpAndLogin(server)
    const asUser = api(server, { token: user })
    expect((await asUser.GET('/v1/admin/stats')).response.status).toBe(403)
    expect((await asUser.GET('/v1/admin/accounts', { params: { query: { q: 'x' } } })).response.status).toBe(
      403,
    )
    expect((await api(server).GET('/v1/admin/stats')).response.status).toBe(401)
  })

  it('finds accounts by exact username or email and audits each lookup without the identifier', async () => {
    const user = freshUser('lookup')
    await signUpAndLogin(server, user)
    const byName = await lookup(user.username.toUpperCase())
    expect(byName.response.status).toBe(200)
    expect(byName.data!.kind).toBe('username')
    expect(byName.data!.accounts).toHaveLength(1)
    const found = byName.data!.accounts[0]!
    expect(found.username).toBe(user.username)
    expect(found.email).not.toContain(user.username)
    expect(found.email).toMatch(/^\w\*\*\*@\w\*\*\*\./)

    const byEmail = (await lookup(user.email.toUpperCase())).data!
    expect(byEmail.kind).toBe('email')
    expect(byEmail.accounts[0]!.id).toBe(found.id)

    // No substring search: a prefix of the username finds nothing.
    const partial = (await lookup(user.username.slice(0, 6))).data!
    expect(partial.accounts).toEqual([])
    const phone = await lookup('+14155550123')
    expect(phone.data).toEqual({ kind: 'phone', accounts: [] })
    const bad = await lookup('not valid @')
    expect(bad.response.status).toBe(400)
    expect(problem(bad.error).code).toBe('invalid_request')

    const entries = (await auditHead()).filter((e) => e.action === 'account.lookup')
    expect(entries.map((e) => e.details)).toEqual([
      { kind: 'invalid', found: false },
      { kind: 'phone', found: false },
      { kind: 'username', found: false },
      { kind: 'email', found: true },
      { kind: 'username', found: true },
    ])
    expect(entries[3]!.target).toBe(`account:${found.id}`)
    // The entries as stored: the listing adds the target's current name for a reader that may read
    // accounts (target_account), which is no part of the entry.
    const raw = JSON.stringify(
      (await auditHead()).map(
        ({ target_account: _, actor_info: __, details_accounts: ___, ...stored }) => stored,
      ),
    )
    expect(raw).not.toContain(user.email)
    expect(raw.toLowerCase()).not.toContain(user.username.toLowerCase())
  })

  it('shows an account with sessions, factors and events, and revokes its sessions (audited)', async () => {
    const user = freshUser('detail')
    const { token } = await signUpAndLogin(server, user)
    const id = (await api(server, { token }).GET('/v1/sessions/current')).data!.account.id
    const answer = await detailOf(id)
    expect(answer.response.status).toBe(200)
    const detail = answer.data!
    expect(detail.account.username).toBe(user.username)
    expect(detail.account.flags.email_verified).toBe(true)
    expect(detail.sessions).toHaveLength(1)
    expect(detail.factors).toEqual([])
    expect(detail.events.map((e) => e.type)).toContain('authn_login_success')
    expect(JSON.stringify(detail)).not.toContain(user.email)

    const revoke = (target: string) =>
      asAdmin().POST('/v1/admin/accounts/{id}/sessions/revoke', { params: { path: { id: target } } })
    const revoked = await revoke(id)
    expect(revoked.response.status).toBe(200)
    expect(revoked.data!.revoked).toBe(1)
    expect((await api(server, { token }).GET('/v1/sessions/current')).response.status).toBe(401)
    const [entry] = await auditHead()
    expect(entry).toMatchObject({
      action: 'account.sessions_revoke',
      target: `account:${id}`,
      details: { revoked: 1 },
    })
    expect((await detailOf(id)).data!.sessions).toEqual([])

    expect((await detailOf('nope')).response.status).toBe(404)
    expect((await revoke('nope')).response.status).toBe(404)
  })
})

/** The console's static files: strict CSP, SPA fallback, immutable caching of hashed assets. */
describe('console assets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gh-console-'))
  mkdirSync(join(dir, 'assets'))
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><script type="module" src="/console/assets/app-1a2b.js"></script>',
  )
  writeFileSync(join(dir, 'assets', 'app-1a2b.js'), 'console.log(1)')
  writeFileSync(join(dir, 'assets', 'app-1a2b.css'), 'body{}')

  const serve = async (consoleDir: string | null) => {
    const app = await createHttpServer({
      logger: pino({ level: 'silent' }),
      metrics: createMetrics(),
      bodyLimit: 1 << 20,
      trustProxy: false,
      minClientVersion: undefined,
      version: 'test',
    })
    await consoleRoutes(app, { dir: consoleDir })
    await app.ready()
    return app
  }

  it('serves index.html for every console path, hashed assets as immutable, under the strict CSP', async () => {
    const app = await serve(dir)
    const redirect = await app.inject({ url: '/console' })
    expect(redirect.statusCode).toBe(302)
    expect(redirect.headers.location).toBe('/console/')
    for (const url of ['/console/', '/console/detections/4', '/console/accounts/x%2Fy']) {
      const r = await app.inject({ url })
      expect(r.statusCode).toBe(200)
      expect(r.headers['content-type']).toMatch(/^text\/html/)
      expect(r.headers['content-security-policy']).toBe(CONSOLE_CSP)
      expect(r.headers['cache-control']).toBe('no-cache')
      expect(r.body).toContain('app-1a2b.js')
    }
    const js = await app.inject({ url: '/console/assets/app-1a2b.js' })
    expect(js.statusCode).toBe(200)
    expect(js.headers['content-type']).toMatch(/^text\/javascript/)
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(js.headers['x-content-type-options']).toBe('nosniff')
    expect((await app.inject({ url: '/console/assets/app-1a2b.css' })).headers['content-type']).toMatch(
      /^text\/css/,
    )
    // A missing asset is a 404 problem, never the app.
    const gone = await app.inject({ url: '/console/assets/gone.js' })
    expect(gone.statusCode).toBe(404)
    expect(gone.headers['content-type']).toMatch(/problem\+json/)
    // Only files of the build are ever served (they are read at start): no path leaves it.
    for (const url of [
      '/console/assets/../../package.json',
      '/console/assets/%2e%2e/%2e%2e/package.json',
      '/console/..%2f..%2fpackage.json',
    ]) {
      const r = await app.inject({ url })
      expect([200, 404]).toContain(r.statusCode)
      expect(r.body).not.toContain('"name"')
    }
    expect(CONSOLE_CSP).toContain("default-src 'none'")
    expect(CONSOLE_CSP).toContain("script-src 'self'")
    expect(CONSOLE_CSP).not.toContain('unsafe-inline')
    expect(CONSOLE_CSP).toContain("frame-ancestors 'none'")
    await app.close()
  })

  it('answers a problem, not a blank page, when the console was not built', async () => {
    const app = await serve(null)
    const r = await app.inject({ url: '/console/' })
    expect(r.statusCode).toBe(404)
    expect(r.json().detail).toMatch(/not built/)
    await app.close()
  })
})
