import { createHmac, randomInt } from 'node:crypto'
import { AppError } from '../../kernel/errors.js'
import type { RequestContext } from '../events/ports.js'
import type { MfaDeps, MfaMethod } from './deps.js'
import { type CodeCheck, codeAlreadyUsed } from './second-factors.js'
import { atLeast } from './strength.js'

// 32 letters and digits without look-alikes (no 0/o, 1/l/i): 5 bits a character, 12 characters = 60 bits.
const CODE_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'.padEnd(32, 'z').slice(0, 32)
const normalizeRecoveryCode = (code: string): string => code.toLowerCase().replace(/[\s-]/g, '')

export const newRecoveryCode = (): string => {
  let s = ''
  for (let i = 0; i < 12; i++) s += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]
  return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8)}`
}

/**
 * Recovery codes (60 bits each, stored as keyed hashes, single-use), and second-factor codes given
 * as a TOTP or recovery code, within the account's guess budget outside a login challenge.
 */
export class RecoveryCodes {
  constructor(private readonly deps: MfaDeps) {}

  /** What storage keeps of a recovery code: keyed, and bound to the account. */
  hash(accountId: string, code: string): string {
    return createHmac('sha256', this.deps.codeKey)
      .update(`${accountId}:${normalizeRecoveryCode(code)}`)
      .digest('hex')
  }

  /** A new set of recovery codes (shown once); the old set stops working. */
  async issue(accountId: string): Promise<string[]> {
    const codes = Array.from({ length: this.deps.settings.recoveryCodeCount }, newRecoveryCode)
    await this.deps.codes.replace(
      accountId,
      codes.map((c) => this.hash(accountId, c)),
      this.deps.clock.now(),
    )
    return codes
  }

  /** A new set of recovery codes; the old set stops working. Only for an account with a second factor. */
  async regenerateCodes(accountId: string, code: string | undefined, ctx: RequestContext): Promise<string[]> {
    if (!(await this.deps.factors.hasConfirmed(accountId))) {
      throw new AppError('second_factor_required', {
        detail: 'Recovery codes come with a second factor: set one up first',
      })
    }
    // The route already asked for a recent proof of identity; a TOTP code given here must be right.
    if (code !== undefined) {
      const check = await this.deps.totp.verify(accountId, code)
      if (check === 'used') throw codeAlreadyUsed()
      if (check !== 'ok') throw new AppError('invalid_code')
    }
    const codes = await this.issue(accountId)
    await this.deps.events.record('authn_recovery_codes_regenerated', accountId, ctx)
    await this.deps.notify?.(accountId, 'recovery_codes_regenerated')
    return codes
  }

  /**
   * Recovery codes for an account that has none yet (its first factor was just added), shown once;
   * null when it has some.
   */
  async codesIfNone(accountId: string): Promise<string[] | null> {
    if ((await this.deps.codes.countUnused(accountId)) > 0) return null
    return this.issue(accountId)
  }

  /**
   * After a passkey was added: recovery codes are the backup of the account's strong factors, so a
   * new set (shown once) replaces a set that backed only email or SMS codes when this is the
   * account's first app-based or stronger factor; otherwise as `codesIfNone`.
   */
  async codesAfterStrongFactor(accountId: string): Promise<string[] | null> {
    const strong = (await this.deps.factors.listAll(accountId)).filter(
      (f) => f.confirmedAt !== null && atLeast(f.kind, 'app_based'),
    )
    if (strong.length === 1) return this.issue(accountId)
    return this.codesIfNone(accountId)
  }

  /**
   * A second-factor code of any kind the account has: a TOTP code, or one of its recovery codes (used
   * up). `used` only for a right TOTP code whose time step was spent; a used recovery code is `wrong`.
   */
  async verifyCode(
    accountId: string,
    code: string,
    ctx: RequestContext,
    method?: MfaMethod,
  ): Promise<CodeCheck> {
    if (method !== 'recovery_code' && /^\d{6}$/.test(code)) return this.deps.totp.verify(accountId, code)
    if (method === 'totp') return 'wrong'
    if (!/^[a-z0-9 -]{12,20}$/i.test(code)) return 'wrong'
    const ok = await this.deps.codes.consume(accountId, this.hash(accountId, code), this.deps.clock.now())
    if (ok) {
      const left = await this.deps.codes.countUnused(accountId)
      await this.deps.events.record('authn_recovery_code_used', accountId, ctx, { remaining: left })
    }
    return ok ? 'ok' : 'wrong'
  }

  /**
   * A TOTP or recovery code given outside a login challenge (a password reset, a reset-locked
   * recovery request): each guess spends one of the account's second-factor guesses, the budget
   * login challenges share, and a right one gives them back.
   */
  async verifyWithinBudget(
    accountId: string,
    code: string,
    ctx: RequestContext,
    during: string,
  ): Promise<CodeCheck> {
    const { accountGuesses, events } = this.deps
    const budget = await accountGuesses.consume(accountId)
    if (!budget.allowed) {
      await events.record('authn_mfa_fail', accountId, ctx, { during, reason: 'account_limit' })
      return 'wrong'
    }
    const check = await this.verifyCode(accountId, code, ctx)
    if (check === 'ok') await accountGuesses.reset(accountId)
    return check
  }
}
