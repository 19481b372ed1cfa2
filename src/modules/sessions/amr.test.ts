import { describe, expect, it } from 'vitest'
import { mergeAmr, passwordlessAmr, reauthAmr, secondFactorAmr } from './amr.js'

describe('authentication method references (RFC 8176)', () => {
  const device = { multiDevice: false, userVerified: true }
  const synced = { multiDevice: true, userVerified: false }

  it('names a login by password and a second factor', () => {
    expect(secondFactorAmr('totp', null)).toEqual(['pwd', 'otp', 'mfa'])
    expect(secondFactorAmr('recovery_code', null)).toEqual(['pwd', 'otp', 'mfa'])
    expect(secondFactorAmr('email', null)).toEqual(['pwd', 'otp', 'mfa'])
    expect(secondFactorAmr('sms', null)).toEqual(['pwd', 'sms', 'mfa'])
    expect(secondFactorAmr('webauthn', device)).toEqual(['pwd', 'hwk', 'mfa'])
    expect(secondFactorAmr('webauthn', synced)).toEqual(['pwd', 'swk', 'mfa'])
  })

  it('counts a passwordless passkey as two factors only when it verified the user', () => {
    expect(passwordlessAmr(device)).toEqual(['hwk', 'mfa'])
    expect(passwordlessAmr(synced)).toEqual(['swk'])
  })

  it('names what a re-authentication proved, and adds it once', () => {
    expect(reauthAmr({ password: 'x' }, null)).toEqual(['pwd'])
    expect(reauthAmr({ method: 'recovery_code' }, null)).toEqual(['otp'])
    expect(reauthAmr({ method: 'webauthn' }, synced)).toEqual(['swk'])
    expect(mergeAmr(['pwd', 'otp', 'mfa'], ['otp', 'hwk'])).toEqual(['pwd', 'otp', 'mfa', 'hwk'])
  })
})
