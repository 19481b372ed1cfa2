import { randomInt } from 'node:crypto'
import { HOUR, MINUTE } from '../../kernel/clock.js'
import { AppError } from '../../kernel/errors.js'
import { hashToken, newId, safeEqual } from '../../kernel/tokens.js'
import type { RequestContext } from '../events/ports.js'
import { rateLimited } from '../guard/source-limits.js'
import { messageLocale } from '../mail/locale.js'
import type { Outbox } from '../mail/ports.js'
import type { TokenPurpose } from '../tokens/ports.js'
import { type AccountsDeps, retryAfterSeconds } from './deps.js'
import { parsePhone } from './identifiers.js'
import { type AccountRecord, PhoneTakenConflict } from './ports.js'

/** What storage keeps of a phone code: bound to the account, so equal codes of two accounts differ. */
const phoneCodeHash = (accountId: string, code: string): string => hashToken(`${accountId}:${code}`)

/** A uniformly random 6-digit code from the CSPRNG. */
const newPhoneCode = (): string => String(randomInt(0, 1_000_000)).padStart(6, '0')

/** Re-authentication before a change of contact data: the current password, or 401 and nothing changes. */
const reauthenticate = async (
  deps: AccountsDeps,
  accountId: string,
  password: string,
  during: string,
  ctx: RequestContext,
): Promise<AccountRecord> => {
  const { store, hasher, events } = deps
  const account = await store.accounts.findById(accountId)
  if (!account) throw new AppError('unauthenticated')
  const given = password.normalize('NFKC')
  if (given.length > 1024 || !(await hasher.verify(account.passwordHash, given))) {
    await events.record('authn_reauth_fail', account.id, ctx, { during })
    throw new AppError('invalid_credentials')
  }
  return account
}

/** The verified number that is being replaced or removed is told, by SMS. */
const tellOldPhone = async (
  outbox: Outbox,
  account: AccountRecord,
  now: number,
  ctx: RequestContext,
): Promise<void> => {
  if (!account.phone) return
  await outbox.enqueue(
    {
      channel: 'sms',
      recipient: account.phone,
      template: 'security_change',
      payload: { change: 'phone_changed', ...messageLocale(account.locale, ctx) },
      accountId: account.id,
    },
    now,
  )
}

/** Purposes of tokens that must die when the phone number changes or goes. */
const phoneBoundPurposes = (hadVerifiedPhone: boolean): TokenPurpose[] =>
  // A recovery token may have gone to the old number by SMS; it must not outlive the number.
  hadVerifiedPhone ? ['verify_phone', 'recovery'] : ['verify_phone']

/** The account's phone number: set (with a texted code), verified with that code, removed. */
export class PhoneNumbers {
  constructor(private readonly deps: AccountsDeps) {}

