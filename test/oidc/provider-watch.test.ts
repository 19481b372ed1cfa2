import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createLocalJWKSet, jwtVerify } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { databaseKinds } from '../helpers/databases.js'
import { authorize, CookieJar, exchange, formPost, ISSUER, registerClient } from '../helpers/oidc.js'
import { adminSession, call, createTestServer, signUpAndLogin, type TestServer } from '../helpers/server.js'
import { eventually, grantFor } from './grant-checks.js'

/*
 * What Gatehouse watches of its provider: reused codes and refresh tokens, back-channel logout
 * tokens to applications (a real receiver on loopback), the confirmed RP-initiated logout.
 */

/** A receiver of back-channel logout tokens on loopback; answers `status`. */
const receiver = async (status: number) => {
  const bodies: string[] = []
  const server: Server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => {
      body += c.toString()
    })
    req.on('end', () => {
      bodies.push(body)
      res.statusCode = status
      res.end()
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as AddressInfo
  return {
    uri: `http://127.0.0.1:${port}/logout`,
    bodies,
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
}

describe.each(databaseKinds())('the provider watched (%s)', (kind) => {
  let s: TestServer
  let admin: string
  beforeAll(async () => {
    s = await createTestServer(kind, { GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: 'true' })
    admin = await adminSession(s)
  })
  afterAll(() => s?.close())

  const eventsOf = async (type: string) => s.app.store.events.search({ type }, 50)
  const accountIdOf = async (token: string) =>
    String(((await call(s, 'GET', '/v1/sessions/current', { token })).json.account as { id: string }).id)

  it('records a reused code and a replayed refresh token, and the grant ends', async () => {
    const { token } = await signUpAndLogin(s)
    const id = await accountIdOf(token)
    const client = await registerClient(s)
    const a = await authorize(s, client, token, { prompt: 'consent' })
    const first = await exchange(s, client, a.code ?? '', a.verifier)
    expect(first.status).toBe(200)
    expect((await exchange(s, client, a.code ?? '', a.verifier)).status).toBe(400)
    const reuse = (await eventsOf('oidc_token_reuse')).filter((e) => e.details.client_id === client.id)
    expect(reuse).toHaveLength(1)
    expect(reuse[0]).toMatchObject({ accountId: id, details: { kind: 'code' } })
    const intro = await formPost(
      s,
      '/oidc/token/introspection',
      { token: String(first.json.access_token) },
      client,
    )
    expect(intro.json.active).toBe(false)

    const g = await grantFor(s, token)
    const form = { grant_type: 'refresh_token', refresh_token: g.refreshToken }
    expect((await formPost(s, '/oidc/token', form, g.client)).status).toBe(200)
    expect((await formPost(s, '/oidc/token', form, g.client)).status).toBe(400)
    const replay = (await eventsOf('oidc_token_reuse')).filter((e) => e.details.client_id === g.client.id)
    expect(replay[0]).toMatchObject({ accountId: id, details: { kind: 'refresh_token' } })
  })

  it('sends a signed logout token after a forced reset; a failed delivery is recorded', async () => {
    const ok = await receiver(200)
    const failing = await receiver(500)
    try {
      const { token } = await signUpAndLogin(s)
      const id = await accountIdOf(token)
      const g = await grantFor(s, token, { backchannelLogoutUri: ok.uri })
      const bad = await grantFor(s, token, { backchannelLogoutUri: `${failing.uri}?key=secret` })
      const c = await call(s, 'POST', '/v1/admin/campaigns', {
        token: admin,
        body: { selector: { kind: 'accounts', ids: [id] }, action: 'force_password_reset' },
      })
      expect(c.status, c.body).toBe(201)
      await s.app.workers.campaigns.drain()
      await eventually(async () => ok.bodies.length > 0 && failing.bodies.length > 0)
      const logoutToken = new URLSearchParams(ok.bodies[0]).get('logout_token') ?? ''
      const jwks = (await call(s, 'GET', '/oidc/jwks')).json as { keys: never[] }
      const { payload, protectedHeader } = await jwtVerify(logoutToken, createLocalJWKSet(jwks), {
        issuer: ISSUER,
        audience: g.client.id,
      })
      expect(protectedHeader.alg).toMatch(/^(RS256|ES256)$/)
      expect(payload.sub).toBe(id)
      expect(payload.nonce).toBeUndefined()
      expect(payload.events).toEqual({ 'http://schemas.openid.net/event/backchannel-logout': {} })
      await eventually(async () => (await eventsOf('oidc_backchannel_logout_failed')).length > 0)
      const failed = (await eventsOf('oidc_backchannel_logout_failed')).find(
        (e) => e.details.client_id === bad.client.id,
      )
      expect(failed).toMatchObject({ accountId: id, details: { reason: 'http_500' } })
      expect(JSON.stringify(failed?.details)).not.toContain('secret')
    } finally {
      await ok.close()
      await failing.close()
    }
  })

  it('tells the application of grants a revoke_client campaign ended', async () => {
    const ok = await receiver(204)
    try {
      const { token } = await signUpAndLogin(s)
      const id = await accountIdOf(token)
      const g = await grantFor(s, token, { backchannelLogoutUri: ok.uri })
      const c = await call(s, 'POST', '/v1/admin/campaigns', {
        token: admin,
        body: {
          selector: { kind: 'oidc_client', client_id: g.client.id },
          action: 'revoke_client',
          params: { client_id: g.client.id },
        },
      })
      expect(c.status, c.body).toBe(201)
      await s.app.workers.campaigns.drain()
      await eventually(async () => ok.bodies.length > 0)
      const logoutToken = new URLSearchParams(ok.bodies[0]).get('logout_token') ?? ''
      const jwks = (await call(s, 'GET', '/oidc/jwks')).json as { keys: never[] }
      const { payload } = await jwtVerify(logoutToken, createLocalJWKSet(jwks), {
        issuer: ISSUER,
        audience: g.client.id,
      })
      expect(payload.sub).toBe(id)
    } finally {
      await ok.close()
    }
  })

  it('ends the Gatehouse session of the browser when the holder confirms an RP-initiated logout', async () => {
    const { token } = await signUpAndLogin(s)
    const client = await registerClient(s)
    const jar = new CookieJar()
    const a = await authorize(s, client, token, {}, jar)
    const t = await exchange(s, client, a.code ?? '', a.verifier)
    const start = await s.app.http.inject({
      method: 'GET',
      url: `/oidc/session/end?id_token_hint=${t.json.id_token}&client_id=${client.id}`,
      headers: { cookie: jar.header() },
    })
    jar.take(start.headers['set-cookie'])
    const form = /name="xsrf" value="([^"]+)"/.exec(start.body)
    expect(form, start.body).not.toBeNull()
    const confirm = await s.app.http.inject({
      method: 'POST',
      url: '/oidc/session/end/confirm',
      headers: {
        cookie: jar.header(),
        'content-type': 'application/x-www-form-urlencoded',
        // The confirmation form is a page of the issuer.
        'sec-fetch-site': 'same-origin',
      },
      payload: new URLSearchParams({ xsrf: form?.[1] ?? '', logout: 'yes' }).toString(),
    })
    expect(confirm.statusCode, confirm.body).toBe(303)
    const cleared = [confirm.headers['set-cookie']].flat().join('\n')
    expect(cleared).toMatch(/gh_session=;/)
    expect((await call(s, 'GET', '/v1/sessions/current', { token })).status).toBe(401)
  })
})

