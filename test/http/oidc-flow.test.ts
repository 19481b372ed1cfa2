import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { totpCodeAt } from '../../src/modules/mfa/totp.js'
import { databaseKinds } from '../helpers/databases.js'
import { authorize, claimsOf, exchange, formPost, registerClient } from '../helpers/oidc.js'
import { call, createTestServer, signUpAndLogin, type TestServer, withTotp } from '../helpers/server.js'

describe.each(databaseKinds())('OpenID Connect code flow (%s)', (kind) => {
  let s: TestServer
  beforeAll(async () => {
    s = await createTestServer(kind)
  })
  afterAll(() => s?.close())

  it('signs a Gatehouse session into a first-party application: code, tokens, userinfo, refresh', async () => {
    const client = await registerClient(s)
    const { token } = await signUpAndLogin(s)
    // offline_access (a refresh token) is granted only with prompt=consent (OpenID Connect Core 11).
    const a = await authorize(s, client, token, { prompt: 'consent' })
    expect(a.error).toBeNull()
    expect(a.state).toBe(a.sent.get('state'))
    const t = await exchange(s, client, a.code ?? '', a.verifier)
    expect(t.status).toBe(200)
    const id = claimsOf(String(t.json.id_token))
    expect(id).toMatchObject({
      acr: 'urn:gatehouse:acr:pwd',
      amr: ['pwd'],
      nonce: a.sent.get('nonce'),
      aud: client.id,
    })
    const ui = await call(s, 'GET', '/oidc/userinfo', { token: String(t.json.access_token) })
    expect(ui.status).toBe(200)
    expect(ui.json.sub).toBe(id.sub)
    expect(ui.json.email_verified).toBe(true)
    const r = await formPost(
      s,
      '/oidc/token',
      { grant_type: 'refresh_token', refresh_token: String(t.json.refresh_token) },
      client,
    )
    expect(r.status, JSON.stringify(r.json)).toBe(200)
    expect(r.json.refresh_token).not.toBe(t.json.refresh_token)
  })

  it('says mfa in acr and amr after a sign-in with a TOTP code', async () => {
    const client = await registerClient(s, { requireAcr: 'mfa' })
    const { user, secret } = await withTotp(s)
    const first = await call(s, 'POST', '/v1/sessions', {
      body: { identifier: user.username, password: user.password },
    })
    const second = await call(s, 'POST', '/v1/sessions/mfa', {
      body: {
        challenge_id: first.json.challenge_id,
        method: 'totp',
        code: totpCodeAt(secret, s.clock.now()),
      },
    })
    expect(second.status).toBe(201)
    const a = await authorize(s, client, second.json.token)
    const t = await exchange(s, client, a.code ?? '', a.verifier)
    expect(claimsOf(String(t.json.id_token))).toMatchObject({
      acr: 'urn:gatehouse:acr:mfa',
      amr: ['pwd', 'otp', 'mfa'],
    })
  })

  it('sends a password-only session of a client that requires MFA to the sign-in page', async () => {
    const client = await registerClient(s, { requireAcr: 'mfa' })
    const { token } = await signUpAndLogin(s)
    const a = await authorize(s, client, token)
    expect(a.code).toBeNull()
    expect(a.last).toMatch(/^\/sign-in\?interaction=[^&]+&reauth=1&level=mfa$/)
  })

  it('answers an unknown interaction, or one without its cookie, with interaction_expired (never a 500)', async () => {
    for (const [method, url] of [
      ['GET', '/oidc/interaction/abc'],
      ['GET', '/oidc/interaction/abc/details'],
      ['POST', '/oidc/interaction/abc/consent'],
    ] as const) {
      const r = await call(s, method, url, method === 'POST' ? { body: { approve: true } } : {})
      expect(r.status, url).toBe(400)
      expect(r.json.code).toBe('interaction_expired')
    }
    // A real interaction, asked for by another browser (without its cookie).
    const client = await registerClient(s)
    const started = await authorize(s, client, null)
    const uid = started.last.match(/interaction=([^&]+)/)?.[1] ?? ''
    expect(uid).not.toBe('')
    const stranger = await call(s, 'GET', `/oidc/interaction/${uid}/details`)
    expect(stranger.json.code).toBe('interaction_expired')
  })
})

describe('authorization requests per source', () => {
  let s: TestServer
  beforeAll(async () => {
    s = await createTestServer('sqlite', { GATEHOUSE_OIDC_AUTHORIZE_LIMIT_IP: '5/60' })
  })
  afterAll(() => s?.close())

  it('refuses an address past its budget with 429 and Retry-After, and serves another address', async () => {
    const client = await registerClient(s)
    const url = `/oidc/auth?${new URLSearchParams({ client_id: client.id, response_type: 'code', scope: 'openid', redirect_uri: client.redirectUri, code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' })}`
    const from = (ip: string) => s.app.http.inject({ method: 'GET', url, remoteAddress: ip })
    for (let i = 0; i < 5; i++) expect((await from('203.0.113.7')).statusCode).toBe(303)
    const refused = await from('203.0.113.7')
    expect(refused.statusCode).toBe(429)
    expect(JSON.parse(refused.body).code).toBe('rate_limited')
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0)
    expect((await from('198.51.100.9')).statusCode).toBe(303)
  })
})
