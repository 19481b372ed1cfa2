import { GatehouseAuthError } from './errors.js'
import type { Principal } from './types.js'

/** A factor a request must have been authenticated with. */
export type Factor = 'mfa' | 'phishing-resistant'

/** RFC 8176 methods that are passkeys: device-bound (hwk) or synced (swk) — bound to the origin. */
const PHISHING_RESISTANT = ['hwk', 'swk']

/** Gatehouse's ACR values (RFC 9470 `acr_values` of a step-up challenge). */
export const ACR = {
  mfa: 'urn:gatehouse:acr:mfa',
  'phishing-resistant': 'urn:gatehouse:acr:phr',
} as const

/**
 * A check of a principal, usable three ways: `guard.test(p)` (a boolean), `guard.check(p)` (throws
 * a 403 GatehouseAuthError) and as route middleware (`fastifyGatehouse(verifier, guard)`).
 */
export interface Guard {
  readonly test: (principal: Principal) => boolean
  readonly check: (principal: Principal) => void
}

const guard = (test: (p: Principal) => boolean, refuse: (p: Principal) => GatehouseAuthError): Guard => ({
  test,
  check: (p) => {
    if (!test(p)) throw refuse(p)
  },
})

/** Whether a principal's sign-in used a passkey (amr `hwk` or `swk`). */
export const isPhishingResistant = (p: Principal): boolean =>
  PHISHING_RESISTANT.some((m) => p.amr.includes(m))

/** More than one factor, or a passkey (a possession bound to a verified user, phishing-resistant). */
const hasMfa = (p: Principal) => p.amr.includes('mfa') || isPhishingResistant(p)

/**
 * The request was authenticated with more than one factor (`mfa`; a passkey counts), or with a
 * phishing-resistant one (a passkey). Refusal: 403 `insufficient_user_authentication` (RFC 9470)
 * with the `acr_values` that would do.
 */
export const requireFactor = (factor: Factor): Guard => {
  if (factor !== 'mfa' && factor !== 'phishing-resistant')
    throw new TypeError(`unknown factor ${String(factor)}`)
  const test = factor === 'mfa' ? hasMfa : isPhishingResistant
  return guard(
    test,
    () =>
      new GatehouseAuthError(
        403,
        'insufficient_user_authentication',
        factor === 'mfa' ? 'a second factor is required' : 'a passkey sign-in is required',
        { acrValues: ACR[factor] },
      ),
  )
}

/** The account holds one of `roles`. Refusal: 403 `insufficient_role`. */
export const requireRole = (...roles: string[]): Guard => {
  if (roles.length === 0) throw new TypeError('requireRole needs at least one role')
  return guard(
    (p) => p.roles.some((r) => roles.includes(r)),
    () =>
      new GatehouseAuthError(403, 'insufficient_role', `one of these roles is required: ${roles.join(', ')}`),
  )
}

/**
 * An access token granted every one of `scopes`. A session passes: it acts as its account with
 * everything the account may do. Refusal: 403 `insufficient_scope` (RFC 6750) naming them.
 */
export const requireScope = (...scopes: string[]): Guard => {
  if (scopes.length === 0) throw new TypeError('requireScope needs at least one scope')
  return guard(
    (p) => p.kind === 'session' || scopes.every((s) => p.scopes.includes(s)),
    () =>
      new GatehouseAuthError(
        403,
        'insufficient_scope',
        `the access token lacks a scope: ${scopes.join(' ')}`,
        {
          scope: scopes.join(' '),
        },
      ),
  )
}

/** Every guard passes (the first that fails refuses). */
export const allOf = (...guards: Guard[]): Guard => ({
  test: (p) => guards.every((g) => g.test(p)),
  check: (p) => {
    for (const g of guards) g.check(p)
  },
})
