/**
 * An application that signs its users in with Gatehouse: OpenID Connect, authorization code flow with
 * PKCE (S256), through openid-client, on plain node:http. It keeps its own sign-ins in memory.
 *
 *   OIDC_ISSUER         Gatehouse's GATEHOUSE_PUBLIC_URL (default http://localhost:4455)
 *   OIDC_CLIENT_ID      the application's client_id (ghc_…)
 *   OIDC_CLIENT_SECRET  its client_secret (ghs_…); unset: a public client (PKCE alone)
 *   APP_URL             where this application is reached (default http://localhost:3000); its
 *                       /callback must be a redirect URI of the client, and / a post-logout one
 *   PORT                where it listens (default: APP_URL's port), on 127.0.0.1
 */
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import * as oidc from 'openid-client'

const issuer = new URL(process.env.OIDC_ISSUER ?? 'http://localhost:4455')
const clientId = process.env.OIDC_CLIENT_ID
const clientSecret = process.env.OIDC_CLIENT_SECRET || undefined
const appUrl = new URL(process.env.APP_URL ?? 'http://localhost:3000')
const port = Number(process.env.PORT ?? appUrl.port ?? 3000)
if (!clientId) {
  console.error('OIDC_CLIENT_ID is not set: register the application first (see examples/oidc-app/README.md)')
  process.exit(1)
}
const redirectUri = new URL('/callback', appUrl).href
const afterLogout = new URL('/', appUrl).href

// Discovery: the issuer's /.well-known/openid-configuration. Plain http only for a local Gatehouse.
const config = await oidc
  .discovery(
    issuer,
    clientId,
    { redirect_uris: [redirectUri] },
    clientSecret ? oidc.ClientSecretBasic(clientSecret) : oidc.None(),
    issuer.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : undefined,
  )
  .catch((err) => {
    console.error(
      `cannot read ${issuer.origin}/.well-known/openid-configuration (${err.message}): is Gatehouse running there (npm start)?`,
    )
    process.exit(1)
  })

/** Sign-ins in progress (PKCE verifier, state, nonce) and done (claims, userinfo), by cookie. */
const pending = new Map()
const signedIn = new Map()
const COOKIE = 'example_app'
const secure = appUrl.protocol === 'https:' ? '; Secure' : ''

const cookieOf = (req) =>
  (req.headers.cookie ?? '')
    .split(';')
    .map((c) => c.trim().split('='))
    .find(([k]) => k === COOKIE)?.[1]

const html = (s) =>
  String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  )

const page = (res, status, body) => {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  })
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Example application</title>
<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}pre{background:#f4f4f4;padding:1rem;overflow:auto}</style>
</head><body><h1>Example application</h1>${body}</body></html>`)
}

const redirect = (res, location, cookie) => {
  res.writeHead(303, { location, ...(cookie ? { 'set-cookie': cookie } : {}) })
  res.end()
}

/** GET /login: a fresh verifier, state and nonce; off to Gatehouse's authorization endpoint. */
const login = async (res) => {
  const verifier = oidc.randomPKCECodeVerifier()
  const state = oidc.randomState()
  const nonce = oidc.randomNonce()
  const key = randomBytes(24).toString('base64url')
  pending.set(key, { verifier, state, nonce })
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid profile email',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  })
  redirect(res, url.href, `${COOKIE}=${key}; Path=/; HttpOnly; SameSite=Lax${secure}`)
}

/** GET /callback: the code for tokens (state, nonce and the ID token checked), then userinfo. */
const callback = async (req, res) => {
  const key = cookieOf(req)
  const started = key ? pending.get(key) : undefined
  if (!key || !started) return page(res, 400, '<p>No sign-in in progress. <a href="/">Start again</a>.</p>')
  pending.delete(key)
  const tokens = await oidc.authorizationCodeGrant(config, new URL(req.url, appUrl), {
    pkceCodeVerifier: started.verifier,
    expectedState: started.state,
    expectedNonce: started.nonce,
    idTokenExpected: true,
  })
  const claims = tokens.claims()
  const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub)
  signedIn.set(key, { claims, userinfo, idToken: tokens.id_token })
  redirect(res, afterLogout)
}

/** GET /: who is signed in, and what the sign-in proved. */
const home = (req, res) => {
  const who = signedIn.get(cookieOf(req) ?? '')
  if (!who) return page(res, 200, '<p><a href="/login">Sign in with Gatehouse</a></p>')
  const { claims, userinfo } = who
  page(
    res,
    200,
    `<p>Signed in as <strong>${html(userinfo.preferred_username ?? claims.sub)}</strong>
(subject <code id="sub">${html(claims.sub)}</code>).</p>
<p>The sign-in proved: acr <code id="acr">${html(claims.acr)}</code>, amr <code id="amr">${html((claims.amr ?? []).join(' '))}</code>.</p>
<h2>ID token claims</h2><pre>${html(JSON.stringify(claims, null, 2))}</pre>
<h2>Userinfo</h2><pre>${html(JSON.stringify(userinfo, null, 2))}</pre>
<p><a href="/logout">Sign out</a></p>`,
  )
}

/** GET /logout: forgets the sign-in here, then ends it at Gatehouse (RP-initiated logout). */
const logout = (req, res) => {
  const key = cookieOf(req) ?? ''
  const who = signedIn.get(key)
  signedIn.delete(key)
  const clear = `${COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secure}`
  if (!who) return redirect(res, afterLogout, clear)
  const end = oidc.buildEndSessionUrl(config, {
    id_token_hint: who.idToken,
    post_logout_redirect_uri: afterLogout,
  })
  redirect(res, end.href, clear)
}

const server = createServer((req, res) => {
  const path = new URL(req.url ?? '/', appUrl).pathname
  const route =
    req.method !== 'GET'
      ? null
      : { '/': home, '/login': (_q, r) => login(r), '/callback': callback, '/logout': logout }[path]
  if (!route) return page(res, 404, '<p>Not found. <a href="/">Home</a>.</p>')
  Promise.resolve(route(req, res)).catch((err) => {
    console.error(err)
    // The error's name and message only (openid-client says which check failed); never a token.
    page(
      res,
      502,
      `<p>Sign-in failed: ${html(err.code ?? err.name)}: ${html(err.error_description ?? err.message)}</p><p><a href="/">Start again</a>.</p>`,
    )
  })
})

server.listen(port, '127.0.0.1', () => {
  console.log(`example application listening: open ${appUrl.href} (issuer ${issuer.href})`)
})
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)))
