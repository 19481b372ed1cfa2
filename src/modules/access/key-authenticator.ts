import { MINUTE } from '../../kernel/clock.js'
import { hashToken, safeEqual } from '../../kernel/tokens.js'
import type { EventRecorder } from '../events/recorder.js'
import { type ApiKeyAuthenticator, isScope, SCOPES } from './authorize.js'
import { keyPrefixOf } from './keys.js'
import type { AccessRepository, ApiKeyRecord } from './ports.js'
import { LAST_USE_WRITE_GAP_MS } from './rules.js'

/**
 * The `ApiKeyAuthenticator` of the admin API: the key is looked up by its SHA-256 (an indexed,
 * unique column; the hashes are then compared in constant time). Unknown, revoked, expired keys
 * and keys of a disabled client are refused alike; the use of a known but dead key is recorded
 * (`api_key_refused`). The last use (time and address) is written at most once a minute per key.
 */
export const createKeyAuthenticator = (deps: {
  repo: AccessRepository
  events: EventRecorder
}): ApiKeyAuthenticator => {
  /** Refused keys recorded as events at most once a minute per key, per instance. */
  const refusalNoted = new Map<string, number>()

  const noteRefusal = async (k: ApiKeyRecord, reason: string, use: { ip: string | null; at: number }) => {
    const last = refusalNoted.get(k.id)
    if (last !== undefined && use.at - last < MINUTE) return
    if (refusalNoted.size > 10_000) refusalNoted.clear()
    refusalNoted.set(k.id, use.at)
    await deps.events.record(
      'api_key_refused',
      null,
      { ip: use.ip, userAgent: null, clientVersion: null, requestId: null },
      { key_id: k.id, client_id: k.clientId, prefix: k.prefix, reason },
    )
  }

  return async (presented, use) => {
    const prefix = keyPrefixOf(presented)
    if (!prefix) return null
    const hash = hashToken(presented)
    const found = await deps.repo.findKeyByHash(hash)
    if (!found || !safeEqual(found.key.keyHash, hash) || found.key.prefix !== prefix) return null
    const k = found.key
    const refused =
      k.revokedAt !== null && k.revokedAt <= use.at
        ? 'revoked'
        : k.expiresAt !== null && k.expiresAt <= use.at
          ? 'expired'
          : found.clientDisabledAt !== null
            ? 'client_disabled'
            : null
    if (refused) {
      await noteRefusal(k, refused, use)
      return null
    }
    if (k.lastUsedAt === null || use.at - k.lastUsedAt >= LAST_USE_WRITE_GAP_MS) {
      await deps.repo.recordUse(k.id, use.ip, use.at, LAST_USE_WRITE_GAP_MS)
    }
    return {
      keyId: k.id,
      clientId: k.clientId,
      scopes: k.scopes.includes('*') ? SCOPES : k.scopes.filter(isScope),
    }
  }
}