  /**
   * Sets the account's phone number, unverified, and texts a 6-digit code to it. Needs the current
   * password. At most `phoneCodesPerHour` codes per account per hour (then 429 with Retry-After).
   * The owner's verified address is told, with the last two digits of the new number only; the old
   * number gets nothing. Whether another account has the number is not checked here: only the
   * holder of the code learns that, when verifying.
   */
  async setPhone(
    accountId: string,
    input: { phone: string; password: string },
    ctx: RequestContext,
  ): Promise<void> {
    const { store, events, clock, settings } = this.deps
    const phone = parsePhone(input.phone)
    if (!phone.ok) throw new AppError('invalid_phone', { detail: `The phone number ${phone.reason}` })
    await reauthenticate(this.deps, accountId, input.password, 'phone_change', ctx)
    const ttlMs = settings.phoneCodeTtlMs ?? 10 * MINUTE
    const cap = settings.phoneCodesPerHour ?? 5
    const result = await store.transaction(async (tx) => {
      const now = clock.now()
      const account = await tx.accounts.lockById(accountId)
      if (!account) return { kind: 'gone' as const }
      const locale = messageLocale(account.locale, ctx)
      const recent = await tx.accounts.tokenTimesSince(account.id, 'verify_phone', now - HOUR)
      if (recent.length >= cap) return { kind: 'capped' as const, retryAfter: retryAfterSeconds(recent, now) }
      // Stored codes of this account keep their hashes after use; a new code must not repeat one.
      let code = newPhoneCode()
      for (let i = 0; await tx.accounts.tokenHashExists(phoneCodeHash(account.id, code)); i++) {
        if (i >= 20) throw new Error('could not draw an unused phone code')
        code = newPhoneCode()
      }
      const hadVerifiedPhone = account.phone !== null && account.phoneVerifiedAt !== null
      await tx.tokens.revokeForAccount(account.id, now, phoneBoundPurposes(hadVerifiedPhone))
      if (hadVerifiedPhone && account.phone !== phone.value) await tellOldPhone(tx.outbox, account, now, ctx)
      await tx.accounts.setPhone(account.id, phone.value, now)
      // Over a budget of the number (or the global SMS budgets) no code is texted, and none is
      // stored: the caller is answered the same (it learns nothing of who else uses the number).
      const texted = await tx.outbox.enqueue(
        {
          channel: 'sms',
          recipient: phone.value,
          template: 'phone_code',
          payload: { code, expiresInMinutes: Math.max(1, Math.round(ttlMs / MINUTE)), ...locale },
          accountId: account.id,
        },
        now,
      )
      if (texted.queued) {
        await tx.tokens.issue({
          id: newId(),
          tokenHash: phoneCodeHash(account.id, code),
          accountId: account.id,
          purpose: 'verify_phone',
          expiresAt: now + ttlMs,
          createdAt: now,
          channel: 'sms',
        })
      }
      const notice = account.emailVerifiedAt !== null
      if (notice) {
        await tx.outbox.enqueue(
          {
            channel: 'email',
            recipient: account.email,
            template: 'phone_changed',
            payload: { username: account.username, phoneLast2: phone.value.slice(-2), ...locale },
            accountId: account.id,
          },
          now,
        )
      }
      await events.record(
        'account_phone_changed',
        account.id,
        ctx,
        { had_verified_phone: hadVerifiedPhone, notice_queued: notice, code_queued: texted.queued },
        tx.events,
      )
      return { kind: 'sent' as const, notice }
    })
    if (result.kind === 'gone') throw new AppError('unauthenticated')
    if (result.kind === 'capped') throw rateLimited(result.retryAfter)
    this.deps.queued.notify()
    if (result.notice) this.deps.queued.notify()
  }
  /**
   * Verifies the phone number with the code texted to it. A wrong code counts against the newest
   * live code, which dies at the `phoneCodeMaxAttempts`th wrong guess; every failure answers
   * `invalid_code` alike. A right code for a number another account already has verified answers
   * `phone_taken` (the caller has just proved control of that number).
   */
  async verifyPhone(accountId: string, code: string, ctx: RequestContext): Promise<void> {
    const { store, events, clock, settings } = this.deps
    const maxAttempts = settings.phoneCodeMaxAttempts ?? 5
    let result: { kind: 'verified' } | { kind: 'invalid'; details: Record<string, unknown> }
    try {
      result = await store.transaction(async (tx) => {
        const now = clock.now()
        // Serialises guesses on one account: each wrong one is counted before the next is judged.
        const account = await tx.accounts.lockById(accountId)
        const live = account?.phone
          ? await tx.accounts.newestLiveToken(account.id, 'verify_phone', now)
          : null
        if (!account?.phone || !live || live.attempts >= maxAttempts) {
          return { kind: 'invalid' as const, details: { reason: 'no_code' } }
        }
        if (!/^[0-9]{6}$/.test(code) || !safeEqual(phoneCodeHash(account.id, code), live.tokenHash)) {
          const attempts = await tx.tokens.recordFailedAttempt(live.tokenHash)
          if (attempts >= maxAttempts) await tx.tokens.revokeForAccount(account.id, now, ['verify_phone'])
          return { kind: 'invalid' as const, details: { reason: 'wrong_code', attempts } }
        }
        if ((await tx.tokens.consume(live.tokenHash, 'verify_phone', now)) !== account.id) {
          return { kind: 'invalid' as const, details: { reason: 'no_code' } }
        }
        // Throws PhoneTakenConflict (and so rolls all of this back) when the number is someone else's.
        if (!(await tx.accounts.markPhoneVerified(account.id, account.phone, now))) {
          return { kind: 'invalid' as const, details: { reason: 'no_code' } }
        }
        await events.record('account_phone_verified', account.id, ctx, {}, tx.events)
        return { kind: 'verified' as const }
      })
    } catch (e) {
      if (!(e instanceof PhoneTakenConflict)) throw e
      await events.record('account_phone_verify_fail', accountId, ctx, { reason: 'phone_taken' })
      throw new AppError('phone_taken')
    }
    if (result.kind === 'invalid') {
      // Recorded outside the transaction: the count above is already committed.
      await events.record('account_phone_verify_fail', accountId, ctx, result.details)
      throw new AppError('invalid_code')
    }
  }
  /** Removes the phone number (needs the current password); the owner's verified address is told. */
  async removePhone(accountId: string, password: string, ctx: RequestContext): Promise<void> {
    const { store, events, clock } = this.deps
    await reauthenticate(this.deps, accountId, password, 'phone_remove', ctx)
    const notice = await store.transaction(async (tx) => {
      const now = clock.now()
      const account = await tx.accounts.lockById(accountId)
      if (!account?.phone) return { email: false, sms: false }
      const wasVerified = account.phoneVerifiedAt !== null
      await tx.tokens.revokeForAccount(account.id, now, phoneBoundPurposes(wasVerified))
      if (wasVerified) await tellOldPhone(tx.outbox, account, now, ctx)
      await tx.accounts.setPhone(account.id, null, now)
      const notify = account.emailVerifiedAt !== null
      if (notify) {
        await tx.outbox.enqueue(
          {
            channel: 'email',
            recipient: account.email,
            template: 'phone_changed',
            payload: { username: account.username, removed: true, ...messageLocale(account.locale, ctx) },
            accountId: account.id,
          },
          now,
        )
      }
      await events.record('account_phone_removed', account.id, ctx, { was_verified: wasVerified }, tx.events)
      return { email: notify, sms: wasVerified }
    })
    if (notice.email) this.deps.queued.notify()
    if (notice.sms) this.deps.queued.notify()
  }
}
