import { createHmac, randomInt } from 'node:crypto'
import type { AuthenticationResponseJSON } from '@simplewebauthn/server'

import type { Clock } from '../../kernel/clock.js'
import { AppError } from '../../kernel/errors.js'
import type { SecretBox } from '../../kernel/secret-box.js'
import { newId } from '../../kernel/tokens.js'
import type { AccountRecord } from '../accounts/ports.js'
import type { RequestContext } from '../events/ports.js'
import type { EventRecorder } from '../events/recorder.js'
import type { RateLimiter } from '../guard/ports.js'
import type { SecurityChange } from '../mail/notices.js'
import type { MfaChallengeRepository, MfaFactorRepository, RecoveryCodeRepository } from './ports.js'
import { type CodeCheck, codeAlreadyUsed, type StoredSecondFactors } from './second-factors.js'
import { atLeast, challengeKinds, type FactorPolicy, kindsAtLeast, NO_FACTOR_POLICY } from './strength.js'
import { generateTotpSecret, matchTotpStep } from './totp.js'

export type MfaMethod = 'totp' | 'webauthn' | 'email' | 'sms' | 'recovery_code'

/** Checks a passkey assertion as the second factor of a login challenge (see PasskeyService). */
export type PasskeyCheck = (
  accountId: string,
  loginChallengeId: string,
  input: { challengeId: string; assertion: AuthenticationResponseJSON },
  ctx: RequestContext,
) => Promise<boolean>

export interface MfaSettings {
  issuer: string
  challengeTtlMs: number
  /** Guesses per login challenge. */
  maxAttemptsPerChallenge: number
  recoveryCodeCount: number
}

// 32 letters and digits without look-alikes (no 0/o, 1/l/i): 5 bits a character, 12 characters = 60 bits.
const CODE_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'.padEnd(32, 'z').slice(0, 32)
const normalizeRecoveryCode = (code: string): string => code.toLowerCase().replace(/[\s-]/g, '')

