import type { Grant, KoaContextWithOIDC } from 'oidc-provider'
import { SESSION_COOKIE } from '../sessions/http-auth.js'
import type { SessionPrincipal } from '../sessions/ports.js'
import { ACR_URN, requiredLevel, satisfies } from './acr.js'
import type { OidcLibrary } from './library.js'
import { ACR_LEVELS, type AcrLevel, type OidcClientRepository } from './ports.js'

export interface LoginCheckDeps {
  /** The live Gatehouse session of a session token, or null. */
  sessionOf(token: string): Promise<SessionPrincipal | null>
  clients: OidcClientRepository
  /** The grant a request may use without a consent screen (first-party clients get one made). */
  loadGrant(ctx: KoaContextWithOIDC): Promise<Grant | undefined>
}

/** The Gatehouse session the request's cookie names, when live. */
export const cookieSession = (
  deps: LoginCheckDeps,
  ctx: KoaContextWithOIDC,
): Promise<SessionPrincipal | null> => {
  const token = ctx.cookies.get(SESSION_COOKIE)
  return token ? deps.sessionOf(token) : Promise.resolve(null)
}

const levelOfAcr = (acr: string | undefined): AcrLevel | null =>
  ACR_LEVELS.find((l) => ACR_URN[l] === acr) ?? null

/**
 * The level this request needs: the client's own requirement, raised by `acr_values`.
 * Read once per request.
 */
export const neededLevel = async (deps: LoginCheckDeps, ctx: KoaContextWithOIDC): Promise<AcrLevel> => {
  const client = await deps.clients.find(ctx.oidc.client?.clientId ?? '')
  const asked = ctx.oidc.params?.acr_values
  return requiredLevel(client?.requireAcr ?? null, typeof asked === 'string' ? asked : undefined)
}

/**
 * The interaction policy: oidc-provider's own (login, then consent), and two more reasons to ask for
 * a sign-in: the provider's session must rest on a live Gatehouse session of the same account (a
 * revoked, expired or signed-out session ends single sign-on at once), and what that sign-in proved
 * must reach the level the client or the request requires.
 */
export const gatehouseLoginChecks = (lib: OidcLibrary, deps: LoginCheckDeps) => {
  const { Check, base } = lib.interactionPolicy
  const policy = base()
  const login = policy.get('login')
  if (!login) throw new Error('oidc-provider policy without a login prompt')
  // Under prompt=none both answer login_required, as the provider's own login checks do.
  login.checks.add(
    new Check(
      'gatehouse_session',
      'End-User has no live Gatehouse session',
      'login_required',
      async (ctx) => {
        const accountId = ctx.oidc.session?.accountId
        if (!accountId) return Check.NO_NEED_TO_PROMPT
        const principal = await cookieSession(deps, ctx)
        return principal?.account.id === accountId ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT
      },
    ),
  )
  login.checks.add(
    new Check(
      'acr_level',
      'The sign-in does not reach the level the client requires',
      'login_required',
      async (ctx) => {
        if (!ctx.oidc.session?.accountId) return Check.NO_NEED_TO_PROMPT
        const have = levelOfAcr(ctx.oidc.session.acr)
        return have && satisfies(have, await neededLevel(deps, ctx))
          ? Check.NO_NEED_TO_PROMPT
          : Check.REQUEST_PROMPT
      },
    ),
  )
  return policy
}
