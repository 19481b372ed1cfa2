/** How the caller proved who it is: a Gatehouse session, or an OpenID Connect access token. */
export type PrincipalKind = 'session' | 'access_token'

/**
 * Who made a request, as Gatehouse vouched for it. Times are epoch milliseconds. The object and its
 * arrays are frozen: one principal may answer many requests from the cache.
 */
export interface Principal {
  readonly kind: PrincipalKind
  /** The subject: the account id (or, for a client-credentials token, the client id). */
  readonly subject: string
  /** The account id; null for a client-credentials token (no account behind it). */
  readonly accountId: string | null
  readonly username?: string
  /** The account's roles (`user`, `admin`, `partner`, `responder`, `auditor`); empty when not released. */
  readonly roles: readonly string[]
  /** RFC 8176 authentication method references: pwd, otp, sms, hwk, swk, mfa … */
  readonly amr: readonly string[]
  /** The authentication context class the sign-in reached (access tokens). */
  readonly acr?: string
  /** The scopes an access token was granted; empty for a session (a session acts as its account). */
  readonly scopes: readonly string[]
  /** The application an access token was issued to. */
  readonly clientId?: string
  /** The Gatehouse session id (sessions). */
  readonly sessionId?: string
  /** When the holder last proved who they are. */
  readonly authenticatedAt?: number
  /** When the credential stops being valid (the earlier of its absolute and idle expiry for a session). */
  readonly expiresAt: number
}

/** A Redis client as far as the verifier uses one (ioredis's `Redis` fits). */
export interface RedisLike {
  duplicate(): RedisLike
  subscribe(channel: string): Promise<unknown>
  on(event: 'message', listener: (channel: string, message: string) => void): unknown
  on(event: 'error', listener: (err: Error) => void): unknown
  on(event: 'ready', listener: () => void): unknown
  disconnect(): void
}

export interface VerifierOptions {
  /** Gatehouse's public URL (GATEHOUSE_PUBLIC_URL): the issuer of its tokens, and where it is asked. */
  issuer: string
  /**
   * The audience JWT access tokens must carry: this API's resource URL as listed in
   * GATEHOUSE_OIDC_RESOURCE_SERVERS. Required to accept JWT access tokens.
   */
  audience?: string | string[]
  /** A first-party confidential client's credentials: needed to accept opaque access tokens (RFC 7662). */
  introspection?: { clientId: string; clientSecret: string }
  /** The answers of Gatehouse kept in memory (session checks and introspections). */
  cache?: { maxEntries?: number; ttlSeconds?: number }
  /**
   * Gatehouse's Redis, to hear of revocations at once: a URL (ioredis is then loaded) or an ioredis
   * client (subscribed through a duplicate connection). `prefix` is GATEHOUSE_REDIS_PREFIX.
   */
  redis?: { url: string; prefix?: string } | { client: RedisLike; prefix?: string } | RedisLike
  /**
   * Origins (besides the request's own host) whose pages may send `POST`/`PUT`/`PATCH`/`DELETE`
   * requests authenticated by the session cookie; other cross-site ones are refused (CSRF).
   */
  allowedOrigins?: string[]
  /** The fetch used to reach Gatehouse (the global one by default). */
  fetch?: typeof fetch
  /** How long one call to Gatehouse may take, in milliseconds (5000 by default). */
  timeoutMs?: number
  /**
   * How long after fetching the signing keys a token with an unknown key id makes them be fetched
   * again, in seconds (30 by default): a rotation is picked up at once, a flood of made-up key ids
   * costs Gatehouse one fetch per period.
   */
  jwksCooldownSeconds?: number
  /** Leeway for `exp`/`nbf` of JWT access tokens, in seconds (5 by default). */
  clockToleranceSeconds?: number
  /** Told of Redis trouble (the short TTL then bounds staleness). */
  onError?: (err: Error) => void
}

/** Which check a token gets: a session check, or an access-token check (JWT locally, opaque by introspection). */
export type TokenKind = 'session' | 'access_token'
