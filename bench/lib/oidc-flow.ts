/**
 * An application of Gatehouse's OpenID Connect provider, for benchmarks: registered straight in the
 * server's SQLite database (as the admin API would), and the browser's hops of a sign-in — the
 * authorization request with a Gatehouse session cookie, the interaction, the resumed request, the
 * code at the redirect URI — then the code's exchange at the token endpoint.
 */
import { createHash, randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { SQLITE_FILE_NAME } from '../../src/adapters/files/private-files.js'
import { openSqlite } from '../../src/adapters/sql/database.js'
import { SqlOidcClientRepository } from '../../src/adapters/sql/oidc-repository.js'

export interface BenchClient {
  id: string
  secret: string
  redirectUri: string
}

/** A confidential first-party client in the database of a server on the embedded default (SQLite in `dataDir`). */
export const registerSqliteClient = async (dataDir: string): Promise<BenchClient> => {
  const database = openSqlite(join(dataDir, SQLITE_FILE_NAME))
  const secret = `ghs_${randomBytes(32).toString('base64url')}`
  const now = Date.now()
  const client: BenchClient = {
    id: `ghc_bench${randomBytes(8).toString('hex')}`,
    secret,
    redirectUri: 'http://127.0.0.1:9/callback',
  }
  try {
    await new SqlOidcClientRepository(database.db).create({
      id: client.id,
      name: 'Benchmark application',
      description: null,
      ownerAccountId: null,
      contact: null,
      firstParty: true,
      public: false,
      tokenEndpointAuthMethod: 'client_secret_basic',
      secretHash: createHash('sha256').update(secret).digest('hex'),
      secretCreatedAt: now,
      redirectUris: [client.redirectUri],
      postLogoutRedirectUris: [],
      scopes: ['openid', 'profile', 'email'],
      grantTypes: ['authorization_code'],
      requireAcr: null,
      backchannelLogoutUri: null,
      accessTokenFormat: 'opaque',
      createdBy: 'bench',
      createdAt: now,
      updatedAt: now,
      disabledAt: null,
      lastUsedAt: null,
    })
  } finally {
    await database.close()
  }
  return client
}

export const basicAuth = (c: BenchClient): string =>
  `Basic ${Buffer.from(`${encodeURIComponent(c.id)}:${encodeURIComponent(c.secret)}`).toString('base64')}`

export interface Tokens {
  access_token: string
  id_token: string
}

/** Cookies of one browser, by name (the provider's cookies are all under the issuer). */
const takeCookies = (jar: Map<string, string>, res: Response) => {
  for (const c of res.headers.getSetCookie()) {
    const [pair = ''] = c.split(';')
    const i = pair.indexOf('=')
    const name = pair.slice(0, i).trim()
    const value = pair.slice(i + 1)
    if (value === '' || /expires=Thu, 01 Jan 1970/i.test(c)) jar.delete(name)
    else jar.set(name, value)
  }
}

/**
 * One complete sign-in of a session into the client: authorization request (PKCE S256) → the
 * interaction, answered from the `gh_session` cookie → the resumed request → the code → the token
 * endpoint. Throws when any hop answers otherwise.
 */
export const codeExchange = async (
  baseUrl: string,
  client: BenchClient,
  sessionToken: string,
): Promise<Tokens> => {
  const jar = new Map([['gh_session', sessionToken]])
  const verifier = randomBytes(32).toString('base64url')
  const challenge = createHash('sha256').update(verifier).digest('base64url')
  let url = `/oidc/auth?${new URLSearchParams({
    client_id: client.id,
    response_type: 'code',
    scope: 'openid profile email',
    redirect_uri: client.redirectUri,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: randomBytes(8).toString('hex'),
    nonce: randomBytes(8).toString('hex'),
  })}`
  let code: string | null = null
  for (let hop = 0; hop < 6 && code === null; hop++) {
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
    const res = await fetch(`${baseUrl}${url}`, { redirect: 'manual', headers: { cookie } })
    takeCookies(jar, res)
    await res.arrayBuffer()
    const location = res.headers.get('location')
    if (res.status !== 303 && res.status !== 302) throw new Error(`${url}: ${res.status}`)
    if (!location) throw new Error(`${url}: no location`)
    if (location.startsWith(client.redirectUri)) {
      const back = new URL(location).searchParams
      code = back.get('code')
      if (!code) throw new Error(`sent back without a code: ${location}`)
    } else {
      const next = new URL(location, baseUrl)
      url = `${next.pathname}${next.search}`
    }
  }
  if (code === null) throw new Error('no code after 6 hops')
  const res = await fetch(`${baseUrl}/oidc/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(client) },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: client.redirectUri,
      code_verifier: verifier,
    }).toString(),
  })
  const json = (await res.json()) as Partial<Tokens> & { error?: string }
  if (res.status !== 200 || !json.access_token || !json.id_token)
    throw new Error(`token endpoint: ${res.status} ${json.error ?? ''}`)
  return { access_token: json.access_token, id_token: json.id_token }
}
