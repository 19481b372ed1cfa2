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

type CreateVerifierOptions = VerifierOptions

const trimSlash = (u: string) => u.replace(/\/+$/, '')

/** JWT access tokens are only checked for an API that names its audience. */
const jwtFor = (o: CreateVerifierOptions, issuer: string, audience: string[], fetchFn: typeof fetch) =>
  audience.length > 0
    ? jwtChecker({
        issuer,
        audience,
        jwksUrl: `${issuer}/oidc/jwks`,
        fetch: fetchFn,
        timeoutMs: o.timeoutMs ?? 5_000,
        clockToleranceSeconds: o.clockToleranceSeconds ?? 5,
        cooldownMs: (o.jwksCooldownSeconds ?? 30) * 1000,
      })
    : null

/**
 * Opaque tokens (sessions, introspected access tokens): Gatehouse's answers in a bounded cache.
 * An answer being fetched while a change is announced is not kept: it may predate the change.
 */
const opaqueChecker = (remote: RemoteOptions, cacheOptions: CreateVerifierOptions['cache']) => {
  const ttlMs = (cacheOptions?.ttlSeconds ?? 30) * 1000
  const cache = new LruTtlCache<Answer>(cacheOptions?.maxEntries ?? 10_000)
  let generation = 0

  const remember = (key: string, answer: Answer, asked: number) => {
    if (asked !== generation) return
    const now = Date.now()
    const until = answer.principal
      ? Math.min(now + ttlMs, answer.principal.expiresAt)
      : now + Math.min(ttlMs, NEGATIVE_TTL_MS)
    if (until > now) cache.set(key, answer, until)
  }

  /** Session first, then introspection: Gatehouse's session tokens and opaque tokens look alike. */
  const ask = async (token: string, kind: TokenKind | undefined): Promise<Answer> => {
    if (kind === 'access_token') return introspect(remote, token)
    const session = await checkSession(remote, token)
    if (session.principal || kind === 'session' || !remote.introspection) return session
    return introspect(remote, token)
  }

  // Requests that arrive together with the same uncached token share one call to Gatehouse.
  const inFlight = new Map<string, Promise<Answer>>()
  const fetchAnswer = (key: string, token: string, kind: TokenKind | undefined): Promise<Answer> => {
    const pending = inFlight.get(key)
    if (pending) return pending
    const asked = generation
    const started: Promise<Answer> = ask(token, kind)
      .then((answer) => {
        remember(key, answer, asked)
        return answer
      })
      .finally(() => {
        if (inFlight.get(key) === started) inFlight.delete(key)
      })
    inFlight.set(key, started)
    return started
  }

  return {
    check: async (token: string, kind: TokenKind | undefined): Promise<Principal> => {
      const key = kind ? `${kind}:${tokenKey(token)}` : tokenKey(token)
      const answer = cache.get(key, Date.now()) ?? (await fetchAnswer(key, token, kind))
      if (answer.principal === null) throw invalidToken(answer.reason)
      return answer.principal
    },
    clear: () => {
      generation++
      cache.clear()
      // A request arriving after the change must not join a call that started before it.
      inFlight.clear()
    },
  }
}

/** A verifier of Gatehouse sessions and access tokens for one API server (one per process). */
export const createVerifier = (options: CreateVerifierOptions): Verifier => {
  if (!options?.issuer) throw new TypeError('@gatehouse/server: options.issuer is required')
  const issuer = trimSlash(new URL(options.issuer).href)
  const audience = options.audience === undefined ? [] : ([] as string[]).concat(options.audience)
  const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis)
  const remote: RemoteOptions = { issuer, audience, fetch: fetchFn, timeoutMs: options.timeoutMs ?? 5_000 }
  if (options.introspection) remote.introspection = options.introspection
  const checkJwt = jwtFor(options, issuer, audience, fetchFn)
  const opaque = opaqueChecker(remote, options.cache)
  const subscription: Subscription | null = options.redis
    ? subscribeToChanges(options.redis, opaque.clear, options.onError ?? (() => {}))
    : null

  // Not an async function: the JWT path hands back jwtVerify's own promise, with no extra turn.
  const verify = (token: string, kind?: TokenKind): Promise<Principal> => {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH)
      return Promise.reject(invalidToken('the token is malformed'))
    if (!looksLikeJwt(token)) return opaque.check(token, kind)
    if (kind === 'session') return Promise.reject(invalidToken('a session token is expected'))
    if (!checkJwt)
      return Promise.reject(invalidToken('JWT access tokens are not accepted here (no audience configured)'))
    return checkJwt(token)
  }

  const allowedOrigins = options.allowedOrigins ?? []
  return {
    verify,
    authenticate: async (req) => {
      const credential = credentialOf(req)
      if (!credential) throw noCredentials()
      if (credential.from === 'bearer') return verify(credential.token)
      if (!sameSiteProof(req, allowedOrigins))
        throw new GatehouseAuthError(
          403,
          'invalid_token',
          'a cross-site request cannot use the session cookie',
        )
      return verify(credential.token, 'session')
    },
    clear: opaque.clear,
    subscribed: subscription?.ready ?? Promise.resolve(false),
    close: async () => {
      subscription?.close()
      opaque.clear()
    },
  }
}
