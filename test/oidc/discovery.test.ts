import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { databaseKinds } from '../helpers/databases.js'
import { authorize, ISSUER, registerClient } from '../helpers/oidc.js'
import { call, createTestServer, signUpAndLogin, type TestServer } from '../helpers/server.js'

/*
 * OpenID Connect Config OP: the discovery document and the published keys say what Gatehouse
 * allows of the protocol, and nothing more.
 */

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']

/** An unsigned JWT (alg none), as a request object. */
const unsigned = (payload: Record<string, unknown>) =>
  `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.`

describe.each(databaseKinds())('OpenID Connect discovery (%s)', (kind) => {
  let s: TestServer
  let doc: Record<string, unknown>
  beforeAll(async () => {
    s = await createTestServer(kind)
    doc = (await call(s, 'GET', '/.well-known/openid-configuration')).json
  })
  afterAll(() => s?.close())

  it('OP-Discovery-Config: issuer is the public URL and every endpoint lies under it', () => {
    expect(doc.issuer).toBe(ISSUER)
    const endpoints = [
      'authorization_endpoint',
      'token_endpoint',
      'jwks_uri',
      'userinfo_endpoint',
      'introspection_endpoint',
      'revocation_endpoint',
      'end_session_endpoint',
    ]
    for (const e of endpoints) expect(String(doc[e]), e).toMatch(new RegExp(`^${ISSUER}/oidc/`))
    expect(doc.authorization_endpoint).toBe(`${ISSUER}/oidc/auth`)
    expect(doc.token_endpoint).toBe(`${ISSUER}/oidc/token`)
    expect(doc.jwks_uri).toBe(`${ISSUER}/oidc/jwks`)
  })

  it('OP-Discovery-Config: the issuer stays the public URL whatever Host or X-Forwarded-Host says', async () => {
    const r = await call(s, 'GET', '/.well-known/openid-configuration', {
      headers: { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'http' },
    })
    expect(r.json.issuer).toBe(ISSUER)
    expect(r.body).not.toContain('evil.example')
  })

  it('OP-Discovery-Values: code flow only, PKCE S256 only, no implicit or password grant', () => {
    expect(doc.response_types_supported).toEqual(['code'])
    expect(doc.code_challenge_methods_supported).toEqual(['S256'])
    const grants = doc.grant_types_supported as string[]
    expect(grants).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token']))
    expect(grants).not.toContain('implicit')
    expect(grants).not.toContain('password')
  })

  it('OP-Discovery-Values: ID tokens are signed with RS256 or ES256, never none or HMAC', () => {
    const algs = doc.id_token_signing_alg_values_supported as string[]
    expect([...algs].sort()).toEqual(['ES256', 'RS256'])
    for (const list of Object.keys(doc).filter((k) => k.endsWith('_alg_values_supported'))) {
      const values = doc[list] as string[]
      expect(values, list).not.toContain('none')
      expect(
        values.filter((a) => a.startsWith('HS')),
        list,
      ).toEqual([])
    }
  })

  it('OP-Discovery-JWKs: the key set holds RS256 and ES256 public keys only', async () => {
    const r = await call(s, 'GET', '/oidc/jwks')
    expect(r.status).toBe(200)
    const keys = r.json.keys as Record<string, unknown>[]
    expect(keys.map((k) => k.alg).sort()).toEqual(['ES256', 'RS256'])
    expect(keys.map((k) => k.kty).sort()).toEqual(['EC', 'RSA'])
    for (const k of keys) {
      expect(typeof k.kid).toBe('string')
      for (const m of PRIVATE_MEMBERS) expect(k, `${k.kid} ${m}`).not.toHaveProperty(m)
    }
  })

  it('OP-request-unsigned: a request object signed with alg none is refused', async () => {
    // Request objects are off (no request_parameter_supported): any `request` is refused, so an
    // unsigned one can never carry parameters past the checks.
    expect(doc.request_parameter_supported).not.toBe(true)
    const client = await registerClient(s)
    const { token } = await signUpAndLogin(s)
    const request = unsigned({
      iss: client.id,
      aud: ISSUER,
      client_id: client.id,
      response_type: 'code',
      redirect_uri: client.redirectUri,
      scope: 'openid',
    })
    const a = await authorize(s, client, token, { request })
    expect(a.code).toBeNull()
    expect(a.error).toMatch(/^(request_not_supported|invalid_request_object)$/)
  })
})
