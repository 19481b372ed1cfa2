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
