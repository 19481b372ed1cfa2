/* The MFA module's repositories, one file each. */
export { SqlMfaChallenges } from './mfa-challenges-repository.js'
export { SqlMfaFactorRepository } from './mfa-factors-repository.js'
export { SqlPasskeyRepository } from './mfa-passkeys-repository.js'
export { SqlRecoveryCodes } from './mfa-recovery-codes-repository.js'
export { SqlWebauthnChallenges } from './mfa-webauthn-challenges-repository.js'
