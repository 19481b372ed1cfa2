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

/** The session token of a request: `Authorization: Bearer …` first, then the `gh_session` cookie. Never the URL. */
export const presentedToken = (req: FastifyRequest): string | null => {
  const auth = req.headers.authorization
  if (typeof auth === 'string') {
    const m = auth.match(/^Bearer\s+(\S+)\s*$/i)
    return m?.[1] ?? null
  }
  const c = req.cookies?.[SESSION_COOKIE]
  return typeof c === 'string' && c.length > 0 ? c : null
}

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
    if (!principal) {
      throw new AppError('unauthenticated', { headers: { 'www-authenticate': 'Bearer' } })
    }
    if (principal.session.restricted && principal.account.mustChangePassword && !opts.allowRestricted) {
      throw new AppError('password_change_required', {
        detail: 'Change the password with POST /v1/me/password before doing anything else',
      })
    }
    if (principal.session.mfaEnrolment && !opts.allowMfaEnrolment) {
      throw new AppError('mfa_enrolment_required', {
        detail: 'This account must set up a second factor first: POST /v1/mfa/totp',
      })
    }
    req.principal = principal
  }

/**
 * A preHandler, after `requireSession`, for sensitive changes: the holder must have proved who they
 * are (login or POST /v1/sessions/current/reauth) within `maxAgeMs`.
 */
export const requireRecentAuth =
  (maxAgeMs: number, now: () => number) =>
  async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const p = principalOf(req)
    if (now() - p.session.authenticatedAt > maxAgeMs) {
      throw new AppError('reauth_required', {
        detail: `Prove who you are again with POST /v1/sessions/current/reauth (needed within ${Math.round(maxAgeMs / 60_000)} minutes of a sensitive change)`,
      })
    }
  }

export const principalOf = (req: FastifyRequest): SessionPrincipal => {
  if (!req.principal) throw new AppError('unauthenticated')
  return req.principal
}
