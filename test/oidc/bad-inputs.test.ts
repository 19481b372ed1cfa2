import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { databaseKinds } from '../helpers/databases.js'
import { basic, ISSUER, pkce, registerClient } from '../helpers/oidc.js'
import { createTestServer, signUpAndLogin, type TestServer } from '../helpers/server.js'

/*
 * Hostile inputs (SECURITY-CHECKLIST.md B) in every parameter of the authorization and token
 * endpoints: never a 5xx, never a stack trace, and from /oidc/auth never a redirect anywhere but the
 * issuer or the registered redirect URI.
 */

/** Raw (already percent-encoded) values, as a hostile client would put them on the wire. */
const BAD_VALUES: [string, string][] = [
  ['a very long string (8 KiB)', 'A'.repeat(8192)],
  ['a NUL byte', 'abc%00def'],
  ['an invalid UTF-8 sequence', '%C3%28%FF%FE'],
  ['an overlong UTF-8 encoding', '%C0%AF%E0%80%AF'],
  ['a lone surrogate', '%ED%A0%80'],
  ['a broken percent escape', '%E0%A4%A'],
  ['CR LF and a header', 'x%0D%0ASet-Cookie:%20a=b'],
  ['an SQL payload', "'%20OR%20'1'='1'--"],
  ['a JSON object', '%7B%22%24ne%22%3Anull%7D'],
  ['markup', '%3Cscript%3Ealert(1)%3C%2Fscript%3E'],
  ['an empty value', ''],
]

const AUTH_PARAMS = [
  'client_id',
  'response_type',
  'scope',
  'redirect_uri',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
  'prompt',
  'max_age',
  'acr_values',
  'login_hint',
  'ui_locales',
  'claims',
  'id_token_hint',
  'request',
  'request_uri',
  'resource',
  'response_mode',
]

const TOKEN_PARAMS = [
  'grant_type',
  'code',
  'redirect_uri',
  'code_verifier',
  'refresh_token',
  'client_id',
  'client_secret',
  'scope',
  'resource',
]

