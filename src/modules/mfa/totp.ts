import { Secret, TOTP } from 'otpauth'

/** RFC 6238 defaults, which every authenticator app supports: HMAC-SHA-1, 6 digits, 30-second steps. */
const ALGORITHM = 'SHA1'
const DIGITS = 6
const PERIOD_SECONDS = 30
const SECRET_BYTES = 20
const CODE = /^[0-9]{6}$/

/** A new TOTP secret: 160 bits from the CSPRNG, base32 (as shown to authenticator apps). */
export const generateTotpSecret = (): string => new Secret({ size: SECRET_BYTES }).base32

/** The time step (counter) that `atMs` falls in. */
export const totpStepAt = (atMs: number): number => TOTP.counter({ period: PERIOD_SECONDS, timestamp: atMs })

/** The 6-digit code for `atMs`. */
export const totpCodeAt = (secretBase32: string, atMs: number): string =>
  TOTP.generate({
    secret: Secret.fromBase32(secretBase32),
    algorithm: ALGORITHM,
    digits: DIGITS,
    period: PERIOD_SECONDS,
    timestamp: atMs,
  })

/**
 * The time step whose code `code` is, looking `window` steps either side of the step of `atMs`;
 * null when none matches or `code` is not exactly 6 ASCII digits. Comparison is constant-time
 * (otpauth compares with crypto.timingSafeEqual).
 */
export const matchTotpStep = (
  secretBase32: string,
  code: string,
  atMs: number,
  window = 1,
): number | null => {
  if (typeof code !== 'string' || !CODE.test(code)) return null
  const delta = TOTP.validate({
    token: code,
    secret: Secret.fromBase32(secretBase32),
    algorithm: ALGORITHM,
    digits: DIGITS,
    period: PERIOD_SECONDS,
    timestamp: atMs,
    window,
  })
  return delta === null ? null : totpStepAt(atMs) + delta
}
