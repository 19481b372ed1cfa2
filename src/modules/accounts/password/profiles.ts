/** The policy's options, and the NIST SP 800-63B profiles that set its length floor. */
import { MAX_STRENGTH_SAMPLE, STRENGTH_SAMPLE_CODE_POINTS } from './strength.js'

/**
 * Which revision of NIST SP 800-63B sets the length floor:
 * - `nist-800-63b-3` (2017, the default): `minLength` for every password;
 * - `nist-800-63b-4` (2025): SINGLE_FACTOR_MIN_LENGTH (15) where the password is the account's only
 *   factor, `minLength` once it holds a second factor that counts (see PASSWORD_FACTOR_FLOOR in
 *   mfa/strength.ts: a TOTP factor or a passkey, not email or SMS codes).
 */
export type PasswordProfile = 'nist-800-63b-3' | 'nist-800-63b-4'

/** NIST SP 800-63B rev. 4: the shortest password that may be an account's only factor. */
export const SINGLE_FACTOR_MIN_LENGTH = 15

export interface PasswordPolicyOptions {
  /** Fewest code points (after NFKC) accepted (with the rev. 4 profile: with a second factor); NIST: at least 8. */
  minLength: number
  /** Most code points (after NFKC) accepted; NIST: at least 64. */
  maxLength: number
  /** Lowest zxcvbn score (0–4) accepted. */
  minScore: number
  /**
   * How many leading code points the strength estimator sees (default STRENGTH_SAMPLE_CODE_POINTS,
   * at most MAX_STRENGTH_SAMPLE); the other rules always see the whole password.
   */
  strengthSample?: number
  /** Default `nist-800-63b-3`. */
  profile?: PasswordProfile
}

/** The options with their defaults filled in; throws a RangeError for options no policy can have. */
export const resolveOptions = (options: PasswordPolicyOptions): Readonly<Required<PasswordPolicyOptions>> => {
  const {
    minLength,
    maxLength,
    minScore,
    strengthSample = STRENGTH_SAMPLE_CODE_POINTS,
    profile = 'nist-800-63b-3',
  } = options
  if (!Number.isInteger(minLength) || minLength < 1) {
    throw new RangeError('minLength must be a positive integer')
  }
  if (!Number.isInteger(maxLength) || maxLength < minLength) {
    throw new RangeError('maxLength must be an integer no smaller than minLength')
  }
  if (!Number.isInteger(minScore) || minScore < 0 || minScore > 4) {
    throw new RangeError('minScore must be an integer from 0 to 4')
  }
  if (!Number.isInteger(strengthSample) || strengthSample < 1 || strengthSample > MAX_STRENGTH_SAMPLE) {
    throw new RangeError(`strengthSample must be an integer from 1 to ${MAX_STRENGTH_SAMPLE}`)
  }
  if (profile !== 'nist-800-63b-3' && profile !== 'nist-800-63b-4') {
    throw new RangeError('profile must be nist-800-63b-3 or nist-800-63b-4')
  }
  if (profile === 'nist-800-63b-4' && maxLength < SINGLE_FACTOR_MIN_LENGTH) {
    throw new RangeError(`maxLength must be at least ${SINGLE_FACTOR_MIN_LENGTH} for nist-800-63b-4`)
  }
  return Object.freeze({ minLength, maxLength, minScore, strengthSample, profile })
}

/** The fewest code points a password of an account with (or without) a second factor may have. */
export const profileMinLength = (
  options: Readonly<Required<PasswordPolicyOptions>>,
  multiFactor: boolean,
): number => {
  const { minLength, profile } = options
  if (profile === 'nist-800-63b-4' && !multiFactor) return Math.max(minLength, SINGLE_FACTOR_MIN_LENGTH)
  return minLength
}
