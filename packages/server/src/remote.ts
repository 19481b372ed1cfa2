import { invalidToken, unavailable } from './errors.js'
import { accessTokenPrincipal } from './jwt.js'
import type { Principal } from './types.js'

/** What Gatehouse answered about an opaque token: a principal, or a refusal (null) with its reason. */
export type Answer = { principal: Principal } | { principal: null; reason: string }

export interface RemoteOptions {
  issuer: string
  audience: readonly string[]
  fetch: typeof fetch
  timeoutMs: number
  introspection?: { clientId: string; clientSecret: string }
}

/** One call to Gatehouse; a network failure, a timeout or a 5xx is "unavailable", never "invalid". */
const ask = async (o: RemoteOptions, url: string, init: RequestInit): Promise<Response> => {
  let res: Response
  try {
    res = await o.fetch(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(o.timeoutMs) })
  } catch {
    throw unavailable('Gatehouse could not be reached')
  }
  if (res.status >= 500 || res.status === 429) {
    await res.body?.cancel()
    throw unavailable(`Gatehouse answered ${res.status}`)
  }
  return res
}

interface SessionAnswer {
  account: {
    id: string
    username: string
    role?: string
    must_change_password: boolean
    mfa_enrolment_required: boolean
  }
  session: {
    id: string
    amr: string[]
    authenticated_at: string
    expires_at: string
    idle_expires_at: string
  }
}

const time = (iso: string): number => {
  const t = Date.parse(iso)
  if (Number.isNaN(t)) throw unavailable('Gatehouse answered an unreadable session')
  return t
}

/** The principal of a session answer; null for a restricted session (a password change or factor due). */
export const sessionPrincipal = (a: SessionAnswer): Answer => {
  if (a.account.must_change_password || a.account.mfa_enrolment_required)
    return { principal: null, reason: 'the session must change its password or set up a factor first' }
  const amr = Object.freeze([...a.session.amr])
  return {
    principal: Object.freeze({
      kind: 'session',
      subject: a.account.id,
      accountId: a.account.id,
      username: a.account.username,
      roles: Object.freeze(a.account.role ? [a.account.role] : []),
      amr,
      scopes: Object.freeze([]),
      sessionId: a.session.id,
      authenticatedAt: time(a.session.authenticated_at),
      expiresAt: Math.min(time(a.session.expires_at), time(a.session.idle_expires_at)),
    }),
  }
}

/** `GET /v1/sessions/current` with the token: Gatehouse's own session check. */
export const checkSession = async (o: RemoteOptions, token: string): Promise<Answer> => {
  const res = await ask(o, `${o.issuer}/v1/sessions/current`, {
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
  })
  if (res.status === 401 || res.status === 403 || res.status === 404) {
    await res.body?.cancel()
    return { principal: null, reason: 'the session is not valid' }
  }
  if (res.status !== 200) {
    await res.body?.cancel()
    throw unavailable(`Gatehouse answered ${res.status} to a session check`)
  }
  return sessionPrincipal((await res.json()) as SessionAnswer)
}

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`

/** What makes an active introspection answer unacceptable here; null when it is acceptable. */
const unacceptable = (o: RemoteOptions, a: Record<string, unknown>): string | null => {
  if (a.active !== true) return 'the access token is not active'
  if (a.iss !== undefined && a.iss !== o.issuer) return 'the access token is from another issuer'
  // Refresh tokens are introspectable too; only a bearer access token is a credential for an API.
  if (a.token_type !== 'Bearer') return 'the token is not a bearer access token'
  if (a.cnf !== undefined) return 'the access token is sender-constrained'
  if (typeof a.sub !== 'string' || typeof a.exp !== 'number') return 'the access token has no subject'
  if (a.exp * 1000 <= Date.now()) return 'the access token has expired'
  if (a.aud !== undefined && o.audience.length > 0) {
    const aud = Array.isArray(a.aud) ? a.aud : [a.aud]
    if (!aud.some((x) => o.audience.includes(String(x)))) return 'the access token is for another audience'
  }
  return null
}

/** RFC 7662 introspection of an opaque access token, as the configured first-party client. */
export const introspect = async (o: RemoteOptions, token: string): Promise<Answer> => {
  const creds = o.introspection
  if (!creds) throw invalidToken('opaque access tokens are not accepted here')
  const res = await ask(o, `${o.issuer}/oidc/token/introspection`, {
    method: 'POST',
    headers: {
      authorization: basic(creds.clientId, creds.clientSecret),
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
  })
  if (res.status !== 200) {
    await res.body?.cancel()
    // Wrong client credentials are this API's misconfiguration, not the caller's fault.
    throw unavailable(`token introspection answered ${res.status}: check the introspection credentials`)
  }
  const answer = (await res.json()) as Record<string, unknown>
  const reason = unacceptable(o, answer)
  if (reason) return { principal: null, reason }
  return { principal: accessTokenPrincipal(answer as Parameters<typeof accessTokenPrincipal>[0]) }
}
