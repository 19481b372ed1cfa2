import {
  createRemoteJWKSet,
  customFetch,
  decodeProtectedHeader,
  type JWTPayload,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
  jwtVerify,
} from 'jose'
import { invalidToken, unavailable } from './errors.js'
import type { Principal } from './types.js'

/** The only algorithms Gatehouse signs with: never `none`, never a symmetric one. */
export const ALGORITHMS = ['RS256', 'ES256']

/** A token shaped like a JWS in compact form (three base64url parts); anything else is opaque. */
export const looksLikeJwt = (token: string): boolean => {
  const first = token.indexOf('.')
  if (first <= 0) return false
  const second = token.indexOf('.', first + 1)
  return second > first + 1 && token.indexOf('.', second + 1) === -1
}

export interface JwtCheckOptions {
  issuer: string
  audience: string | string[]
  jwksUrl: string
  fetch: typeof fetch
  timeoutMs: number
  clockToleranceSeconds: number
  cooldownMs: number
}

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []

const freeze = <T extends object>(o: T): T => {
  for (const v of Object.values(o)) if (Array.isArray(v)) Object.freeze(v)
  return Object.freeze(o)
}

/** The principal an access token's claims (JWT payload or introspection answer) describe. */
export const accessTokenPrincipal = (c: JWTPayload & Record<string, unknown>): Principal => {
  const clientId = typeof c.client_id === 'string' ? c.client_id : undefined
  const sub = String(c.sub)
  // A client-credentials token's subject is its client: no account is behind it.
  const accountId = clientId !== undefined && sub === clientId && c.auth_time === undefined ? null : sub
  const p: Record<string, unknown> = {
    kind: 'access_token',
    subject: sub,
    accountId,
    roles: strings(c.roles),
    amr: strings(c.amr),
    scopes: typeof c.scope === 'string' ? c.scope.split(' ').filter(Boolean) : [],
    expiresAt: Number(c.exp) * 1000,
  }
  if (typeof c.preferred_username === 'string') p.username = c.preferred_username
  if (typeof c.acr === 'string') p.acr = c.acr
  if (clientId !== undefined) p.clientId = clientId
  if (typeof c.auth_time === 'number') p.authenticatedAt = c.auth_time * 1000
  return freeze(p as unknown as Principal)
}

type Key = Awaited<ReturnType<JWTVerifyGetKey>>

/** How long a key, once selected, is used without asking the key set again. */
const KEY_MEMO_MS = 60_000

/**
 * The key set's answers per algorithm and key id, kept for a minute: the hot path then hands
 * jwtVerify the key itself, without the key set's selection. A key Gatehouse stops publishing is
 * trusted no longer than the key set itself would (it keeps the document for ten minutes).
 */
const keyMemo = (remote: JWTVerifyGetKey) => {
  const memo = new Map<string, { key: Key; until: number }>()
  const idOf = (header: { alg?: string; kid?: string }) => `${header.alg} ${header.kid}`
  return {
    /** The key for a token's header when it was selected lately; undefined otherwise. */
    known(header: { alg?: string; kid?: string }): Key | undefined {
      const hit = memo.get(idOf(header))
      return hit && hit.until > Date.now() ? hit.key : undefined
    },
    /** The key set, remembering what it selects. */
    select: (async (header, token) => {
      const key = await remote(header, token)
      if (memo.size > 64) memo.clear()
      memo.set(idOf(header), { key, until: Date.now() + KEY_MEMO_MS })
      return key
    }) as JWTVerifyGetKey,
  }
}

/**
 * Checks JWT access tokens locally: the signature against Gatehouse's published keys (fetched once,
 * fetched again for a key id it does not know, at most once per cooldown), the issuer, the audience, the
 * `at+jwt` type (RFC 9068: an ID token is not an access token), RS256 or ES256 only, and the time.
 */
export const jwtChecker = (o: JwtCheckOptions) => {
  const remote = createRemoteJWKSet(new URL(o.jwksUrl), {
    timeoutDuration: o.timeoutMs,
    cooldownDuration: o.cooldownMs,
    cacheMaxAge: 600_000,
    [customFetch]: o.fetch,
  })
  const keys = keyMemo(remote)
  const options: JWTVerifyOptions = {
    issuer: o.issuer,
    audience: o.audience,
    typ: 'at+jwt',
    algorithms: ALGORITHMS,
    clockTolerance: o.clockToleranceSeconds,
    requiredClaims: ['exp', 'sub', 'iat'],
  }
  const accepted = ({ payload }: { payload: JWTPayload }): Principal => {
    // A sender-constrained token (DPoP, mTLS) needs its proof, which this check does not take.
    if (payload.cnf !== undefined) throw invalidToken('the access token is sender-constrained')
    return accessTokenPrincipal(payload as JWTPayload & Record<string, unknown>)
  }
  const refused = (err: unknown): never => {
    throw refusal(err)
  }
  return (token: string): Promise<Principal> => {
    let key: Key | undefined
    try {
      key = keys.known(decodeProtectedHeader(token))
    } catch {
      return Promise.reject(invalidToken('the access token is malformed'))
    }
    // The algorithm is still checked against `algorithms` and the key's own type by jwtVerify.
    return (key ? jwtVerify(token, key, options) : jwtVerify(token, keys.select, options)).then(
      accepted,
      refused,
    )
  }
}

const refusal = (err: unknown): Error => {
  const code = (err as { code?: string }).code ?? ''
  // The keys could not be fetched: Gatehouse is unreachable, which says nothing about the token.
  if (code === 'ERR_JWKS_TIMEOUT' || code === 'ERR_JOSE_GENERIC' || err instanceof TypeError)
    return unavailable('the signing keys could not be fetched')
  if (code === 'ERR_JWT_EXPIRED') return invalidToken('the access token has expired')
  return invalidToken('the access token is not valid here')
}
