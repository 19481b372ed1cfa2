import { describe, expect, it } from 'vitest'
import {
  atLeast,
  challengeKinds,
  type FactorKind,
  factorPolicyOf,
  kindsAtLeast,
  resetNeedsFactor,
  satisfies,
} from './strength.js'

const factors = (...kinds: FactorKind[]) => kinds.map((kind) => ({ kind, confirmedAt: 1 }))
const pending = (kind: FactorKind) => ({ kind, confirmedAt: null })

describe('factor strength', () => {
  it('orders channel codes below TOTP below passkeys', () => {
    expect(kindsAtLeast('channel').sort()).toEqual(['email', 'sms', 'totp', 'webauthn'])
    expect(kindsAtLeast('app_based').sort()).toEqual(['totp', 'webauthn'])
    expect(kindsAtLeast('phishing_resistant')).toEqual(['webauthn'])
    expect(atLeast('sms', 'app_based')).toBe(false)
  })

  it('gives every staff role the app-based floor, whatever the configured roles say', () => {
    for (const role of ['admin', 'responder', 'auditor', 'partner']) {
      expect(factorPolicyOf({ role, mfaEnrolmentRequired: false }, [])).toEqual({
        floor: 'app_based',
        required: false,
      })
    }
    expect(factorPolicyOf({ role: 'user', mfaEnrolmentRequired: true }, [])).toEqual({
      floor: 'channel',
      required: true,
    })
  })

  it('satisfies a floor with confirmed factors only', () => {
    expect(satisfies(factors('email', 'sms'), 'app_based')).toBe(false)
    expect(satisfies([pending('totp')], 'app_based')).toBe(false)
    expect(satisfies(factors('email', 'totp'), 'app_based')).toBe(true)
  })

  it('leaves channel codes out of a challenge once a factor at the floor exists', () => {
    expect(challengeKinds(factors('totp', 'email'), 'app_based')).toEqual(['totp'])
    expect(challengeKinds(factors('totp', 'email'), 'channel')).toEqual(['totp', 'email'])
    // No factor that strong: the ones there are still guard the (enrolment-only) session.
    expect(challengeKinds(factors('email'), 'app_based')).toEqual(['email'])
  })

  it('asks a reset for a factor its channel does not prove', () => {
    expect(resetNeedsFactor([], 'email')).toBe(false)
    expect(resetNeedsFactor(factors('email'), 'email')).toBe(false)
    expect(resetNeedsFactor(factors('sms'), 'email')).toBe(true)
    expect(resetNeedsFactor(factors('email'), 'sms')).toBe(true)
    expect(resetNeedsFactor(factors('email', 'sms'), 'sms')).toBe(false)
    expect(resetNeedsFactor(factors('webauthn'), 'email')).toBe(true)
    expect(resetNeedsFactor(factors('totp', 'email'), 'email')).toBe(true)
    expect(resetNeedsFactor([pending('sms')], 'email')).toBe(false)
  })
})
