import { createHash, randomBytes } from 'node:crypto'
import type { SqlDatabase } from '../../src/adapters/sql/database.js'
import { SqlOidcClientRepository } from '../../src/adapters/sql/oidc-repository.js'
import type { OidcClientRecord } from '../../src/modules/oidc/ports.js'
import { call, signUpAndLogin, type TestServer } from './server.js'

/*
 * An application of the OpenID Connect provider, driven through Fastify's inject: a client
 * registered straight in the database, and the browser's hops of an authorization request carried
 * with a cookie jar.
 */

export const ISSUER = 'https://id.example.test'

export interface TestClient {
  id: string
  secret: string
  redirectUri: string
}

let n = 0

/**
 * A client's stored record and its secret (shown once in real life), registered straight in the
 * database (the admin API's own tests cover registration): a confidential first-party web
 * application with every scope, unless `over` says otherwise.
 */
export const storeClient = async (
  db: SqlDatabase,
  at: number,
  over: Partial<OidcClientRecord> & { redirectUris: string[] },
): Promise<{ record: OidcClientRecord; secret: string }> => {
  n += 1
  const secret = `ghs_${randomBytes(32).toString('base64url')}`
  const record: OidcClientRecord = {
    id: `ghc_test${process.pid}x${n}`,
    name: `Test application ${n}`,
    description: null,
    ownerAccountId: null,
    contact: null,
    firstParty: true,
    public: false,
    tokenEndpointAuthMethod: 'client_secret_basic',
    secretHash: createHash('sha256').update(secret).digest('hex'),
    secretCreatedAt: at,
    postLogoutRedirectUris: [],
    scopes: ['openid', 'profile', 'email', 'phone', 'offline_access'],
    grantTypes: ['authorization_code', 'refresh_token'],
    requireAcr: null,
    backchannelLogoutUri: null,
    accessTokenFormat: 'opaque',
    createdBy: 'test',
    createdAt: at,
    updatedAt: at,
    disabledAt: null,
    lastUsedAt: null,
    ...over,
  }
  await new SqlOidcClientRepository(db.db).create(record)
  return { record, secret }
}

/** Registers a client of https://app.example in the server's database. */
export const registerClient = async (
  s: TestServer,
  over: Partial<OidcClientRecord> = {},
): Promise<TestClient & { record: OidcClientRecord }> => {
  const { record, secret } = await storeClient(s.app.database, s.clock.now(), {
    redirectUris: ['https://app.example/cb'],
    postLogoutRedirectUris: ['https://app.example/bye'],
    ...over,
  })
  return { id: record.id, secret, redirectUri: record.redirectUris[0] ?? '', record }
}

/** Cookies as a browser keeps them for the issuer (path and expiry ignored). */
export class CookieJar {
  readonly #cookies = new Map<string, string>()
  set(name: string, value: string): void {
    this.#cookies.set(name, value)
  }
  take(setCookie: string | string[] | number | undefined): void {
    for (const c of ([] as string[]).concat(typeof setCookie === 'number' ? [] : (setCookie ?? []))) {
      const [pair = ''] = c.split(';')
      const i = pair.indexOf('=')
      const [name, value] = [pair.slice(0, i).trim(), pair.slice(i + 1)]
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(c)) this.#cookies.delete(name)
      else this.#cookies.set(name, value)
    }
  }
  header(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }
}

export const pkce = () => {
  const verifier = randomBytes(32).toString('base64url')
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') }
}

export interface Hop {
  status: number
  location: string
  body: string
}

/**
 * Follows the browser's redirects from an authorization request until it leaves the issuer (the
 * application's redirect URI, or a page of Gatehouse such as /sign-in): returns every hop.
 */
export const follow = async (s: TestServer, jar: CookieJar, start: string, maxHops = 10): Promise<Hop[]> => {
  const hops: Hop[] = []
  let url = start
  for (let i = 0; i < maxHops; i++) {
    const r = await s.app.http.inject({ method: 'GET', url, headers: { cookie: jar.header() } })
    jar.take(r.headers['set-cookie'])
    const location = typeof r.headers.location === 'string' ? r.headers.location : ''
    hops.push({ status: r.statusCode, location, body: r.body })
    if (!location) break
    const issuer = s.app.config.publicUrl.replace(/\/$/, '')
    const next = location.startsWith(issuer) ? location.slice(issuer.length) : location
    if (!next.startsWith('/oidc/') || next.startsWith('http')) break
    url = next
  }
  return hops
}