export const newRecoveryCode = (): string => {
  let s = ''
  for (let i = 0; i < 12; i++) s += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]
  return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8)}`
}

/**
 * Second factors: TOTP enrolment (RFC 6238, secret sealed at rest), recovery
 * codes (60 bits each, stored as keyed hashes, single-use) and the login
 * challenge between the password step and the factor step. Guesses are
 * counted before they are checked, per challenge and per account, so parallel
 * guesses cannot exceed the limits.
 */
export class MfaService {
  constructor(
    private readonly deps: {
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
    },
  ) {}

  #hashCode(accountId: string, code: string): string {
    return createHmac('sha256', this.deps.codeKey)
      .update(`${accountId}:${normalizeRecoveryCode(code)}`)
      .digest('hex')
  }

  /** Starts (or restarts) a TOTP enrolment; the factor counts only once confirmed. */
  async enrolTotp(account: { id: string; username: string }) {
    const { factors, box, clock, settings } = this.deps
    const secret = generateTotpSecret()
    const now = clock.now()
    await factors.deletePending(account.id)
    await factors.create({
      id: newId(),
      accountId: account.id,
      kind: 'totp',
      secretSealed: box.seal(secret, account.id),
      lastUsedStep: null,
      confirmedAt: null,
      createdAt: now,
    })
    const label = encodeURIComponent(`${settings.issuer}:${account.username}`)
    const otpauthUri = `otpauth://totp/${label}?secret=${secret}&issuer=${encodeURIComponent(settings.issuer)}&algorithm=SHA1&digits=6&period=30`
    // qrcode loads at the first enrolment, not at start.
    const { default: QRCode } = await import('qrcode')
    const qrSvg = await QRCode.toString(otpauthUri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
    return { secret, otpauthUri, qrSvg }
  }

  /** Confirms the pending enrolment with a current code; returns fresh recovery codes (shown once). */
  async confirmTotp(accountId: string, code: string, ctx: RequestContext): Promise<string[]> {
    const { factors, box, clock, events } = this.deps
    const pending = await factors.findPending(accountId)
    if (!pending)
      throw new AppError('invalid_code', { detail: 'There is no pending enrolment: start one first' })
    const secret = box.open(pending.secretSealed, accountId)
    const step = matchTotpStep(secret, code, clock.now())
    if (step === null) throw new AppError('invalid_code')
    // The same code sent twice (a double submit): the second hears that it was used.
    if (!(await factors.markStepUsed(pending.id, step))) throw codeAlreadyUsed()
    await factors.confirm(pending.id, clock.now())
    const replaced = await factors.deleteConfirmedExcept(accountId, pending.id)
    const codes = await this.#newCodes(accountId)
    await events.record('authn_mfa_enabled', accountId, ctx, { method: 'totp', replaced_factors: replaced })
    await this.deps.notify?.(accountId, 'factor_added')
    return codes
  }

  async #newCodes(accountId: string): Promise<string[]> {
    const codes = Array.from({ length: this.deps.settings.recoveryCodeCount }, newRecoveryCode)
    await this.deps.codes.replace(
      accountId,
      codes.map((c) => this.#hashCode(accountId, c)),
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
    const codes = await this.#newCodes(accountId)
    await this.deps.events.record('authn_recovery_codes_regenerated', accountId, ctx)
    await this.deps.notify?.(accountId, 'recovery_codes_regenerated')
    return codes
  }

  /**
   * Removes one of the account's factors. With the last confirmed one go the recovery codes. An
   * account whose policy requires a second factor cannot remove its last one at the policy's floor
   * (a staff account may drop email or SMS codes, never its last TOTP or passkey).
   */
  async removeFactor(accountId: string, factorId: string, ctx: RequestContext): Promise<void> {
    const { factors, codes, clock, events } = this.deps
    const all = await factors.listAll(accountId)
    const target = all.find((f) => f.id === factorId)
    if (!target) throw new AppError('factor_not_found')
    const confirmedLeft = all.filter((f) => f.confirmedAt !== null && f.id !== factorId).length
    const policy = target.confirmedAt !== null ? await this.#policyOf(accountId) : NO_FACTOR_POLICY
    const required = policy.required && atLeast(target.kind, policy.floor)
    const lastOne = () =>
      new AppError('second_factor_required', {
        detail: "This account's role requires a second factor: add another one before removing this one",
      })
    const keepOneOf = kindsAtLeast(policy.floor)
    if (
      required &&
      !all.some((f) => f.confirmedAt !== null && f.id !== factorId && keepOneOf.includes(f.kind))
    )
      throw lastOne()
    const removed = await factors.deleteOne(
      accountId,
      factorId,
      required ? { keepOneConfirmed: true, keepOneOf } : {},
    )
    if (removed === 'last') throw lastOne()
    if (!removed) throw new AppError('factor_not_found')
    if (removed.confirmedAt === null) return
    if (!(await factors.hasConfirmed(accountId))) await codes.replace(accountId, [], clock.now())
    await events.record('authn_mfa_removed', accountId, ctx, {
      method: removed.kind,
      remaining: confirmedLeft,
    })
    await this.deps.notify?.(accountId, 'factor_removed')
  }

  #policyOf(accountId: string): Promise<FactorPolicy> {
    return this.deps.policyOf?.(accountId) ?? Promise.resolve(NO_FACTOR_POLICY)
  }

  /**
   * Turns on one-time codes by email or SMS as a second factor (the address or number must be
   * verified). Returns recovery codes when this is the account's first factor.
   */
  async enableCodeFactor(
    account: AccountRecord,
    channel: 'email' | 'sms',
    ctx: RequestContext,
  ): Promise<{ factorId: string; recoveryCodes: string[] | null }> {
    const { factors, clock, events } = this.deps
    const reachable =
      channel === 'email' ? account.emailVerifiedAt !== null : account.phoneVerifiedAt !== null
    if (!reachable) {
      throw new AppError('invalid_request', {
        detail:
          channel === 'email' ? 'Verify the email address first' : 'Add and verify a phone number first',
      })
    }
    const existing = (await factors.listAll(account.id)).find((f) => f.kind === channel)
    if (existing) return { factorId: existing.id, recoveryCodes: null }
    const now = clock.now()
    const factorId = newId()
    await factors.create({
      id: factorId,
      accountId: account.id,
      kind: channel,
      secretSealed: '',
      lastUsedStep: null,
      confirmedAt: now,
      createdAt: now,
    })
    const recoveryCodes = await this.codesIfNone(account.id)
    await events.record('authn_mfa_enabled', account.id, ctx, { method: channel })
    await this.deps.notify?.(account.id, 'factor_added')
    return { factorId, recoveryCodes }
  }

  /**
   * Recovery codes for an account that has none yet (its first factor was just added), shown once;
   * null when it has some.
   */
  async codesIfNone(accountId: string): Promise<string[] | null> {
    if ((await this.deps.codes.countUnused(accountId)) > 0) return null
    return this.#newCodes(accountId)
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
    if (strong.length === 1) return this.#newCodes(accountId)
    return this.codesIfNone(accountId)
  }

  async status(
    accountId: string,
    passkeys: Array<{ id: string; name: string | null; lastUsedAt: number | null }> = [],
  ) {
    const factors = await this.deps.factors.listAll(accountId)
    const byId = new Map(passkeys.map((p) => [p.id, p]))
    return {
      factors: factors.map((f) => {
        const key = byId.get(f.id)
        return {
          id: f.id,
          kind: f.kind,
          status: f.confirmedAt === null ? ('pending' as const) : ('active' as const),
          created_at: new Date(f.createdAt).toISOString(),
          ...(key
            ? {
                name: key.name,
                last_used_at: key.lastUsedAt === null ? null : new Date(key.lastUsedAt).toISOString(),
              }
            : {}),
        }
      }),
      recovery_codes_remaining: await this.deps.codes.countUnused(accountId),
    }
  }

  /**
   * The methods a login challenge of the account offers: its confirmed factors at or above its
   * policy's floor (see `challengeKinds`: a staff account with a TOTP factor or a passkey is never
   * offered email or SMS codes), then recovery codes when it has some. Empty without factors.
   * `policy` when the caller has the account at hand; else it is looked up.
   */
  async methods(accountId: string, policy?: FactorPolicy): Promise<MfaMethod[]> {
    const all = await this.deps.factors.listAll(accountId)
    if (!all.some((f) => f.confirmedAt !== null)) return []
    const kinds = challengeKinds(all, (policy ?? (await this.#policyOf(accountId))).floor)
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
    const ok = await this.deps.codes.consume(
      accountId,
      this.#hashCode(accountId, code),
      this.deps.clock.now(),
    )
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

  /** Completes a login challenge; returns the account id, or throws `invalid_code` (alike for every failure). */
  async completeChallenge(
    input: {
      challengeId: string
      method: MfaMethod
      code?: string
      webauthn?: { challengeId: string; assertion: AuthenticationResponseJSON }
    },
    ctx: RequestContext,
  ): Promise<string> {
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
        ? await this.verifyCode(challenge.accountId, input.code, ctx, input.method)
        : 'wrong'
    const ok =
      offered &&
      (input.method === 'webauthn'
        ? input.webauthn !== undefined &&
          this.deps.passkeyCheck !== undefined &&
          (await this.deps.passkeyCheck(challenge.accountId, challenge.id, input.webauthn, ctx))
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
    return challenge.accountId
  }
}