describe.each(databaseKinds())('back-channel logout in production settings (%s)', (kind) => {
  let s: TestServer
  beforeAll(async () => {
    s = await createTestServer(kind)
  })
  afterAll(() => s?.close())

  it('never reaches a loopback receiver, and says why without the URL', async () => {
    const ok = await receiver(200)
    try {
      const { token } = await signUpAndLogin(s)
      const g = await grantFor(s, token, { backchannelLogoutUri: `${ok.uri}?key=secret` })
      const admin = await adminSession(s)
      const r = await call(s, 'POST', `/v1/admin/oidc/clients/${g.client.id}/revoke-grants`, {
        token: admin,
      })
      expect(r.status, r.body).toBe(200)
      const failed = await s.app.store.events.search({ type: 'oidc_backchannel_logout_failed' }, 5)
      expect(failed[0]?.details).toEqual({ client_id: g.client.id, reason: 'private_address' })
      expect(ok.bodies).toHaveLength(0)
    } finally {
      await ok.close()
    }
  })
})

describe.each(databaseKinds())('the guard in front of the token endpoint (%s)', (kind) => {
  let s: TestServer
  beforeAll(async () => {
    s = await createTestServer(kind, { GATEHOUSE_GUARD: 'true' })
  })
  afterAll(() => s?.close())

  const credentials = (form: Record<string, string>, id: string, secret: string, ip: string) =>
    s.app.http.inject({
      method: 'POST',
      url: '/oidc/token',
      remoteAddress: ip,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
      },
      payload: new URLSearchParams(form).toString(),
    })

  it('holds back an address that keeps failing on a client id; another address still gets in', async () => {
    const client = await registerClient(s, { grantTypes: ['client_credentials'], scopes: ['openid'] })
    const form = { grant_type: 'client_credentials' }
    const statuses: number[] = []
    for (let i = 0; i < 8; i++)
      statuses.push((await credentials(form, client.id, 'ghs_wrong', '198.51.100.7')).statusCode)
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401])
    const held = await credentials(form, client.id, client.secret, '198.51.100.7')
    expect(held.statusCode).toBe(429)
    expect(held.headers['retry-after']).toBeDefined()
    expect(JSON.parse(held.body).code).toBe('rate_limited')
    const other = await credentials(form, client.id, client.secret, '203.0.113.9')
    expect(other.statusCode, other.body).toBe(200)
    const fails = await s.app.store.events.search({ type: 'oidc_client_auth_fail' }, 50)
    expect(fails.length).toBeGreaterThanOrEqual(5)
    expect(fails[0]).toMatchObject({ accountId: null, details: { client_id: client.id, endpoint: 'token' } })
  })
})