/** A stack frame, a file path of the server, or an exception's class name in a body. */
const LEAK =
  /\bat [\w.<>]+ \(|\bat file:|node_modules|\/src\/|\.ts:\d+|\.js:\d+|TypeError|RangeError|URIError/

describe.each(databaseKinds())('OpenID Connect hostile inputs (%s)', (kind) => {
  let s: TestServer
  let client: Awaited<ReturnType<typeof registerClient>>
  let session: string
  let good: Record<string, string>
  beforeAll(async () => {
    s = await createTestServer(kind)
    client = await registerClient(s)
    session = (await signUpAndLogin(s)).token
    good = {
      client_id: client.id,
      response_type: 'code',
      scope: 'openid',
      redirect_uri: encodeURIComponent(client.redirectUri),
      state: 'st',
      nonce: 'n',
      code_challenge: pkce().challenge,
      code_challenge_method: 'S256',
    }
  })
  afterAll(() => s?.close())

  /** The authorization request with `param` set to `raw` (or given twice with `duplicate`). */
  const authQuery = (param: string, raw: string, duplicate = false) => {
    const q = { ...good }
    if (!duplicate) q[param] = raw
    const parts = Object.entries(q).map(([k, v]) => `${k}=${v}`)
    if (duplicate) parts.push(`${param}=${raw}`)
    return `/oidc/auth?${parts.join('&')}`
  }

  const checkAuth = async (url: string, label: string) => {
    const r = await s.app.http.inject({ method: 'GET', url, headers: { cookie: `gh_session=${session}` } })
    expect(r.statusCode, label).toBeLessThan(500)
    expect(r.body, label).not.toMatch(LEAK)
    const location = r.headers.location
    if (typeof location === 'string') {
      const to = new URL(location, ISSUER)
      const back = `${to.origin}${to.pathname}` === client.redirectUri
      expect(to.origin === ISSUER || back, `${label} → ${location}`).toBe(true)
    } else {
      expect(r.statusCode, label).toBeGreaterThanOrEqual(400)
    }
  }

  it.each(BAD_VALUES)(
    'OP-hostile-auth: %s in every parameter of /oidc/auth is never a 5xx',
    async (_name, raw) => {
      for (const p of AUTH_PARAMS) await checkAuth(authQuery(p, raw), `${p}=${raw.slice(0, 40)}`)
    },
  )

  it('OP-hostile-auth: every parameter of /oidc/auth given twice is invalid_request, never a code', async () => {
    for (const p of Object.keys(good)) {
      const r = await s.app.http.inject({ method: 'GET', url: authQuery(p, 'x', true) })
      expect(r.body, p).not.toMatch(LEAK)
      const location = r.headers.location
      if (typeof location === 'string') {
        // With a client and redirect URI it can trust, the provider answers there.
        const back = new URL(location)
        expect(`${back.origin}${back.pathname}`, p).toBe(client.redirectUri)
        expect(back.searchParams.get('error'), p).toBe('invalid_request')
        expect(back.searchParams.get('code'), p).toBeNull()
      } else {
        expect(r.statusCode, p).toBe(400)
        expect(r.body, p).toContain('invalid_request')
      }
    }
  })

  const token = (payload: string, contentType = 'application/x-www-form-urlencoded') =>
    s.app.http.inject({
      method: 'POST',
      url: '/oidc/token',
      headers: { 'content-type': contentType, authorization: basic(client) },
      payload,
    })

  it.each(BAD_VALUES)(
    'OP-hostile-token: %s in every parameter of /oidc/token is a 4xx',
    async (_name, raw) => {
      const base = `grant_type=authorization_code&code=abc&redirect_uri=${good.redirect_uri}&code_verifier=${'v'.repeat(43)}`
      for (const p of TOKEN_PARAMS) {
        const r = await token(`${base}&${p}=${raw}`.replace(new RegExp(`(^|&)${p}=[^&]*&`), '$1'))
        expect(r.statusCode, p).toBeGreaterThanOrEqual(400)
        expect(r.statusCode, p).toBeLessThan(500)
        expect(r.body, p).not.toMatch(LEAK)
      }
    },
  )

  it('OP-hostile-token: duplicated parameters, a JSON body, a huge body and odd content types are 4xx', async () => {
    const cases: [string, string, string?][] = [
      ['duplicate grant_type', 'grant_type=client_credentials&grant_type=authorization_code'],
      ['duplicate code', 'grant_type=authorization_code&code=a&code=b'],
      ['JSON body', JSON.stringify({ grant_type: 'client_credentials' }), 'application/json'],
      ['JSON with an operator', '{"grant_type":{"$ne":null}}', 'application/json'],
      ['truncated JSON', '{"grant_type":', 'application/json'],
      ['a body of 1 MiB', `grant_type=refresh_token&refresh_token=${'A'.repeat(1 << 20)}`],
      [
        'multipart',
        '--x\r\nContent-Disposition: form-data; name="grant_type"\r\n\r\nx\r\n--x--',
        'multipart/form-data; boundary=x',
      ],
      ['text/plain', 'grant_type=client_credentials', 'text/plain'],
      ['__proto__', 'grant_type=authorization_code&__proto__[x]=1&constructor[prototype][y]=2&code=a'],
    ]
    for (const [label, payload, type] of cases) {
      const r = await token(payload, type)
      expect(r.statusCode, label).toBeGreaterThanOrEqual(400)
      expect(r.statusCode, label).toBeLessThan(500)
      expect(r.body, label).not.toMatch(LEAK)
    }
    expect(({} as Record<string, unknown>).x).toBeUndefined()
    expect(({} as Record<string, unknown>).y).toBeUndefined()
  })

  it('OP-hostile-other: garbage at introspection, revocation, userinfo, session/end and jwks is never a 5xx', async () => {
    const requests: { method: 'GET' | 'POST'; url: string; payload?: string; auth?: boolean }[] = [
      { method: 'POST', url: '/oidc/token/introspection', payload: 'token=%ED%A0%80', auth: true },
      {
        method: 'POST',
        url: '/oidc/token/introspection',
        payload: `token=${'A'.repeat(8192)}&token=b`,
        auth: true,
      },
      {
        method: 'POST',
        url: '/oidc/token/revocation',
        payload: 'token=%00&token_type_hint=%C3%28',
        auth: true,
      },
      { method: 'GET', url: '/oidc/userinfo?x=%C3%28' },
      { method: 'POST', url: '/oidc/userinfo', payload: 'access_token=%00' },
      { method: 'GET', url: '/oidc/session/end?id_token_hint=%C3%28&post_logout_redirect_uri=%00' },
      { method: 'GET', url: `/oidc/session/end?id_token_hint=${'a.'.repeat(3000)}` },
      { method: 'GET', url: '/oidc/jwks?%C3%28=%FF' },
      { method: 'GET', url: '/oidc/%C3%28' },
      { method: 'POST', url: '/oidc/par', payload: 'client_id=%00', auth: true },
    ]
    for (const q of requests) {
      const r = await s.app.http.inject({
        method: q.method,
        url: q.url,
        headers: {
          ...(q.payload ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
          ...(q.auth ? { authorization: basic(client) } : {}),
        },
        ...(q.payload ? { payload: q.payload } : {}),
      })
      expect(r.statusCode, q.url).toBeLessThan(500)
      expect(r.body, q.url).not.toMatch(LEAK)
    }
  })
})
