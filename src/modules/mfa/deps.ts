import type { AuthenticationResponseJSON } from '@simplewebauthn/server'
import type { Clock } from '../../kernel/clock.js'
import type { SecretBox } from '../../kernel/secret-box.js'
import type { RequestContext } from '../events/ports.js'
import type { EventRecorder } from '../events/recorder.js'
import type { RateLimiter } from '../guard/ports.js'
import type { SecurityChange } from '../mail/notices.js'
import type { PasskeyUse } from './passkeys.js'
import type { MfaChallengeRepository, MfaFactorRepository, RecoveryCodeRepository } from './ports.js'
import type { StoredSecondFactors } from './second-factors.js'
import { type FactorPolicy, NO_FACTOR_POLICY } from './strength.js'

/** A completed login challenge: whose it was, and the passkey that answered it (null for a code). */
export interface CompletedChallenge {
  accountId: string
  passkey: PasskeyUse | null
}

export type MfaMethod = 'totp' | 'webauthn' | 'email' | 'sms' | 'recovery_code'

/** Checks a passkey assertion as the second factor of a login challenge (see PasskeyService); null: it does not hold. */
export type PasskeyCheck = (
  accountId: string,
  loginChallengeId: string,
  input: { challengeId: string; assertion: AuthenticationResponseJSON },
  ctx: RequestContext,
) => Promise<PasskeyUse | null>

export interface MfaSettings {
  issuer: string
  challengeTtlMs: number
  /** Guesses per login challenge. */
  maxAttemptsPerChallenge: number
  recoveryCodeCount: number
}

/** The ports and settings every part of the MFA service works over. */
export interface MfaDeps {
  factors: MfaFactorRepository
  challenges: MfaChallengeRepository
  codes: RecoveryCodeRepository
  totp: StoredSecondFactors
  box: SecretBox
  codeKey: Buffer
  events: EventRecorder
  clock: Clock
  /** Guesses per account across all challenges. */
  accountGuesses: RateLimiter
  settings: MfaSettings
  /** Tells the holder on every verified channel that a factor or the recovery codes changed. */
  notify?: (accountId: string, change: SecurityChange) => Promise<void>
  /**
   * The account's MFA policy (see strength.ts): which factors its login challenge accepts, and
   * whether its last factor at the policy's floor may be removed. Unset: any factor, none required.
   */
  policyOf?: (accountId: string) => Promise<FactorPolicy>
  /** Passkeys as the second factor of a login challenge. */
  passkeyCheck?: PasskeyCheck
  /** One-time codes sent by email or SMS for a login challenge. */
  codeCheck?: (challengeId: string, channel: 'email' | 'sms', code: string) => Promise<boolean>
}

/** The account's MFA policy; without a policy port, any factor and none required. */
export const policyOf = (deps: MfaDeps, accountId: string): Promise<FactorPolicy> =>
  deps.policyOf?.(accountId) ?? Promise.resolve(NO_FACTOR_POLICY)
