import { type Clock, HOUR, SECOND } from '../../kernel/clock.js'
import { AppError } from '../../kernel/errors.js'
import type { Notifier } from '../../kernel/notifier.js'
import type { DevicesService } from '../devices/service.js'
import type { EventRecorder } from '../events/recorder.js'
import type { PasswordHasher } from './password-hasher.js'
import type { PasswordContext, PasswordPolicy } from './password-policy.js'
import type { AccountsStore } from './ports.js'

export interface AccountsSettings {
  verifyTokenTtlMs: number
  /** Address-change requests per account per hour. */
  emailChangesPerHour?: number
  unverifiedAccountTtlMs: number
  /** Lifetime of a phone verification code (default 10 minutes). */
  phoneCodeTtlMs?: number
  /** Phone verification codes an account may have sent per hour (default 5). */
  phoneCodesPerHour?: number
  /** Wrong guesses before a phone verification code dies (default 5). */
  phoneCodeMaxAttempts?: number
  /** Verification mails an account may receive per hour, the sign-up mail included (default 3). */
  verifyMailsPerHour?: number
}

/** The ports and settings every part of the accounts service works over. */
export interface AccountsDeps {
  store: AccountsStore
  hasher: PasswordHasher
  policy: PasswordPolicy
  events: EventRecorder
  clock: Clock
  settings: AccountsSettings
  /** Told when messages were queued (the outbox delivers them now rather than at its next poll). */
  queued: Notifier
  /** After a password change: remembered devices are forgotten. */
  /** Remembered devices are forgotten when the password changes. */
  devices: Pick<DevicesService, 'forgetRemembered'>
  /** True when the account holds a second factor the password policy counts (a shorter password may do). */
  multiFactor?: (accountId: string) => Promise<boolean>
}

/** Seconds until the oldest of `times` leaves the one-hour window (at least 1). */
export const retryAfterSeconds = (times: number[], now: number): number =>
  Math.max(1, Math.ceil((Math.min(...times) + HOUR - now) / SECOND))

/** Throws the policy's verdict as a 400 problem, or returns the normalised password. */
export const checkPassword = (policy: PasswordPolicy, raw: string, context: PasswordContext): string => {
  const verdict = policy.check(raw, context)
  if (!verdict.ok) throw new AppError(verdict.code, { detail: verdict.detail })
  return verdict.password
}
