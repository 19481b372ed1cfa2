import type { FastifyRequest } from 'fastify'
import { requestContext } from '../../http/server.js'
import type { RequestContext } from '../events/ports.js'
import type { EventRecorder } from '../events/recorder.js'
import type { Guard } from '../guard/guard.js'

/*
 * The guard in front of the endpoints where applications authenticate (token, introspection,
 * revocation): a failed client authentication counts like a failed login on the identifier
 * `oidc-client:<client_id>`, and a source that the guard blocks, or that must still wait before
 * its next try on that client id, is refused before the provider reads the request. Applications
 * are programs: they get no challenge to solve, only the wait.
 */

/** The endpoints where clients authenticate, by the provider's route name. */
export const CLIENT_AUTH_ROUTES: Readonly<Record<string, string>> = {
  token: 'token',
  introspection: 'introspection',
  revocation: 'revocation',
}

const CLIENT_AUTH_PATHS = new Set(['/oidc/token', '/oidc/token/introspection', '/oidc/token/revocation'])

/** The identifier the guard counts an application's failures under. */
export const clientIdentifier = (clientId: string): string => `oidc-client:${clientId}`

/** The client id of HTTP Basic credentials (form-encoded, RFC 6749 2.3.1), or null. */
export const basicClientId = (authorization: string | undefined): string | null => {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '')
  if (!m?.[1]) return null
  const decoded = Buffer.from(m[1], 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon <= 0) return null
  try {
    return decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')).slice(0, 200)
  } catch {
    return null
  }
}

/**
 * The mount's screen: for a POST to a client-authenticating endpoint, the guard's refusals of the
 * source (blocked) and of the source on the client id named by Basic credentials (waiting). A
 * client that sends its id in the body (client_secret_post) is screened by its source only: the
 * body is the provider's to read.
 */
export const tokenEndpointScreen =
  (guard: Pick<Guard, 'screen'>) =>
  async (req: FastifyRequest): Promise<void> => {
    if (req.method !== 'POST') return
    const path = req.url.split('?')[0] ?? ''
    if (!CLIENT_AUTH_PATHS.has(path)) return
    const clientId = basicClientId(req.headers.authorization)
    await guard.screen({
      endpoint: 'oidc_token',
      ctx: requestContext(req),
      ...(clientId ? { identifier: clientIdentifier(clientId), accountId: null } : {}),
      headers: req.headers,
    })
  }

/**
 * A failed client authentication at `endpoint`: the event `oidc_client_auth_fail` and the guard's
 * count (a failed login on the client's identifier, no account).
 */
export const clientAuthFailed = async (
  deps: { events: EventRecorder; guard: () => Pick<Guard, 'loginOutcome'> | null },
  ctx: RequestContext,
  clientId: string | null,
  endpoint: string,
): Promise<void> => {
  await deps.events.record('oidc_client_auth_fail', null, ctx, { client_id: clientId, endpoint })
  const guard = deps.guard()
  if (!guard || !clientId) return
  await guard.loginOutcome(
    ctx,
    { identifier: clientIdentifier(clientId), deviceToken: null, accountId: null },
    'failure',
  )
}
