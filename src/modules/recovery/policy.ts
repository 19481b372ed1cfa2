import type { AccountRecord } from '../accounts/ports.js'
import { noContext } from '../events/recorder.js'
import type { MfaFactorRepository } from '../mfa/ports.js'
import type { SecondFactors } from '../mfa/second-factors.js'
import type { MfaService } from '../mfa/service.js'
import {
  isStaffRole,
  PASSWORD_FACTOR_FLOOR,
  resetNeedsFactor,
  STAFF_FLOOR,
  satisfies,
} from '../mfa/strength.js'
import type { RecoveryOutcome, RecoveryRepositories } from './ports.js'

/** What recovery reads and checks of an account's second factors (the MFA module's). */
export interface RecoveryFactorPorts {
  factors: Pick<MfaFactorRepository, 'listAll'>
  mfa: Pick<MfaService, 'verifyWithinBudget'>
}

/**
 * Recovery asks for a factor the reset channel does not already prove (see resetNeedsFactor): TOTP
 * or a passkey (with its recovery codes), or email/SMS codes on the other channel. A code there is a
 * TOTP code or a recovery code, checked within the account's second-factor budget, which login
 * challenges share. Without a channel: a factor no reset channel proves.
 */
export const recoveryFactors = ({ factors, mfa }: RecoveryFactorPorts): SecondFactors => ({
  has: async (accountId, resetChannel) => {
    const all = await factors.listAll(accountId)
    return resetChannel ? resetNeedsFactor(all, resetChannel) : satisfies(all, PASSWORD_FACTOR_FLOOR)
  },
  verify: (accountId, code) => mfa.verifyWithinBudget(accountId, code, noContext, 'recovery'),
})

/**
 * False for an account no reset message may recover: a staff account without a TOTP factor or
 * passkey is recovered by an operator only (`gatehouse accounts reset-password`): its mailbox alone
 * must not make an administrator.
 */
export const recoverableBy =
  ({ factors }: Pick<RecoveryFactorPorts, 'factors'>) =>
  async (account: AccountRecord): Promise<boolean> =>
    !isStaffRole(account.role) || satisfies(await factors.listAll(account.id), STAFF_FLOOR)

/**
 * The send-time rules, under the account's lock: why this request gets no message (null: it may get
 * one, within the outbound gate's caps). A staff account without a strong factor is never recovered
 * by a message (`recoverable`); a reset-locked account needs a right second-factor code (`codeOk`);
 * a live token younger than the resend interval is not replaced.
 */
export const sendRefusal = async (
  tx: Pick<RecoveryRepositories, 'tokens'>,
  account: AccountRecord,
  checked: { recoverable: boolean; codeOk: boolean; resendAfterMs: number },
  now: number,
): Promise<RecoveryOutcome | null> => {
  if (!checked.recoverable) return 'suppressed_staff'
  // A disabled account is enabled by staff only: a new password would open nothing anyway.
  if (account.disabledAt !== null) return 'suppressed_disabled'
  if (account.resetLock && !checked.codeOk) return 'suppressed_reset_lock'
  if (checked.resendAfterMs > 0) {
    const newest = await tx.tokens.newestLive(account.id, 'recovery', now)
    if (newest !== null && now - newest < checked.resendAfterMs) return 'suppressed_recent_token'
  }
  return null
}
