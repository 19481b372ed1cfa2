import type { AuthenticationResponseJSON } from '@simplewebauthn/server'
import { AppError } from '../../kernel/errors.js'
import { newId } from '../../kernel/tokens.js'
import type { AccountRecord } from '../accounts/ports.js'
import type { RequestContext } from '../events/ports.js'
import { type CompletedChallenge, type MfaDeps, type MfaMethod, policyOf } from './deps.js'
import type { PasskeyUse } from './passkeys.js'
import type { RecoveryCodes } from './recovery-codes.js'
import { type CodeCheck, codeAlreadyUsed } from './second-factors.js'
import { challengeKinds, type FactorPolicy } from './strength.js'

/**
 * The login challenge between the password step and the factor step: which methods it offers, its
 * start, and its completion. Guesses are counted before they are checked, per challenge and per
 * account, so parallel guesses cannot exceed the limits.
 */
export class LoginChallenges {
  constructor(
    private readonly deps: MfaDeps,
    private readonly recovery: RecoveryCodes,
  ) {}

  /**
   * The methods a login challenge of the account offers: its confirmed factors at or above its
   * policy's floor (see `challengeKinds`: a staff account with a TOTP factor or a passkey is never
   * offered email or SMS codes), then recovery codes when it has some. Empty without factors.
   * `policy` when the caller has the account at hand; else it is looked up.
   */
  async methods(accountId: string, policy?: FactorPolicy): Promise<MfaMethod[]> {
    const all = await this.deps.factors.listAll(accountId)
    if (!all.some((f) => f.confirmedAt !== null)) return []
    const kinds = challengeKinds(all, (policy ?? (await policyOf(this.deps, accountId))).floor)
    const methods = (['totp', 'webauthn', 'email', 'sms'] as const).filter((m) => kinds.includes(m))
    if ((await this.deps.codes.countUnused(accountId)) > 0) return [...methods, 'recovery_code']
    return methods
  }

  /**
   * What a live login challenge of the account accepts: `methods`, or for an account without
   * factors (whose challenges are new-device step-ups) an emailed code.
   */
  async challengeMethods(accountId: string, policy?: FactorPolicy): Promise<MfaMethod[]> {
    const methods = await this.methods(accountId, policy)
    return methods.length > 0 ? methods : ['email']
  }

  /** After a correct password on an account with factors: a short-lived challenge bound to that step. */
  async startChallenge(
    account: AccountRecord,
    ctx: RequestContext,
    only?: MfaMethod[],
  ): Promise<{ challengeId: string; methods: MfaMethod[] } | null> {
    const methods = only ?? (await this.methods(account.id))
    if (methods.length === 0) return null
    const { challenges, clock, settings } = this.deps
    const now = clock.now()
    const challengeId = newId()
    await challenges.create({
      id: challengeId,
      accountId: account.id,
      expiresAt: now + settings.challengeTtlMs,
      ip: ctx.ip,
      userAgent: ctx.userAgent,
      createdAt: now,
    })
    return { challengeId, methods }
  }

  /**
   * Completes a login challenge; returns the account and the passkey that answered it, or throws
   * `invalid_code` (alike for every failure).
   */
  async completeChallenge(
    input: {
      challengeId: string
      method: MfaMethod
      code?: string
      webauthn?: { challengeId: string; assertion: AuthenticationResponseJSON }
    },
    ctx: RequestContext,
  ): Promise<CompletedChallenge> {
    const { challenges, clock, settings, events, accountGuesses } = this.deps
    const challenge = await challenges.takeAttempt(
      input.challengeId,
      clock.now(),
      settings.maxAttemptsPerChallenge,
    )
    if (!challenge) throw new AppError('invalid_code')
    const budget = await accountGuesses.consume(challenge.accountId)
    if (!budget.allowed) {
      await events.record('authn_mfa_fail', challenge.accountId, ctx, {
        during: 'login',
        reason: 'account_limit',
      })
      throw new AppError('invalid_code')
    }
    // A method the challenge does not offer (now) fails like a wrong code: a staff account's
    // challenge never takes an email or SMS code once it has a stronger factor.
    const offered = (await this.challengeMethods(challenge.accountId)).includes(input.method)
    const byCode =
      offered && input.method !== 'webauthn' && input.method !== 'email' && input.method !== 'sms'
    const check: CodeCheck =
      byCode && input.code !== undefined
        ? await this.recovery.verifyCode(challenge.accountId, input.code, ctx, input.method)
        : 'wrong'
    const passkey: PasskeyUse | null =
      offered && input.method === 'webauthn' && input.webauthn !== undefined && this.deps.passkeyCheck
        ? await this.deps.passkeyCheck(challenge.accountId, challenge.id, input.webauthn, ctx)
        : null
    const ok =
      offered &&
      (input.method === 'webauthn'
        ? passkey !== null
        : input.method === 'email' || input.method === 'sms'
          ? input.code !== undefined &&
            this.deps.codeCheck !== undefined &&
            (await this.deps.codeCheck(challenge.id, input.method, input.code))
          : check === 'ok')
    if (!ok) {
      await events.record('authn_mfa_fail', challenge.accountId, ctx, {
        during: 'login',
        method: input.method,
        attempts: challenge.attempts,
        ...(check === 'used' ? { reason: 'code_already_used' } : {}),
      })
      // A right TOTP code whose step was spent (a replay, or the same code sent twice) says so.
      throw check === 'used' ? codeAlreadyUsed() : new AppError('invalid_code')
    }
    if (!(await challenges.complete(challenge.id, clock.now()))) throw new AppError('invalid_code')
    await accountGuesses.reset(challenge.accountId)
    return { accountId: challenge.accountId, passkey }
  }
}
