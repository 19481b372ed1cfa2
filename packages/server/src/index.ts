export { LruTtlCache, tokenKey } from './cache.js'
export { type Credential, credentialOf, type RequestLike, SESSION_COOKIE } from './credentials.js'
export { type AuthErrorCode, GatehouseAuthError, type ProblemDocument } from './errors.js'
export {
  ACR,
  allOf,
  type Factor,
  type Guard,
  isPhishingResistant,
  requireFactor,
  requireRole,
  requireScope,
} from './guards.js'
export { ALGORITHMS } from './jwt.js'
export {
  asAuthError,
  expressGatehouse,
  expressGuard,
  fastifyGatehouse,
  fastifyGatehousePlugin,
  fastifyGuard,
} from './middleware.js'
export { changesChannel, DEFAULT_REDIS_PREFIX } from './revocations.js'
export type { Principal, PrincipalKind, RedisLike, TokenKind, VerifierOptions } from './types.js'
export { createVerifier, type Verifier } from './verifier.js'
export { verifyWebhookSignature, WEBHOOK_HEADERS, type WebhookHeaderBag } from './webhooks.js'
