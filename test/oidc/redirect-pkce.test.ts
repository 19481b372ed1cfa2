import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { databaseKinds } from '../helpers/databases.js'
import {
  authorize,
  authorizeUrl,
  CookieJar,
  exchange,
  follow,
  formPost,
  ISSUER,
  pkce,
  registerClient,
  type TestClient,
} from '../helpers/oidc.js'
import { createTestServer, signUpAndLogin, type TestServer } from '../helpers/server.js'

/*
 * OpenID Connect Basic OP: a redirect URI must match a registered one exactly, or the provider
 * shows its own error page and sends the browser nowhere; and the code flow needs PKCE with S256.
 */

/** The browser's hops for an authorization URL with some parameters changed or (undefined) removed. */
const hopsFor = async (
  s: TestServer,
  client: TestClient,
  session: string,
  change: Record<string, string | undefined>,
) => {
  const url = new URL(authorizeUrl(client, pkce().challenge), ISSUER)
  for (const [k, v] of Object.entries(change)) {
    if (v === undefined) url.searchParams.delete(k)
    else url.searchParams.set(k, v)
  }
  const jar = new CookieJar()
  jar.set('gh_session', session)
  return follow(s, jar, `${url.pathname}${url.search}`)
}

describe.each(databaseKinds())('OpenID Connect redirect URIs and PKCE (%s)', (kind) => {
  let s: TestServer
  let client: Awaited<ReturnType<typeof registerClient>>
  let session: string
  beforeAll(async () => {
    s = await createTestServer(kind)
    client = await registerClient(s)
    session = (await signUpAndLogin(s)).token
  })
  afterAll(() => s?.close())

  const refusedRedirects: [string, string][] = [
    ['OP-redirect_uri-NotReg: an unregistered host', 'https://evil.example/cb'],
    ['OP-redirect_uri-NotReg: an unregistered path on the registered host', 'https://app.example/other'],
    ['OP-redirect_uri-Mismatch: a trailing slash', 'https://app.example/cb/'],
    ['OP-redirect_uri-Mismatch: a different case in the path', 'https://app.example/CB'],
    ['OP-redirect_uri-Mismatch: an extra query', 'https://app.example/cb?next=x'],
    ['OP-redirect_uri-Mismatch: a fragment', 'https://app.example/cb#x'],
    ['OP-redirect_uri-Mismatch: http instead of https', 'http://app.example/cb'],
  ]
  it.each(refusedRedirects)('%s gets the error page, never a redirect', async (_name, uri) => {
    const hops = await hopsFor(s, client, session, { redirect_uri: uri })
    expect(hops).toHaveLength(1)
    const [hop] = hops
    expect(hop?.status).toBe(400)
    expect(hop?.location).toBe('')
    expect(hop?.body).toMatch(/^<!doctype html>/)
    expect(hop?.body).toContain('redirect_uri')
    expect(hop?.body).not.toContain(`href="${uri}`)
  })

  it('OP-redirect_uri-Missing: a request without redirect_uri gets the error page, even with one URI registered', async () => {
    // OpenID Connect Core 3.1.2.1 requires the parameter (oidc-provider would otherwise take a sole
    // registered URI: allowOmittingSingleRegisteredRedirectUri is off).
    const [soleHop, ...soleRest] = await hopsFor(s, client, session, { redirect_uri: undefined })
    expect(soleRest).toEqual([])
    expect(soleHop?.status).toBe(400)
    expect(soleHop?.location).toBe('')
    const two = await registerClient(s, {
      redirectUris: ['https://app.example/cb', 'https://app.example/cb2'],
    })
    const [hop, ...rest] = await hopsFor(s, two, session, { redirect_uri: undefined })
    expect(rest).toEqual([])
    expect(hop?.status).toBe(400)
    expect(hop?.location).toBe('')
  })

  it('OP-PKCE-required: a request without code_challenge is refused to the application', async () => {
    const hops = await hopsFor(s, client, session, {
      code_challenge: undefined,
      code_challenge_method: undefined,
    })
    const back = new URL(hops.at(-1)?.location ?? '')
    expect(`${back.origin}${back.pathname}`).toBe(client.redirectUri)
    expect(back.searchParams.get('error')).toBe('invalid_request')
    expect(back.searchParams.get('error_description')).toMatch(/PKCE|code_challenge/)
    expect(back.searchParams.get('code')).toBeNull()
  })

  it('OP-PKCE-plain: code_challenge_method=plain is refused', async () => {
    const { verifier } = pkce()
    const hops = await hopsFor(s, client, session, {
      code_challenge: verifier,
      code_challenge_method: 'plain',
    })
    const back = new URL(hops.at(-1)?.location ?? '')
    expect(back.searchParams.get('error')).toBe('invalid_request')
    expect(back.searchParams.get('code')).toBeNull()
  })

  it('OP-PKCE-verifier-missing: a code exchanged without code_verifier is invalid_grant', async () => {
    const a = await authorize(s, client, session)
    const t = await formPost(
      s,
      '/oidc/token',
      { grant_type: 'authorization_code', code: a.code ?? '', redirect_uri: client.redirectUri },
      client,
    )
    expect(t.status).toBe(400)
    expect(t.json.error).toBe('invalid_grant')
    expect(t.json.access_token).toBeUndefined()
    // The refused exchange did not spend the code: with its verifier it still works.
    expect((await exchange(s, client, a.code ?? '', a.verifier)).status).toBe(200)
  })

  it('OP-PKCE-verifier-wrong: a code exchanged with another verifier is invalid_grant', async () => {
    const a = await authorize(s, client, session)
    const t = await exchange(s, client, a.code ?? '', pkce().verifier)
    expect(t.status).toBe(400)
    expect(t.json.error).toBe('invalid_grant')
    expect(t.json.access_token).toBeUndefined()
  })

  it('OP-redirect_uri-token: a code exchanged with another redirect_uri is invalid_grant', async () => {
    const other = await registerClient(s, {
      redirectUris: ['https://app.example/cb', 'https://app.example/cb2'],
    })
    const a = await authorize(s, other, session)
    const t = await exchange(
      s,
      { ...other, redirectUri: 'https://app.example/cb2' },
      a.code ?? '',
      a.verifier,
    )
    expect(t.status).toBe(400)
    expect(t.json.error).toBe('invalid_grant')
  })
})
