import type { FastifyReply, FastifyRequest } from 'fastify'
import { AppError } from '../../kernel/errors.js'
import type { SessionPrincipal } from './ports.js'
import type { SessionsService } from './service.js'

export const SESSION_COOKIE = 'gh_session'
export const DEVICE_COOKIE = 'gh_device'

/** The device token of a request: the `X-Gatehouse-Device` header first, then the `gh_device` cookie. */
export const presentedDevice = (req: FastifyRequest): string | null => {
  const h = req.headers['x-gatehouse-device']
  if (typeof h === 'string' && h.length > 0) return h.slice(0, 128)
  const c = req.cookies?.[DEVICE_COOKIE]
  return typeof c === 'string' && c.length > 0 ? c.slice(0, 128) : null
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: SessionPrincipal | null
  }
}

const BEARER = /^Bearer\s+(\S+)\s*$/i

/**
 * The session token in a request's headers: `Authorization: Bearer …` first, then the `gh_session`
 * cookie (read only when there is no Authorization header). Never the URL.
 */
export const tokenInHeaders = (
  authorization: string | undefined,
  sessionCookie: () => string | undefined,
): string | null => {
  if (typeof authorization === 'string') return BEARER.exec(authorization)?.[1] ?? null
  const c = sessionCookie()
  return typeof c === 'string' && c.length > 0 ? c : null
}

const UNSAFE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

const headerOf = (req: FastifyRequest, name: string): string | undefined => {
  const v = req.headers[name]
  return typeof v === 'string' ? v : undefined
}

/**
 * Why the session cookie may not authenticate this request, or null when it may. Safe methods
 * change nothing and pass. For POST, PUT, PATCH and DELETE the cookie is taken only from a page of
 * a trusted origin, decided by the first of these the request carries:
 * - `Sec-Fetch-Site` (every current browser sends it): `same-origin`, or `none` (the user's own
 *   action); `same-site` and `cross-site` are refused: a sibling subdomain is not this origin;
 * - `Origin`: one of `origins`;
 * - neither: `Content-Type: application/json`, which a page of another origin can only send after
 *   a CORS preflight, and Gatehouse grants none. A bodiless or form POST is refused.
 */
export const cookieRequestRefusal = (req: FastifyRequest, origins: ReadonlySet<string>): AppError | null => {
  if (!UNSAFE_METHODS.has(req.method)) return null
  const refuse = (detail: string) => new AppError('cross_site_request', { detail })
  const site = headerOf(req, 'sec-fetch-site')?.trim().toLowerCase()
  if (site !== undefined) {
    return site === 'same-origin' || site === 'none'
      ? null
      : refuse(`A change authenticated by the session cookie came from a ${site} page`)
  }
  const origin = headerOf(req, 'origin')?.trim()
  if (origin !== undefined) {
    return origins.has(origin)
      ? null
      : refuse('A change authenticated by the session cookie came from another origin')
  }
  const type = headerOf(req, 'content-type')?.split(';')[0]?.trim().toLowerCase()
  return type === 'application/json'
    ? null
    : refuse(
        'A change authenticated by the session cookie, without Origin or Sec-Fetch-Site, must be sent as application/json',
      )
}

/**
 * An onRequest hook, for every route: a change whose credential would be the session cookie (no
 * `Authorization` header, a `gh_session` cookie) is refused with `cross_site_request` when
 * `cookieRequestRefusal` says so, before its body is read and before any route's own hooks run.
 * A bearer token or an API key is never sent by a browser on its own: those requests pass.
 * `origins`: the origin of the public URL and any other the operator trusts.
 */
export const cookieChangeGuard = (origins: Iterable<string>) => {
  const trusted: ReadonlySet<string> = new Set(origins)
  return async (req: FastifyRequest): Promise<void> => {
    if (!UNSAFE_METHODS.has(req.method) || req.headers.authorization !== undefined) return
    const cookie = req.cookies?.[SESSION_COOKIE]
    if (typeof cookie !== 'string' || cookie.length === 0) return
    const refusal = cookieRequestRefusal(req, trusted)
    if (refusal) throw refusal
  }
}

/** The session token of a request: `Authorization: Bearer …` first, then the `gh_session` cookie. Never the URL. */
export const presentedToken = (req: FastifyRequest): string | null =>
  tokenInHeaders(req.headers.authorization, () => req.cookies?.[SESSION_COOKIE])

/**
 * Runs a check on the request's principal. When it refuses, the session is read again from the
 * database and checked once more: a check may have been answered from the session cache, up to a
 * second behind a change made on another instance (a factor just enrolled, a fresh
 * re-authentication, a new role), and only a current answer may refuse.
 */
export const confirmPrincipal = async (
  req: FastifyRequest,
  sessions: SessionsService,
  check: (p: SessionPrincipal) => void | Promise<void>,
): Promise<void> => {
  try {
    await check(principalOf(req))
  } catch (e) {
    if (!(e instanceof AppError)) throw e
    const token = presentedToken(req)
    const current = token ? await sessions.authenticate(token, { fresh: true }) : null
    if (!current) throw unauthenticated()
    req.principal = current
    await check(current)
  }
}

const unauthenticated = () => new AppError('unauthenticated', { headers: { 'www-authenticate': 'Bearer' } })

/**
 * A preHandler that requires a live session and puts it on `req.principal`.
 * A restricted session (the password must be changed) only passes where
 * `allowRestricted` says so; an enrolment-only session (the account's role
 * requires a second factor and it has none) only where `allowMfaEnrolment` does.
 */
export const requireSession =
  (sessions: SessionsService, opts: { allowRestricted?: boolean; allowMfaEnrolment?: boolean } = {}) =>
  async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const token = presentedToken(req)
    const principal = token ? await sessions.authenticate(token) : null
    if (!principal) throw unauthenticated()
    req.principal = principal
    await confirmPrincipal(req, sessions, (p) => {
      if (p.session.restricted && p.account.mustChangePassword && !opts.allowRestricted) {
        throw new AppError('password_change_required', {
          detail: 'Change the password with POST /v1/me/password before doing anything else',
        })
      }
      if (p.session.mfaEnrolment && !opts.allowMfaEnrolment) {
        throw new AppError('mfa_enrolment_required', {
          detail: 'This account must set up a second factor first: POST /v1/mfa/totp',
        })
      }
    })
  }

/**
 * A preHandler, after `requireSession`, for sensitive changes: the holder must have proved who they
 * are (login or POST /v1/sessions/current/reauth) within `maxAgeMs`.
 */
export const requireRecentAuth =
  (sessions: SessionsService, maxAgeMs: number, now: () => number) =>
  async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    await confirmPrincipal(req, sessions, (p) => {
      if (now() - p.session.authenticatedAt > maxAgeMs) {
        throw new AppError('reauth_required', {
          detail: `Prove who you are again with POST /v1/sessions/current/reauth (needed within ${Math.round(maxAgeMs / 60_000)} minutes of a sensitive change)`,
        })
      }
    })
  }

export const principalOf = (req: FastifyRequest): SessionPrincipal => {
  if (!req.principal) throw new AppError('unauthenticated')
  return req.principal
}
