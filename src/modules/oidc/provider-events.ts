import type Provider from 'oidc-provider'
import type { Adapter, KoaContextWithOIDC } from 'oidc-provider'
import type { Logger } from 'pino'
import type { RequestContext } from '../events/ports.js'
import type { EventRecorder } from '../events/recorder.js'
import type { Guard } from '../guard/guard.js'
import { SESSION_COOKIE } from '../sessions/http-auth.js'
import type { SessionsService } from '../sessions/service.js'
import { loadedOidcLibrary } from './library.js'
import { basicClientId, CLIENT_AUTH_ROUTES, clientAuthFailed } from './token-guard.js'

/*
 * What Gatehouse watches of the provider's work: a code or refresh token presented again (the
 * provider then revokes the whole grant), applications failing to authenticate, and a confirmed
 * RP-initiated logout, which ends the browser's Gatehouse session too.
 */

export interface ProviderWatchDeps {
  events: EventRecorder
  logger: Logger
  /** The guard (set once routes are registered). */
  guard: () => Pick<Guard, 'loginOutcome'> | null
  /** The sessions service (set once routes are registered). */
  sessions: () => Pick<SessionsService, 'authenticate' | 'logout'> | null
  /** Whether the session cookie is marked Secure (the public URL is https). */
  secureCookie: boolean
}

/** What the request's state keeps between the provider's work and the answer. */
interface WatchState {
  /** The account of the code or refresh token the request presented (read when it was looked up). */
  presentedAccount?: string
  /** Set when the provider revoked a grant for a reused code or refresh token. */
  reuse?: { accountId: string | null; clientId: string | null; kind: 'code' | 'refresh_token' }
}

const stateOf = (ctx: { state: unknown }): WatchState => {
  const s = ctx.state as { gatehouse?: WatchState }
  s.gatehouse ??= {}
  return s.gatehouse
}

/**
 * The adapter factory, noting on the request the account of each authorization code it reads: the
 * provider revokes the grant of a reused code before anything tells whose it was.
 */
export const noteCodeOwners =
  (factory: (model: string) => Adapter) =>
  (model: string): Adapter => {
    const adapter = factory(model)
    if (model !== 'AuthorizationCode') return adapter
    const find = adapter.find.bind(adapter)
    adapter.find = async (id) => {
      const found = await find(id)
      const ctx = loadedOidcLibrary()?.default.ctx as unknown as { state: unknown } | undefined
      const accountId = (found as { accountId?: unknown } | undefined)?.accountId
      if (ctx && typeof accountId === 'string') stateOf(ctx).presentedAccount = accountId
      return found
    }
    return adapter
  }

const contextOf = (ctx: KoaContextWithOIDC): RequestContext => {
  const ua = ctx.get('user-agent')
  return {
    ip: ctx.ip || null,
    userAgent: ua ? ua.slice(0, 512) : null,
    clientVersion: null,
    requestId: null,
  }
}

/** A grant revoked at the token endpoint is a reuse (code or rotated refresh token presented again). */
const onGrantRevoked = (ctx: KoaContextWithOIDC): void => {
  if (ctx.oidc?.route !== 'token') return
  const grantType = ctx.oidc.params?.grant_type
  if (grantType !== 'authorization_code' && grantType !== 'refresh_token') return
  const refresh = ctx.oidc.entities?.RefreshToken as { accountId?: string } | undefined
  const st = stateOf(ctx)
  st.reuse = {
    accountId: refresh?.accountId ?? st.presentedAccount ?? null,
    clientId: ctx.oidc.client?.clientId ?? null,
    kind: grantType === 'authorization_code' ? 'code' : 'refresh_token',
  }
}

/** The client id a failed authentication named: the found client, the form, or Basic credentials. */
const presentedClientId = (ctx: KoaContextWithOIDC): string | null => {
  const fromParams = ctx.oidc?.params?.client_id
  return (
    ctx.oidc?.client?.clientId ??
    (typeof fromParams === 'string' ? fromParams.slice(0, 200) : null) ??
    basicClientId(ctx.get('authorization') || undefined)
  )
}

/** The confirmed sign-out also ends the Gatehouse session of the browser, and clears its cookie. */
const endGatehouseSession = async (deps: ProviderWatchDeps, ctx: KoaContextWithOIDC): Promise<void> => {
  const token = ctx.cookies.get(SESSION_COOKIE, { signed: false })
  const sessions = deps.sessions()
  if (!token || !sessions) return
  const principal = await sessions.authenticate(token)
  if (principal) await sessions.logout(principal, contextOf(ctx))
  ctx.append(
    'Set-Cookie',
    `${SESSION_COOKIE}=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly;${deps.secureCookie ? ' Secure;' : ''} SameSite=Lax`,
  )
}

/** After the provider answered: what the answer tells (awaited, so it is kept before the client hears). */
const afterAnswer = async (deps: ProviderWatchDeps, ctx: KoaContextWithOIDC): Promise<void> => {
  const route = ctx.oidc?.route
  if (!route) return
  const reuse = stateOf(ctx).reuse
  if (reuse) {
    await deps.events.record('oidc_token_reuse', reuse.accountId, contextOf(ctx), {
      client_id: reuse.clientId,
      kind: reuse.kind,
    })
  }
  const endpoint = CLIENT_AUTH_ROUTES[route]
  const body = ctx.body as { error?: unknown } | undefined
  if (endpoint && ctx.status === 401 && body?.error === 'invalid_client') {
    await clientAuthFailed(deps, contextOf(ctx), presentedClientId(ctx), endpoint)
  }
  if (route === 'end_session_confirm' && ctx.oidc.params?.logout && ctx.status === 303) {
    await endGatehouseSession(deps, ctx)
  }
}

/** Watches the provider (called once per provider built). */
export const watchProvider = (provider: Provider, deps: ProviderWatchDeps): void => {
  provider.on('grant.revoked', (ctx: KoaContextWithOIDC) => onGrantRevoked(ctx))
  provider.use(async (ctx, next) => {
    await next()
    try {
      await afterAnswer(deps, ctx as KoaContextWithOIDC)
    } catch (err) {
      deps.logger.error({ err }, 'OpenID Connect provider watch failed')
    }
  })
}
