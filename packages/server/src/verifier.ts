import { LruTtlCache, tokenKey } from './cache.js'
import { credentialOf, MAX_TOKEN_LENGTH, type RequestLike, sameSiteProof } from './credentials.js'
import { GatehouseAuthError, invalidToken, noCredentials } from './errors.js'
import { jwtChecker, looksLikeJwt } from './jwt.js'
import { type Answer, checkSession, introspect, type RemoteOptions } from './remote.js'
import { type Subscription, subscribeToChanges } from './revocations.js'
import type { Principal, TokenKind, VerifierOptions } from './types.js'

/** How long a refusal is remembered: long enough to absorb a burst, short enough for a fresh sign-in. */
const NEGATIVE_TTL_MS = 2_000

export interface Verifier {
  /**
   * The principal of a token, or a GatehouseAuthError: 401 for a token Gatehouse does not vouch
   * for, 503 when it could not be asked. `kind` narrows the check; without it a JWT is checked as
   * an access token, and an opaque token as a session, then (when introspection is configured) as
   * an access token.
   */
  verify(token: string, kind?: TokenKind): Promise<Principal>
  /**
   * The principal of a request (a Fetch `Request` or a Node `IncomingMessage`): its bearer token,
   * else its `gh_session` cookie. Rejects with a GatehouseAuthError (401 when it presents none).
   */
  authenticate(req: RequestLike): Promise<Principal>
  /** Forgets every cached answer (what a message on Gatehouse's change channel does). */
  clear(): void
  /** Resolves once the Redis subscription is in place (false without Redis or when it failed). */
  readonly subscribed: Promise<boolean>
  close(): Promise<void>
}

type CreateVerifierOptions = VerifierOptions & {
  /** Origins (besides the request's own host) whose pages may send cookie-authenticated unsafe requests. */
  allowedOrigins?: string[]
}

const trimSlash = (u: string) => u.replace(/\/+$/, '')

/** A verifier of Gatehouse sessions and access tokens for one API server (one per process). */
export const createVerifier = (options: CreateVerifierOptions): Verifier => {
  if (!options?.issuer) throw new TypeError('@gatehouse/server: options.issuer is required')
  const issuer = trimSlash(new URL(options.issuer).href)
  const audience = options.audience === undefined ? [] : ([] as string[]).concat(options.audience)
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis)
  const timeoutMs = options.timeoutMs ?? 5_000
  const ttlMs = (options.cache?.ttlSeconds ?? 30) * 1000
  const cache = new LruTtlCache<Answer>(options.cache?.maxEntries ?? 10_000)
  const remote: RemoteOptions = { issuer, audience, fetch: doFetch, timeoutMs }
  if (options.introspection) remote.introspection = options.introspection
  const checkJwt =
    audience.length > 0
      ? jwtChecker({
          issuer,
          audience,
          jwksUrl: `${issuer}/oidc/jwks`,
          fetch: doFetch,
          timeoutMs,
          clockToleranceSeconds: options.clockToleranceSeconds ?? 5,
          cooldownMs: (options.jwksCooldownSeconds ?? 30) * 1000,
        })
      : null
  // Answers being fetched when a change is announced are not cached: they may predate it.
  let generation = 0
  const clear = () => {
    generation++
    cache.clear()
  }
  const onError = options.onError ?? (() => {})
  const subscription: Subscription | null = options.redis
    ? subscribeToChanges(options.redis, clear, onError)
    : null

  const remember = (key: string, answer: Answer, asked: number) => {
    if (asked !== generation) return
    const now = Date.now()
    const until = answer.principal
      ? Math.min(now + ttlMs, answer.principal.expiresAt)
      : now + Math.min(ttlMs, NEGATIVE_TTL_MS)
    if (until > now) cache.set(key, answer, until)
  }

  /** Session first, then introspection: Gatehouse's session tokens and opaque tokens look alike. */
  const askGatehouse = async (token: string, kind: TokenKind | undefined): Promise<Answer> => {
    if (kind === 'access_token') return introspect(remote, token)
    const session = await checkSession(remote, token)
    if (session.principal || kind === 'session' || !remote.introspection) return session
    return introspect(remote, token)
  }

  const opaque = async (token: string, kind: TokenKind | undefined): Promise<Principal> => {
    const key = kind ? `${kind}:${tokenKey(token)}` : tokenKey(token)
    let answer = cache.get(key, Date.now())
    if (answer === undefined) {
      const asked = generation
      answer = await askGatehouse(token, kind)
      remember(key, answer, asked)
    }
    if (answer.principal === null) throw invalidToken(answer.reason)
    return answer.principal
  }

  const verify = async (token: string, kind?: TokenKind): Promise<Principal> => {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH)
      throw invalidToken('the token is malformed')
    if (looksLikeJwt(token)) {
      if (kind === 'session') throw invalidToken('a session token is expected')
      if (!checkJwt) throw invalidToken('JWT access tokens are not accepted here (no audience configured)')
      return checkJwt(token)
    }
    return opaque(token, kind)
  }

  const allowedOrigins = options.allowedOrigins ?? []
  return {
    verify,
    authenticate: async (req) => {
      const credential = credentialOf(req)
      if (!credential) throw noCredentials()
      if (credential.from === 'cookie') {
        if (!sameSiteProof(req, allowedOrigins))
          throw new GatehouseAuthError(
            403,
            'invalid_token',
            'a cross-site request cannot use the session cookie',
          )
        return verify(credential.token, 'session')
      }
      return verify(credential.token)
    },
    clear,
    subscribed: subscription?.ready ?? Promise.resolve(false),
    close: async () => {
      subscription?.close()
      cache.clear()
    },
  }
}
