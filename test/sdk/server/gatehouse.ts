import { randomUUID } from 'node:crypto'
import type { DatabaseKind } from '../../helpers/databases.js'
import { formPost, registerClient, signedIn } from '../../helpers/oidc.js'
import { createListeningServer } from '../../helpers/oidc-server.js'
import { call, signUpAndLogin, type TestServer } from '../../helpers/server.js'
import { SoftAuthenticator } from '../../helpers/soft-authenticator.js'

/*
 * A listening Gatehouse for the server package's suites: the OpenID Connect provider with one
 * resource server (JWT access tokens for it), an application registered for those, one for opaque
 * tokens, and a first-party API client that may introspect any token.
 */

export const RESOURCE = 'https://api.example.test'

export const redisUrl = process.env.TEST_REDIS_URL

export type Gatehouse = Awaited<ReturnType<typeof startGatehouse>>

export const startGatehouse = async (kind: DatabaseKind, env: Record<string, string> = {}) => {
  const redisPrefix = `gatehouse-sdk-${randomUUID().slice(0, 8)}:`
  const s: TestServer & { origin: string } = await createListeningServer(kind, {
    GATEHOUSE_OIDC_RESOURCE_SERVERS: RESOURCE,
    ...(redisUrl ? { REDIS_URL: redisUrl, GATEHOUSE_REDIS_PREFIX: redisPrefix } : {}),
    ...env,
  })
  const jwtApp = await registerClient(s, { accessTokenFormat: 'jwt' })
  const opaqueApp = await registerClient(s)
  const api = await registerClient(s, { grantTypes: ['client_credentials'], redirectUris: [] })
  return {
    s,
    origin: s.origin,
    redisPrefix,
    jwtApp,
    opaqueApp,
    introspection: { clientId: api.id, clientSecret: api.secret },
    /** A new account's JWT access token for the resource server (scope openid profile). */
    jwtToken: async () => (await signedIn(s, jwtApp, { scope: 'openid profile offline_access' })).access,
    /** A new account's opaque access token, and its refresh token. */
    opaqueToken: async (scope = 'openid profile offline_access') => signedIn(s, opaqueApp, { scope }),
    /** Revokes an access token at the revocation endpoint (RFC 7009), as the application that holds it. */
    revoke: async (token: string, app = opaqueApp) => {
      const r = await formPost(s, '/oidc/token/revocation', { token, token_type_hint: 'access_token' }, app)
      if (r.status !== 200) throw new Error(`revocation: ${r.status}`)
    },
    session: () => signUpAndLogin(s),
    logout: async (token: string) => {
      const r = await call(s, 'DELETE', '/v1/sessions/current', { token })
      if (r.status !== 204) throw new Error(`logout: ${r.status} ${r.body}`)
    },
    passkeySession: () => passkeySession(s),
    /** Another session of an account with a passkey, opened with it. */
    passkeySessionOf: (who: { auth: SoftAuthenticator }) => passkeySignIn(s, who.auth),
    close: () => s.close(),
  }
}

/**
 * An account with a passkey (a software authenticator for the listening origin), and a session
 * opened with it alone: amr `hwk`.
 */
const passkeySession = async (s: TestServer & { origin: string }) => {
  const { user, token: first } = await signUpAndLogin(s)
  const auth = new SoftAuthenticator(new URL(s.origin).hostname, s.origin)
  const options = await call(s, 'POST', '/v1/mfa/webauthn/register/options', { token: first })
  const done = await call(s, 'POST', '/v1/mfa/webauthn/register', {
    token: first,
    body: {
      challenge_id: options.json.challenge_id,
      response: auth.register(options.json.options),
      name: 'key',
    },
  })
  if (done.status !== 201) throw new Error(`passkey registration: ${done.status} ${done.body}`)
  return { user, auth, token: await passkeySignIn(s, auth), codes: done.json.recovery_codes as string[] }
}

/** A new session opened with the passkey alone (discoverable credential). */
const passkeySignIn = async (s: TestServer, auth: SoftAuthenticator): Promise<string> => {
  const opts = await call(s, 'POST', '/v1/sessions/passkey/options', { body: {} })
  const login = await call(s, 'POST', '/v1/sessions/passkey', {
    body: { challenge_id: opts.json.challenge_id, assertion: auth.assert(opts.json.options) },
  })
  if (login.status !== 201) throw new Error(`passkey sign-in: ${login.status} ${login.body}`)
  return login.json.token as string
}

/** A session with a second factor: the password, then a recovery code (amr pwd, otp, mfa). */
export const mfaSession = async (g: Gatehouse) => {
  const { user, codes } = await g.passkeySession()
  const step = await call(g.s, 'POST', '/v1/sessions', {
    body: { identifier: user.username, password: user.password },
  })
  if (step.status !== 200) throw new Error(`password step: ${step.status} ${step.body}`)
  const done = await call(g.s, 'POST', '/v1/sessions/mfa', {
    body: { challenge_id: step.json.challenge_id, method: 'recovery_code', code: codes[0] },
  })
  if (done.status !== 201) throw new Error(`second step: ${done.status} ${done.body}`)
  return { user, token: done.json.token as string }
}

/** Polls `what` until it holds (every 5 ms), or fails after `ms`. Returns the time it took. */
export const eventually = async (what: () => Promise<boolean>, ms = 2000): Promise<number> => {
  const started = performance.now()
  while (!(await what())) {
    if (performance.now() - started > ms) throw new Error(`not within ${ms} ms`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  return performance.now() - started
}
