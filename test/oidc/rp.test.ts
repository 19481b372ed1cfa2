import * as oidc from 'openid-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { databaseKinds } from '../helpers/databases.js'
import { CookieJar, registerClient } from '../helpers/oidc.js'
import { createListeningServer } from '../helpers/oidc-server.js'
import { signUpAndLogin, type TestServer } from '../helpers/server.js'

/*
 * openid-client, the relying-party library, against a listening Gatehouse: it discovers the
 * provider, builds the request (PKCE S256, state, nonce), checks the callback and the ID token's
 * signature, and uses every endpoint an application uses. The browser's hops are plain fetches
 * with a cookie jar holding a Gatehouse session.
 */

const REDIRECT = 'https://app.example/cb'

/** Follows the browser's redirects from `start` until they leave the issuer; the last Location. */
const browse = async (origin: string, jar: CookieJar, start: URL): Promise<string> => {
  let url = start.href
  for (let i = 0; i < 10; i++) {
    const r = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } })
    jar.take(r.headers.getSetCookie())
    const location = r.headers.get('location')
    if (!location) throw new Error(`stopped at ${url}: ${r.status} ${await r.text()}`)
    const next = new URL(location, url)
    if (next.origin !== origin || !next.pathname.startsWith('/oidc/')) return next.href
    url = next.href
  }
  throw new Error('too many redirects')
}

/** The message of a refused promise with its causes (openid-client wraps oauth4webapi's errors). */
const failure = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p
  } catch (err) {
    const messages: string[] = []
    for (let e: unknown = err; e instanceof Error; e = e.cause) messages.push(e.message)
    return messages.join(' / ')
  }
  throw new Error('expected a refusal')
}

describe.each(databaseKinds())('openid-client against Gatehouse (%s)', (kind) => {
  let s: TestServer & { origin: string }
  let config: oidc.Configuration
  let registered: Awaited<ReturnType<typeof registerClient>>
  beforeAll(async () => {
    s = await createListeningServer(kind)
    registered = await registerClient(s, { redirectUris: [REDIRECT] })
    config = await oidc.discovery(
      new URL(s.origin),
      registered.id,
      { client_secret: registered.secret },
      oidc.ClientSecretBasic(registered.secret),
      { execute: [oidc.allowInsecureRequests] },
    )
    // The ID token's signature is then verified against /oidc/jwks (the code flow skips it by default).
    oidc.enableNonRepudiationChecks(config)
  })
  afterAll(() => s?.close())

  /** A new account signed in through the provider: the callback URL and the checks it must pass. */
  const signIn = async (extra: Record<string, string> = {}) => {
    const { token } = await signUpAndLogin(s)
    const jar = new CookieJar()
    jar.set('gh_session', token)
    const pkceCodeVerifier = oidc.randomPKCECodeVerifier()
    const expectedState = oidc.randomState()
    const expectedNonce = oidc.randomNonce()
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid email profile offline_access',
      prompt: 'consent',
      code_challenge: await oidc.calculatePKCECodeChallenge(pkceCodeVerifier),
      code_challenge_method: 'S256',
      state: expectedState,
      nonce: expectedNonce,
      ...extra,
    })
    const callback = new URL(await browse(s.origin, jar, url))
    return {
      jar,
      callback,
      checks: { pkceCodeVerifier, expectedState, expectedNonce, idTokenExpected: true },
    }
  }

  it('RP-discovery: openid-client reads the issuer, endpoints, PKCE and algorithms', () => {
    const m = config.serverMetadata()
    expect(m.issuer).toBe(s.origin)
    expect(m.token_endpoint).toBe(`${s.origin}/oidc/token`)
    expect(m.code_challenge_methods_supported).toEqual(['S256'])
    expect(m.supportsPKCE()).toBe(true)
  })

  it('RP-code-flow: authorizationCodeGrant, fetchUserInfo, refreshTokenGrant, tokenIntrospection, tokenRevocation', async () => {
    const { callback, checks } = await signIn()
    expect(callback.origin + callback.pathname).toBe(REDIRECT)
    const tokens = await oidc.authorizationCodeGrant(config, callback, checks)
    const claims = tokens.claims()
    expect(claims).toMatchObject({ iss: s.origin, aud: registered.id, nonce: checks.expectedNonce })
    expect(claims?.auth_time).toEqual(expect.any(Number))
    const sub = String(claims?.sub)
    const info = await oidc.fetchUserInfo(config, tokens.access_token, sub)
    expect(info.email_verified).toBe(true)
    expect(info.preferred_username).toEqual(expect.any(String))

    const refreshed = await oidc.refreshTokenGrant(config, String(tokens.refresh_token))
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token)
    expect(refreshed.claims()?.sub).toBe(sub)
    const active = await oidc.tokenIntrospection(config, refreshed.access_token)
    expect(active).toMatchObject({ active: true, client_id: registered.id, sub })

    await oidc.tokenRevocation(config, refreshed.access_token)
    expect(await oidc.tokenIntrospection(config, refreshed.access_token)).toEqual({ active: false })
    await expect(oidc.fetchUserInfo(config, refreshed.access_token, sub)).rejects.toThrow()
    // The first refresh token was rotated away: presenting it again is refused.
    await expect(oidc.refreshTokenGrant(config, String(tokens.refresh_token))).rejects.toMatchObject({
      error: 'invalid_grant',
    })
  })

  it('RP-callback-checks: openid-client refuses a callback with another state, nonce or verifier', async () => {
    const { callback, checks } = await signIn()
    expect(
      await failure(
        oidc.authorizationCodeGrant(config, callback, { ...checks, expectedState: oidc.randomState() }),
      ),
    ).toMatch(/"state"/)
    // The state check passes, the exchange spends the code, and the ID token's nonce is refused.
    expect(
      await failure(
        oidc.authorizationCodeGrant(config, callback, { ...checks, expectedNonce: oidc.randomNonce() }),
      ),
    ).toMatch(/"nonce"/)
    const other = await signIn()
    await expect(
      oidc.authorizationCodeGrant(config, other.callback, {
        ...other.checks,
        pkceCodeVerifier: oidc.randomPKCECodeVerifier(),
      }),
    ).rejects.toMatchObject({ error: 'invalid_grant' })
  })

  it('RP-logout: buildEndSessionUrl leads to the confirmation page', async () => {
    const { jar, callback, checks } = await signIn()
    const tokens = await oidc.authorizationCodeGrant(config, callback, checks)
    const url = oidc.buildEndSessionUrl(config, {
      id_token_hint: String(tokens.id_token),
      post_logout_redirect_uri: 'https://app.example/bye',
      state: 'bye-state',
    })
    expect(url.origin + url.pathname).toBe(`${s.origin}/oidc/session/end`)
    const r = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } })
    expect(r.status).toBe(200)
    const page = await r.text()
    expect(page).toContain('Sign out?')
    expect(page).not.toMatch(/<script/i)
  })
})
