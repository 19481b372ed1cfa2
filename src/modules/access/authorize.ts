import type { FastifyReply, FastifyRequest } from 'fastify'
import { AppError } from '../../kernel/errors.js'
import type { Role } from '../../kernel/roles.js'
import { confirmPrincipal, presentedToken, principalOf, requireSession } from '../sessions/http-auth.js'
import type { SessionsService } from '../sessions/service.js'

/**
 * What a caller of the admin API may do. Roles grant sets of scopes; an API key carries its own
 * list (`*` is every scope).
 */
export const SCOPES = [
  'audit:read',
  'detections:read',
  'detections:write',
  'webhooks:read',
  'webhooks:write',
  'accounts:read',
  'accounts:write',
  'incidents:read',
  'incidents:write',
  'campaigns:read',
  'campaigns:write',
  'access:read',
  'access:write',
  'oidc_clients:read',
  'oidc_clients:write',
] as const
export type Scope = (typeof SCOPES)[number]

export const isScope = (v: string): v is Scope => (SCOPES as readonly string[]).includes(v)

/** Roles of staff accounts and the scopes each holds. `auditor` only reads. */
export const STAFF_ROLE_SCOPES: Readonly<Partial<Record<Role, readonly Scope[]>>> = {
  admin: SCOPES,
  responder: [
    'audit:read',
    'detections:read',
    'detections:write',
    'webhooks:read',
    'accounts:read',
    'accounts:write',
    'incidents:read',
    'incidents:write',
    'campaigns:read',
    'campaigns:write',
    'access:read',
    'access:write',
    // Not write: a changed redirect URI of a first-party application would hand its sign-ins to
    // whoever chose it. An incident ends an application's grants by a revoke_client campaign.
    'oidc_clients:read',
  ],
  auditor: SCOPES.filter((s) => s.endsWith(':read')),
}

/** Who is calling the admin API. `actor` is what the audit log records. */
export type StaffPrincipal =
  | { kind: 'session'; actor: string; accountId: string; role: string; scopes: readonly Scope[] }
  | { kind: 'api_key'; actor: string; keyId: string; clientId: string; scopes: readonly Scope[] }

declare module 'fastify' {
  interface FastifyRequest {
    staff: StaffPrincipal | null
  }
}

/** The key prefix that tells an admin API key from a session token in `Authorization: Bearer`. */
export const API_KEY_PREFIX = 'ghk_'

/** Checks a presented API key; null when it is unknown, revoked or expired. Records its use. */
export type ApiKeyAuthenticator = (
  key: string,
  use: { ip: string | null; at: number },
) => Promise<{ keyId: string; clientId: string; scopes: readonly Scope[] } | null>

export interface AuthorizeDeps {
  sessions: SessionsService
  /** True when the account holds a factor strong enough for staff: a TOTP factor or a passkey. */
  hasStrongFactor: (accountId: string) => Promise<boolean>
  apiKeys?: ApiKeyAuthenticator
  now: () => number
}

export const granted = (held: readonly Scope[], wanted: Scope): boolean =>
  held.includes(wanted) || (held as readonly string[]).includes('*')

/**
 * Builds preHandlers for the admin API. `authorize('incidents:write')` accepts the session of a
 * staff account (admin, responder or auditor) that has an app-based or phishing-resistant second
 * factor (email and SMS codes never count, see mfa/strength.ts) and whose role grants the scope, or an API key (`Bearer ghk_…`) whose scopes include it; it puts the caller on `req.staff`.
 */
export const staffAuthorizer = (deps: AuthorizeDeps) => {
  const session = requireSession(deps.sessions)
  return (scope: Scope) =>
    async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
      const token = presentedToken(req)
      if (token?.startsWith(API_KEY_PREFIX) && deps.apiKeys) {
        const key = await deps.apiKeys(token, { ip: req.ip ?? null, at: deps.now() })
        if (!key) throw new AppError('unauthenticated', { headers: { 'www-authenticate': 'Bearer' } })
        if (!granted(key.scopes, scope)) {
          throw new AppError('scope_required', { detail: `This API key lacks the scope ${scope}` })
        }
        req.staff = { kind: 'api_key', actor: `api_key:${key.keyId}`, ...key }
        return
      }
      await session(req, reply)
      await confirmPrincipal(req, deps.sessions, async (p) => {
        const scopes = STAFF_ROLE_SCOPES[p.account.role]
        if (!scopes || !(await deps.hasStrongFactor(p.account.id))) throw new AppError('admin_required')
        if (!granted(scopes, scope)) {
          throw new AppError('scope_required', {
            detail: `The role ${p.account.role} does not grant ${scope}`,
          })
        }
      })
      const p = principalOf(req)
      const scopes = STAFF_ROLE_SCOPES[p.account.role] ?? []
      req.staff = {
        kind: 'session',
        actor: `account:${p.account.id}`,
        accountId: p.account.id,
        role: p.account.role,
        scopes,
      }
    }
}

export type Authorize = ReturnType<typeof staffAuthorizer>

export const staffOf = (req: FastifyRequest): StaffPrincipal => {
  if (!req.staff) throw new AppError('unauthenticated')
  return req.staff
}
