import { Secret, TOTP } from 'otpauth'
import { describe, expect, it } from 'vitest'
import { generateTotpSecret, matchTotpStep, totpCodeAt, totpStepAt } from './totp.js'

// RFC 6238 Appendix B, SHA-1: the secret is the ASCII string "12345678901234567890".
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'
const vectors: Array<[seconds: number, eight: string, six: string]> = [
  [59, '94287082', '287082'],
  [1111111109, '07081804', '081804'],
  [1111111111, '14050471', '050471'],
  [1234567890, '89005924', '005924'],
  [2000000000, '69279037', '279037'],
  [20000000000, '65353130', '353130'],
]

describe('TOTP', () => {
  it('the RFC secret is the base32 of the ASCII test key', () => {
    expect(Buffer.from(Secret.fromBase32(RFC_SECRET).bytes).toString('latin1')).toBe('12345678901234567890')
  })

  it.each(vectors)('RFC 6238 SHA-1 vector at T=%i s', (seconds, eight, six) => {
    const atMs = seconds * 1000
    const secret = Secret.fromBase32(RFC_SECRET)
    expect(TOTP.generate({ secret, algorithm: 'SHA1', digits: 8, period: 30, timestamp: atMs })).toBe(eight)
    expect(TOTP.generate({ secret, algorithm: 'SHA1', digits: 6, period: 30, timestamp: atMs })).toBe(six)
    expect(totpCodeAt(RFC_SECRET, atMs)).toBe(six)
    expect(matchTotpStep(RFC_SECRET, six, atMs)).toBe(Math.floor(seconds / 30))
  })

  it('accepts a code one step either side and refuses two steps away', () => {
    const at = 1_700_000_000_000
    const code = totpCodeAt(RFC_SECRET, at)
    const step = totpStepAt(at)
    expect(step).toBe(Math.floor(at / 30_000))
    expect(matchTotpStep(RFC_SECRET, code, at)).toBe(step)
    expect(matchTotpStep(RFC_SECRET, code, at + 30_000)).toBe(step)
    expect(matchTotpStep(RFC_SECRET, code, at - 30_000)).toBe(step)
    expect(matchTotpStep(RFC_SECRET, code, at + 60_000)).toBeNull()
    expect(matchTotpStep(RFC_SECRET, code, at - 60_000)).toBeNull()
    expect(matchTotpStep(RFC_SECRET, code, at + 60_000, 2)).toBe(step)
    expect(matchTotpStep(RFC_SECRET, code, at + 30_000, 0)).toBeNull()
  })

  it('refuses codes that are not exactly six ASCII digits, without throwing', () => {
    const at = 1_111_111_111_000
    expect(matchTotpStep(RFC_SECRET, '050471', at)).not.toBeNull()
    for (const bad of [
      '05047',
      '0504711',
      '14050471',
      '05047a',
      ' 050471',
      '050471 ',
      '05 0471',
      '',
      '０５０４７１',
      '-50471',
      '5.0471',
    ]) {
      expect(matchTotpStep(RFC_SECRET, bad, at), bad).toBeNull()
    }
    expect(matchTotpStep(RFC_SECRET, 50471 as unknown as string, at)).toBeNull()
  })

  it('generates 160-bit base32 secrets that differ', () => {
    const a = generateTotpSecret()
    const b = generateTotpSecret()
    expect(a).toMatch(/^[A-Z2-7]{32}$/)
    expect(Secret.fromBase32(a).bytes.length).toBe(20)
    expect(a).not.toBe(b)
    expect(totpCodeAt(a, Date.now())).toMatch(/^[0-9]{6}$/)
  })
})
