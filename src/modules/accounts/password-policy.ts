/**
 * The password rules for new passwords (sign-up, change, reset): the policy and what it is built
 * from live in password/ (policy.ts, one file per rule and per list); this is where the rest of
 * Gatehouse imports them from.
 */
export { commonPasswordCount } from './password/blocklist.js'
export {
  type PasswordContext,
  PasswordPolicy,
  type PasswordRuleCode,
  type PasswordVerdict,
} from './password/policy.js'
export {
  type PasswordPolicyOptions,
  type PasswordProfile,
  SINGLE_FACTOR_MIN_LENGTH,
} from './password/profiles.js'
export { STRENGTH_SAMPLE_CODE_POINTS, type StrengthEstimator } from './password/strength.js'
export { normalizePassword } from './password/text.js'
export { warmPasswordLists } from './password/warm.js'
