/** The cookie in which Gatehouse keeps a browser's session token (same-site deployments). */
export const SESSION_COOKIE = 'gh_session'

/** A Fetch `Request` (Next.js route handlers, Hono, Deno, Bun) as far as it is read here. */
interface FetchLike {
  method?: string
  headers: { get(name: string): string | null }
}

/** A Node `IncomingMessage` (Express, Fastify's `request.raw`, node:http) as far as it is read here. */
interface NodeLike {
  method?: string
  headers: Record<string, string | string[] | undefined>
}

export type RequestLike = FetchLike | NodeLike

export interface Credential {
  token: string
  /** Where it came from: a bearer token may be a session or an access token; a cookie is a session. */
  from: 'bearer' | 'cookie'
}

const header = (req: RequestLike, name: string): string | undefined => {
  const h = req.headers as FetchLike['headers'] | NodeLike['headers']
  if (typeof h.get === 'function') return (h as FetchLike['headers']).get(name) ?? undefined
  const v = (h as NodeLike['headers'])[name]
  return Array.isArray(v) ? v[0] : v
}

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i

const cookie = (cookies: string, name: string): string | undefined => {
  for (const part of cookies.split(';')) {
    const i = part.indexOf('=')
    if (i > 0 && part.slice(0, i).trim() === name) {
      const value = part.slice(i + 1).trim()
      try {
        return decodeURIComponent(value)
      } catch {
        return undefined
      }
    }
  }
  return undefined
}

/** The longest token worth looking at: anything longer is refused without asking anyone. */
export const MAX_TOKEN_LENGTH = 8192

/**
 * The credential a request presents: `Authorization: Bearer …` first (as Gatehouse reads it), then
 * the `gh_session` cookie. An Authorization header that is not a well-formed bearer token is a
 * credential that fails (an empty string), not an absent one.
 */
export const credentialOf = (req: RequestLike): Credential | null => {
  const auth = header(req, 'authorization')
  if (auth !== undefined) {
    const m = BEARER.exec(auth)
    return { token: m?.[1] && m[1].length <= MAX_TOKEN_LENGTH ? m[1] : '', from: 'bearer' }
  }
  const cookies = header(req, 'cookie')
  const c = cookies ? cookie(cookies, SESSION_COOKIE) : undefined
  return c ? { token: c.slice(0, MAX_TOKEN_LENGTH + 1), from: 'cookie' } : null
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * Whether a request that authenticates with the session cookie may be trusted not to be a
 * cross-site forgery: safe methods always; unsafe ones when the browser says the request comes from
 * the same site (`Sec-Fetch-Site`), or its `Origin` is the request's own host or one of
 * `allowedOrigins`. Bearer tokens are never sent by a browser on its own, so they need no such proof.
 */
export const sameSiteProof = (req: RequestLike, allowedOrigins: readonly string[]): boolean => {
  if (!UNSAFE.has((req.method ?? 'GET').toUpperCase())) return true
  const site = header(req, 'sec-fetch-site')
  if (site === 'same-origin' || site === 'same-site') return true
  if (site !== undefined && site !== 'none') return false
  const origin = header(req, 'origin')
  if (!origin || origin === 'null') return false
  if (allowedOrigins.includes(origin)) return true
  const host = header(req, 'host')
  try {
    return host !== undefined && new URL(origin).host === host
  } catch {
    return false
  }
}
