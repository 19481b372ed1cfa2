import type { AuthenticationResponseJSON } from '@simplewebauthn/server'
import type { AccountRecord } from '../accounts/ports.js'
import type { RequestContext } from '../events/ports.js'
import { LoginChallenges } from './challenges.js'
import type { CompletedChallenge, MfaDeps, MfaMethod } from './deps.js'
import { FactorEnrolment } from './enrolment.js'
import { RecoveryCodes } from './recovery-codes.js'
import type { CodeCheck } from './second-factors.js'
import type { FactorPolicy } from './strength.js'

export type { CompletedChallenge, MfaDeps, MfaMethod, MfaSettings, PasskeyCheck } from './deps.js'
export { newRecoveryCode } from './recovery-codes.js'

/**
 * Second factors: TOTP enrolment (RFC 6238, secret sealed at rest), recovery codes (60 bits each,
 * stored as keyed hashes, single-use) and the login challenge between the password step and the
 * factor step. Guesses are counted before they are checked, per challenge and per account, so
 * parallel guesses cannot exceed the limits. Each concern lives in its own file over the same
 * ports; this class is the one door to them.
 */
export class MfaService {
  private readonly recovery: RecoveryCodes
  private readonly enrolment: FactorEnrolment
  private readonly challenges: LoginChallenges

  constructor(deps: MfaDeps) {
    this.recovery = new RecoveryCodes(deps)
    this.enrolment = new FactorEnrolment(deps, this.recovery)
    this.challenges = new LoginChallenges(deps, this.recovery)
  }

  /** Starts (or restarts) a TOTP enrolment; the factor counts only once confirmed. */
  enrolTotp(account: { id: string; username: string }) {
    return this.enrolment.enrolTotp(account)
  }

  /** Confirms the pending enrolment with a current code; returns fresh recovery codes (shown once). */
  confirmTotp(accountId: string, code: string, ctx: RequestContext): Promise<string[]> {
    return this.enrolment.confirmTotp(accountId, code, ctx)
  }

  /** A new set of recovery codes; the old set stops working. Only for an account with a second factor. */
  regenerateCodes(accountId: string, code: string | undefined, ctx: RequestContext): Promise<string[]> {
    return this.recovery.regenerateCodes(accountId, code, ctx)
  }

  /** Removes one of the account's factors (never the last one its policy requires). */
  removeFactor(accountId: string, factorId: string, ctx: RequestContext): Promise<void> {
    return this.enrolment.removeFactor(accountId, factorId, ctx)
  }

  /** Turns on one-time codes by email or SMS as a second factor. */
  enableCodeFactor(
    account: AccountRecord,
    channel: 'email' | 'sms',
    ctx: RequestContext,
  ): Promise<{ factorId: string; recoveryCodes: string[] | null }> {
    return this.enrolment.enableCodeFactor(account, channel, ctx)
  }

  /** Recovery codes for an account that has none yet, shown once; null when it has some. */
  codesIfNone(accountId: string): Promise<string[] | null> {
    return this.recovery.codesIfNone(accountId)
  }

  /** After a passkey was added: a new set when it is the account's first strong factor, else `codesIfNone`. */
  codesAfterStrongFactor(accountId: string): Promise<string[] | null> {
    return this.recovery.codesAfterStrongFactor(accountId)
  }

  status(
    accountId: string,
    passkeys: Array<{ id: string; name: string | null; lastUsedAt: number | null }> = [],
  ) {
    return this.enrolment.status(accountId, passkeys)
  }

  /** The methods a login challenge of the account offers; empty without factors. */
  methods(accountId: string, policy?: FactorPolicy): Promise<MfaMethod[]> {
    return this.challenges.methods(accountId, policy)
  }

  /** What a live login challenge of the account accepts: `methods`, or else an emailed code. */
  challengeMethods(accountId: string, policy?: FactorPolicy): Promise<MfaMethod[]> {
    return this.challenges.challengeMethods(accountId, policy)
  }

  /** A second-factor code of any kind the account has: a TOTP code, or one of its recovery codes. */
  verifyCode(accountId: string, code: string, ctx: RequestContext, method?: MfaMethod): Promise<CodeCheck> {
    return this.recovery.verifyCode(accountId, code, ctx, method)
  }

  /** A TOTP or recovery code given outside a login challenge, within the account's guess budget. */
  verifyWithinBudget(
    accountId: string,
    code: string,
    ctx: RequestContext,
    during: string,
  ): Promise<CodeCheck> {
    return this.recovery.verifyWithinBudget(accountId, code, ctx, during)
  }

  /** After a correct password on an account with factors: a short-lived challenge bound to that step. */
  startChallenge(
    account: AccountRecord,
    ctx: RequestContext,
    only?: MfaMethod[],
  ): Promise<{ challengeId: string; methods: MfaMethod[] } | null> {
    return this.challenges.startChallenge(account, ctx, only)
  }

  /** Completes a login challenge; returns the account and the passkey that answered it, or throws `invalid_code`. */
  completeChallenge(
    input: {
      challengeId: string
      method: MfaMethod
      code?: string
      webauthn?: { challengeId: string; assertion: AuthenticationResponseJSON }
    },
    ctx: RequestContext,
  ): Promise<CompletedChallenge> {
    return this.challenges.completeChallenge(input, ctx)
  }
}