/** An authorization request's URL (code flow with PKCE S256 unless `params` says otherwise). */
export const authorizeUrl = (client: TestClient, challenge: string, params: Record<string, string> = {}) =>
  `/oidc/auth?${new URLSearchParams({
    client_id: client.id,
    response_type: 'code',
    scope: 'openid email offline_access',
    redirect_uri: client.redirectUri,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: randomBytes(8).toString('hex'),
    nonce: randomBytes(8).toString('hex'),
    ...params,
  })}`

/**
 * Signs in through the provider with a Gatehouse session token in the browser's cookie; returns the
 * code (or the error) the application receives, and what it sent.
 */
export const authorize = async (
  s: TestServer,
  client: TestClient,
  sessionToken: string | null,
  params: Record<string, string> = {},
  jar = new CookieJar(),
) => {
  if (sessionToken) jar.set('gh_session', sessionToken)
  const { verifier, challenge } = pkce()
  const url = authorizeUrl(client, challenge, params)
  const sent = new URL(url, ISSUER).searchParams
  const hops = await follow(s, jar, url)
  const last = hops.at(-1)?.location ?? ''
  const back = last.startsWith(client.redirectUri) ? new URL(last).searchParams : null
  return {
    hops,
    jar,
    verifier,
    sent,
    /** Where the browser was sent last (the application's redirect URI, or a Gatehouse page). */
    last,
    code: back?.get('code') ?? null,
    error: back?.get('error') ?? null,
    state: back?.get('state') ?? null,
  }
}

/** A form POST to a provider endpoint, with the client's Basic credentials unless `auth` is null. */
export const formPost = async (
  s: TestServer,
  path: string,
  form: Record<string, string>,
  auth: { id: string; secret: string } | null,
  headers: Record<string, string> = {},
) => {
  const r = await s.app.http.inject({
    method: 'POST',
    url: path,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(auth
        ? { authorization: `Basic ${Buffer.from(`${auth.id}:${auth.secret}`).toString('base64')}` }
        : {}),
      ...headers,
    },
    payload: new URLSearchParams(form).toString(),
  })
  let json: Record<string, unknown> = {}
  try {
    json = JSON.parse(r.body) as Record<string, unknown>
  } catch {}
  return { status: r.statusCode, json, headers: r.headers }
}

/** Exchanges a code at the token endpoint. */
export const exchange = (s: TestServer, client: TestClient, code: string, verifier: string) =>
  formPost(
    s,
    '/oidc/token',
    { grant_type: 'authorization_code', code, redirect_uri: client.redirectUri, code_verifier: verifier },
    client,
  )

/** The payload of a JWT, unverified (tests verify signatures where it matters). */
export const claimsOf = (jwt: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>

/** Basic credentials of a client, as an Authorization header value. */
export const basic = (client: { id: string; secret: string }) =>
  `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`

/**
 * A new account signed in to the client: its Gatehouse session, the authorization (with
 * prompt=consent, so offline_access yields a refresh token) and the token response.
 */
export const signedIn = async (s: TestServer, client: TestClient, params: Record<string, string> = {}) => {
  const { token: session, user } = await signUpAndLogin(s)
  const a = await authorize(s, client, session, { prompt: 'consent', ...params })
  if (!a.code) throw new Error(`no code: ${a.last}`)
  const t = await exchange(s, client, a.code, a.verifier)
  if (t.status !== 200) throw new Error(`token: ${t.status} ${JSON.stringify(t.json)}`)
  return {
    session,
    user,
    a,
    t,
    access: String(t.json.access_token),
    refresh: String(t.json.refresh_token),
    idToken: String(t.json.id_token),
  }
}

/** Token introspection (RFC 7662) by the client. */
export const introspect = (s: TestServer, client: { id: string; secret: string }, token: string) =>
  formPost(s, '/oidc/token/introspection', { token }, client)

/** The userinfo endpoint with a bearer access token. */
export const userinfo = (s: TestServer, accessToken: string) =>
  call(s, 'GET', '/oidc/userinfo', { token: accessToken })

/** A refresh-token grant by the client. */
export const refresh = (s: TestServer, client: { id: string; secret: string }, refreshToken: string) =>
  formPost(s, '/oidc/token', { grant_type: 'refresh_token', refresh_token: refreshToken }, client)

/** Disables a client the way the admin API does (its `disabledAt` set). */
export const disableClient = (s: TestServer, id: string) =>
  new SqlOidcClientRepository(s.app.database.db).update(id, { disabledAt: s.clock.now() }, s.clock.now())
