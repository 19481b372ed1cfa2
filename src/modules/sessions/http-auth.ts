import type { FastifyReply, FastifyRequest } from 'fastify'
import { AppError } from '../../kernel/errors.js'
import type { SessionPrincipal } from './ports.js'
import type { SessionsService } from './service.js'

export const SESSION_COOKIE = 'gh_session'

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
 * `allowRestricted` says so.
 */
export const requireSession =
  (sessions: SessionsService, opts: { allowRestricted?: boolean } = {}) =>
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
    req.principal = principal
  }

export const principalOf = (req: FastifyRequest): SessionPrincipal => {
  if (!req.principal) throw new AppError('unauthenticated')
  return req.principal
}
