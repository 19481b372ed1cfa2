import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { databaseKinds } from '../helpers/databases.js'
import {
  authorize,
  authorizeUrl,
  basic,
  CookieJar,
  disableClient,
  exchange,
  follow,
  formPost,
  pkce,
  registerClient,
  signedIn,
} from '../helpers/oidc.js'
import { call, createTestServer, signUpAndLogin, type TestServer } from '../helpers/server.js'

/*
 * Client authentication at the token endpoint: the registered method and secret, public clients
 * only with PKCE, and a disabled client as if unknown everywhere.
 */

describe.each(databaseKinds())('OpenID Connect client authentication (%s)', (kind) => {
  let s: TestServer
  let session: string
  beforeAll(async () => {
    s = await createTestServer(kind)
    session = (await signUpAndLogin(s)).token
  })
  afterAll(() => s?.close())

  it('OP-ClientAuth-Basic-wrong-secret: a wrong secret is 401 invalid_client and spends no code', async () => {
    const client = await registerClient(s)
    const a = await authorize(s, client, session)
    const t = await exchange(s, { ...client, secret: `${client.secret}x` }, a.code ?? '', a.verifier)
    expect(t.status).toBe(401)
    expect(t.json.error).toBe('invalid_client')
    expect(t.headers['www-authenticate']).toMatch(/^Basic /)
    expect((await exchange(s, client, a.code ?? '', a.verifier)).status).toBe(200)
  })

  it('OP-ClientAuth-unknown: an unknown client id is 401 invalid_client', async () => {
    const t = await formPost(
      s,
      '/oidc/token',
      { grant_type: 'client_credentials' },
      { id: 'ghc_nope', secret: 'x' },
    )
    expect(t.status).toBe(401)
    expect(t.json.error).toBe('invalid_client')
  })

  it('OP-ClientAuth-Post: the secret in the body works too (oidc-provider takes basic and post alike); a wrong one is invalid_client', async () => {
    const client = await registerClient(s)
    const post = (secret: string, code: string, verifier: string) =>
      formPost(
        s,
        '/oidc/token',
        {
          grant_type: 'authorization_code',
          code,
          redirect_uri: client.redirectUri,
          code_verifier: verifier,
          client_id: client.id,
          client_secret: secret,
        },
        null,
      )
    const a = await authorize(s, client, session)
    const wrong = await post(`${client.secret}x`, a.code ?? '', a.verifier)
    expect(wrong.status).toBe(401)
    expect(wrong.json.error).toBe('invalid_client')
    expect((await post(client.secret, a.code ?? '', a.verifier)).status).toBe(200)
  })

  it('OP-ClientAuth-public: a public client gets a code only with PKCE, and exchanges it without a secret', async () => {
    const pub = await registerClient(s, { public: true, tokenEndpointAuthMethod: 'none', secretHash: null })
    const url = new URL(authorizeUrl(pub, pkce().challenge), 'https://x')
    url.searchParams.delete('code_challenge')
    url.searchParams.delete('code_challenge_method')
    const jar = new CookieJar()
    jar.set('gh_session', session)
    const hops = await follow(s, jar, `${url.pathname}${url.search}`)
    const back = new URL(hops.at(-1)?.location ?? '')
    expect(back.searchParams.get('code')).toBeNull()
    expect(back.searchParams.get('error')).toBe('invalid_request')
    const a = await authorize(s, pub, session)
    const t = await formPost(
      s,
      '/oidc/token',
      {
        grant_type: 'authorization_code',
        code: a.code ?? '',
        redirect_uri: pub.redirectUri,
        code_verifier: a.verifier,
        client_id: pub.id,
      },
      null,
    )
    expect(t.status, JSON.stringify(t.json)).toBe(200)
    expect(t.json.id_token).toEqual(expect.any(String))
  })

  it('OP-ClientAuth-disabled: a disabled client is invalid_client at the token endpoint', async () => {
    const client = await registerClient(s)
    const { refresh } = await signedIn(s, client)
    const a = await authorize(s, client, session)
    await disableClient(s, client.id)
    const t = await exchange(s, client, a.code ?? '', a.verifier)
    expect(t.status).toBe(401)
    expect(t.json.error).toBe('invalid_client')
    const r = await formPost(
      s,
      '/oidc/token',
      { grant_type: 'refresh_token', refresh_token: refresh },
      client,
    )
    expect(r.status).toBe(401)
    expect(r.json.error).toBe('invalid_client')
  })

  it('OP-ClientAuth-disabled: a disabled client gets the error page at /oidc/auth, never a redirect', async () => {
    const client = await registerClient(s)
    await disableClient(s, client.id)
    const jar = new CookieJar()
    jar.set('gh_session', session)
    const [hop, ...rest] = await follow(s, jar, authorizeUrl(client, pkce().challenge))
    expect(rest).toEqual([])
    expect(hop?.status).toBe(400)
    expect(hop?.location).toBe('')
    expect(hop?.body).toContain('invalid_client')
  })

  it('OP-ClientAuth-disabled: a disabled client’s access token is no longer introspected by it', async () => {
    const client = await registerClient(s)
    const { access } = await signedIn(s, client)
    await disableClient(s, client.id)
    const i = await call(s, 'POST', '/oidc/token/introspection', {
      headers: { authorization: basic(client), 'content-type': 'application/x-www-form-urlencoded' },
      rawBody: new URLSearchParams({ token: access }).toString(),
    })
    expect(i.status).toBe(401)
    expect(i.json.error).toBe('invalid_client')
  })
})
