import { MINUTE } from '../../kernel/clock.js'
import { AppError } from '../../kernel/errors.js'
import { isScope, SCOPES, type Scope } from './authorize.js'
import type { ApiKeyRecord } from './ports.js'

/* The access service's limits, outcomes and input checks. */

export const ACCESS_LIMITS = {
  nameLength: 100,
  descriptionLength: 500,
  maxExpiryDays: 3650,
  /** The longest a rotated key keeps working beside its successor. */
  maxOverlapSeconds: 7 * 24 * 3600,
  bulkPrincipals: 500,
} as const

/** The last use of a key is written at most this often (per key, across instances). */
export const LAST_USE_WRITE_GAP_MS = MINUTE

/** Who acts: what the audit log records, and the scopes the caller holds (it can grant no more). */
export interface Actor {
  actor: string
  scopes: readonly Scope[]
}

export interface NewKey {
  scopes: string[]
  expiresInDays: number | null
  description?: string | null | undefined
}

export type BulkOutcome =
  | { principalId: string; outcome: 'revoked'; sessionsEnded?: number }
  | {
      principalId: string
      outcome: 'rotated'
      successor: ApiKeyRecord
      key: string
      oldStopsAt: number
    }
  | {
      principalId: string
      outcome: 'not_found' | 'already_revoked' | 'not_applicable' | 'scope_required'
      detail: string
    }

export const isString = (v: string | undefined): v is string => typeof v === 'string'

export const dedupe = (xs: string[]) => [...new Set(xs)]

export const parsePrincipal = (id: string): { kind: 'api_key' | 'account'; id: string } | null => {
  const m = /^(api_key|account):([A-Za-z0-9-]{1,64})$/.exec(id)
  return m ? { kind: m[1] as 'api_key' | 'account', id: m[2]! } : null
}

export const cleanName = (name: string): string => {
  const n = name.trim()
  if (n.length === 0 || n.length > ACCESS_LIMITS.nameLength)
    throw new AppError('invalid_request', {
      detail: `The name must have 1 to ${ACCESS_LIMITS.nameLength} characters`,
    })
  return n
}

export const cleanDescription = (d: string | null | undefined): string | null => {
  const v = d?.trim() || null
  if (v && v.length > ACCESS_LIMITS.descriptionLength)
    throw new AppError('invalid_request', { detail: 'The description is too long' })
  return v
}

export const checkExpiry = (days: number | null) => {
  if (days !== null && (!Number.isInteger(days) || days < 1 || days > ACCESS_LIMITS.maxExpiryDays))
    throw new AppError('invalid_request', {
      detail: `expires_in_days must be a whole number from 1 to ${ACCESS_LIMITS.maxExpiryDays}, or null`,
    })
}

/** Known scopes, or `*` alone; sorted, without repeats. */
export const checkScopes = (scopes: string[]): string[] => {
  const set = [...new Set(scopes)]
  if (set.length === 0) throw new AppError('invalid_request', { detail: 'Give at least one scope' })
  const unknown = set.find((s) => s !== '*' && !isScope(s))
  if (unknown !== undefined)
    throw new AppError('invalid_request', { detail: `Unknown scope: ${unknown.slice(0, 64)}` })
  if (set.includes('*') && set.length > 1)
    throw new AppError('invalid_request', { detail: '`*` already holds every scope: give it alone' })
  return set.sort()
}

/** Null when the caller holds every one of `scopes` (`*` needs every scope); else what it lacks. */
export const missingScopes = (by: Actor, scopes: readonly string[]): string | null => {
  const wanted = scopes.includes('*') ? SCOPES : scopes
  const lacking = wanted.filter((s) => !(by.scopes as readonly string[]).includes(s))
  return lacking.length === 0
    ? null
    : `The caller cannot grant scopes it does not hold: ${lacking.join(', ')}`
}

export const requireHeld = (by: Actor, scopes: readonly string[]) => {
  const missing = missingScopes(by, scopes)
  if (missing) throw new AppError('scope_required', { detail: missing })
}
