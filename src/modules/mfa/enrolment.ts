import { iso, isoOrNull } from '../../kernel/clock.js'
import { AppError } from '../../kernel/errors.js'
import { newId } from '../../kernel/tokens.js'
import type { AccountRecord } from '../accounts/ports.js'
import type { RequestContext } from '../events/ports.js'
import { type MfaDeps, policyOf } from './deps.js'
import type { RecoveryCodes } from './recovery-codes.js'
import { codeAlreadyUsed } from './second-factors.js'
import { atLeast, kindsAtLeast, NO_FACTOR_POLICY } from './strength.js'
import { generateTotpSecret, matchTotpStep } from './totp.js'

/** The account's factors: TOTP enrolment (secret sealed at rest), email or SMS codes, removal, status. */
export class FactorEnrolment {
  constructor(
    private readonly deps: MfaDeps,
    private readonly recovery: RecoveryCodes,
  ) {}

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
    const codes = await this.recovery.issue(accountId)
    await events.record('authn_mfa_enabled', accountId, ctx, { method: 'totp', replaced_factors: replaced })
    await this.deps.notify?.(accountId, 'factor_added')
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
    const policy = target.confirmedAt !== null ? await policyOf(this.deps, accountId) : NO_FACTOR_POLICY
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
    const recoveryCodes = await this.recovery.codesIfNone(account.id)
    await events.record('authn_mfa_enabled', account.id, ctx, { method: channel })
    await this.deps.notify?.(account.id, 'factor_added')
    return { factorId, recoveryCodes }
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
          created_at: iso(f.createdAt),
          ...(key
            ? {
                name: key.name,
                last_used_at: isoOrNull(key.lastUsedAt),
              }
            : {}),
        }
      }),
      recovery_codes_remaining: await this.deps.codes.countUnused(accountId),
    }
  }
}
