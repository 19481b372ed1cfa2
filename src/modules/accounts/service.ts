import { randomInt } from 'node:crypto'
import { type Clock, HOUR, MINUTE, SECOND } from '../../kernel/clock.js'
import { AppError } from '../../kernel/errors.js'
import { hashToken, looksLikeToken, newId, newToken, safeEqual } from '../../kernel/tokens.js'
import type { RequestContext } from '../events/ports.js'
import type { EventRecorder } from '../events/recorder.js'
import { rateLimited } from '../guard/source-limits.js'
import { queueSecurityNotice } from '../mail/notices.js'
import type { Outbox } from '../mail/ports.js'
import type { TokenPurpose } from '../tokens/ports.js'
import { normalizeUsername, parseEmail, parsePhone } from './identifiers.js'
import type { PasswordHasher } from './password-hasher.js'
import type { PasswordContext, PasswordPolicy } from './password-policy.js'
import { type AccountRecord, type AccountsStore, PhoneTakenConflict, type Role } from './ports.js'

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

/** Rolls a sign-up back to try again (the address's account went while it ran). */
class RetrySignUp extends Error {}

/** Looked up on a miss so that a missing account costs the same statements as a found one. */
const NO_ACCOUNT = '00000000-0000-0000-0000-000000000000'

/** What storage keeps of a phone code: bound to the account, so equal codes of two accounts differ. */
const phoneCodeHash = (accountId: string, code: string): string => hashToken(`${accountId}:${code}`)

/** A uniformly random 6-digit code from the CSPRNG. */
const newPhoneCode = (): string => String(randomInt(0, 1_000_000)).padStart(6, '0')

/** Seconds until the oldest of `times` leaves the one-hour window (at least 1). */
const retryAfterSeconds = (times: number[], now: number): number =>
  Math.max(1, Math.ceil((Math.min(...times) + HOUR - now) / SECOND))

export interface RegistrationInput {
  username: string
  email: string
  password: string
  phone?: string | undefined
}

/** Throws the policy's verdict as a 400 problem, or returns the normalised password. */
const checkPassword = (policy: PasswordPolicy, raw: string, context: PasswordContext): string => {
  const verdict = policy.check(raw, context)
  if (!verdict.ok) throw new AppError(verdict.code, { detail: verdict.detail })
  return verdict.password
}

/**
 * Sign-up, email verification and password changes. Sign-up never reveals
 * whether an email address has an account: a registered address gets the same
 * answer, and its owner a notice instead of a second account.
 */
export class AccountsService {
  constructor(
    private readonly deps: {
      store: AccountsStore
      hasher: PasswordHasher
      policy: PasswordPolicy
      events: EventRecorder
      clock: Clock
      settings: AccountsSettings
      onMessageQueued?: (channel: 'email' | 'sms') => void
      /** After a password change: remembered devices are forgotten. */
      onPasswordChanged?: (accountId: string, ctx: RequestContext) => Promise<void>
      /** True when the account holds a second factor the password policy counts (a shorter password may do). */
      multiFactor?: (accountId: string) => Promise<boolean>
    },
  ) {}

  async register(input: RegistrationInput, ctx: RequestContext): Promise<void> {
    const { store, hasher, policy, events, clock, settings } = this.deps
    const username = normalizeUsername(input.username)
    if (!username.ok) throw new AppError('invalid_username', { detail: `The username ${username.reason}` })
    const email = parseEmail(input.email)
    if (!email.ok) throw new AppError('invalid_email', { detail: `The email address ${email.reason}` })
    let phone: string | null = null
    if (input.phone !== undefined) {
      const p = parsePhone(input.phone)
      if (!p.ok) throw new AppError('invalid_phone', { detail: `The phone number ${p.reason}` })
      phone = p.value
    }
    // A taken name is public (anyone can try to register it): refused before any costly work.
    if (await store.accounts.isUsernameTaken(username.value, clock.now()))
      throw new AppError('username_taken')
    const password = checkPassword(policy, input.password, {
      username: username.value,
      email: email.value.address,
    })
    // Hash on both paths so that a registered address does not answer faster.
    const passwordHash = await hasher.hash(password)
    const now = clock.now()
    const id = newId()

    const outcome = await store
      .transaction(async (tx) => {
        // The name is reserved for as long as an unverified account would hold it, on both paths
        // below: whether the address has an account does not decide whether the name is taken. It
        // keeps the password hash, so that login by the name answers alike on both paths too.
        if (
          !(await tx.accounts.reserveUsername(
            username.value,
            now,
            now + settings.unverifiedAccountTtlMs,
            passwordHash,
          ))
        ) {
          return 'username_taken' as const
        }
        const created = await tx.accounts.create({
          id,
          username: username.value,
          email: email.value.address,
          emailNorm: email.value.norm,
          phone,
          passwordHash,
          role: 'user',
          mustChangePassword: false,
          passwordChangedAt: now,
          createdAt: now,
        })
        if (!created.ok && created.conflict === 'username') return 'username_taken' as const
        if (!created.ok) {
          const owner = await tx.accounts.findByEmail(email.value.norm)
          // The account that had the address went meanwhile: roll back (the reservation too) and retry.
          if (!owner) throw new RetrySignUp()
          // At most one notice per account per hour, however many attempts.
          const queued = await tx.outbox.enqueue(
            {
              channel: 'email',
              recipient: owner.email,
              template: 'signup_existing_email',
              payload: { username: owner.username },
              accountId: owner.id,
              dedupeKey: `signup_existing_email:${owner.id}:${Math.floor(now / HOUR)}`,
            },
            now,
          )
          await events.record(
            'account_signup_existing_email',
            owner.id,
            ctx,
            { notice_queued: queued.queued },
            tx.events,
          )
          return queued.queued ? ('notified' as const) : ('silent' as const)
        }
        const token = newToken()
        await tx.tokens.issue({
          id: newId(),
          tokenHash: hashToken(token),
          accountId: id,
          purpose: 'verify_email',
          expiresAt: now + settings.verifyTokenTtlMs,
          createdAt: now,
        })
        await tx.outbox.enqueue(
          {
            channel: 'email',
            recipient: email.value.address,
            template: 'verify_email',
            payload: {
              token,
              username: username.value,
              expiresInHours: Math.max(1, Math.round(settings.verifyTokenTtlMs / HOUR)),
            },
            accountId: id,
          },
          now,
        )
        await events.record('account_created', id, ctx, { phone_given: phone !== null }, tx.events)
        return 'created' as const
      })
      .catch((e: unknown) => {
        if (e instanceof RetrySignUp) return 'retry' as const
        throw e
      })
    if (outcome === 'username_taken') throw new AppError('username_taken')
    if (outcome === 'retry') return this.register(input, ctx)
    if (outcome === 'created' || outcome === 'notified') this.deps.onMessageQueued?.('email')
  }

  /** Redeems a verification token; unknown, used, expired and wrong-purpose tokens fail alike. */
  async verifyEmail(token: string, ctx: RequestContext): Promise<void> {
    const { store, events, clock } = this.deps
    if (!looksLikeToken(token)) throw new AppError('invalid_token')
    const now = clock.now()
    const ok = await store.transaction(async (tx) => {
      const accountId = await tx.tokens.consume(hashToken(token), 'verify_email', now)
      if (!accountId) return false
      if (!(await tx.accounts.markEmailVerified(accountId, now))) return false
      await events.record('account_email_verified', accountId, ctx, {}, tx.events)
      return true
    })
    if (!ok) throw new AppError('invalid_token')
  }

  /**
   * An operator sets the account's role. Every session of the account ends, so that the MFA
   * policy of the new role applies from the next login on. Null when there is no such account.
   */
  async setRole(username: string, role: Role, ctx: RequestContext): Promise<{ from: Role; to: Role } | null> {
    const { store, events, clock } = this.deps
    const name = normalizeUsername(username)
    if (!name.ok) return null
    return store.transaction(async (tx) => {
      const now = clock.now()
      const found = await tx.accounts.findByUsername(name.value)
      const account = found ? await tx.accounts.lockById(found.id) : null
      if (!account) return null
      await tx.accounts.setRole(account.id, role, now)
      const revoked = await tx.sessions.revokeAll(account.id, now)
      await events.record(
        'account_role_changed',
        account.id,
        ctx,
        { from: account.role, to: role, revoked_sessions: revoked },
        tx.events,
      )
      return { from: account.role, to: role }
    })
  }

  /**
   * Starts a change of the account's email address (the caller has proved who they are recently).
   * The new address gets a link; the old one a notice. When another account already has the new
   * address, that address gets a "someone tried to use your address" mail instead of a link, and
   * the caller sees the same answer: a session is no oracle for other accounts' addresses either.
   * At most `emailChangesPerHour` requests an hour (then 429).
   */
  async requestEmailChange(accountId: string, rawEmail: string, ctx: RequestContext): Promise<void> {
    const { store, events, clock, settings } = this.deps
    const email = parseEmail(rawEmail)
    if (!email.ok) throw new AppError('invalid_email', { detail: `The email address ${email.reason}` })
    const cap = settings.emailChangesPerHour ?? 3
    const result = await store.transaction(async (tx) => {
      const now = clock.now()
      const account = await tx.accounts.lockById(accountId)
      if (!account) return { kind: 'gone' as const }
      if (account.emailNorm === email.value.norm) return { kind: 'same' as const }
      const recent = await tx.accounts.emailChangeTimesSince(account.id, now - HOUR)
      if (recent.length >= cap) return { kind: 'capped' as const, retryAfter: retryAfterSeconds(recent, now) }
      const owner = await tx.accounts.findByEmail(email.value.norm)
      const token = newToken()
      const ttlMs = settings.verifyTokenTtlMs
      // Recorded in both cases, so that the cap counts every request alike.
      await tx.accounts.createEmailChange({
        id: newId(),
        accountId: account.id,
        newEmail: email.value.address,
        newEmailNorm: email.value.norm,
        tokenHash: owner ? hashToken(newToken()) : hashToken(token),
        expiresAt: owner ? now : now + ttlMs,
        createdAt: now,
      })
      await tx.outbox.enqueue(
        owner
          ? {
              channel: 'email',
              recipient: email.value.address,
              template: 'email_change_address_in_use',
              payload: {},
              accountId: owner.id,
            }
          : {
              channel: 'email',
              recipient: email.value.address,
              template: 'verify_new_email',
              payload: { username: account.username, token },
              accountId: account.id,
            },
        now,
      )
      const channels = await queueSecurityNotice(tx.outbox, account, 'email_change_requested', now)
      await events.record(
        'account_email_change_requested',
        account.id,
        ctx,
        { outcome: owner ? 'address_in_use' : 'link' },
        tx.events,
      )
      return { kind: 'queued' as const, channels }
    })
    if (result.kind === 'gone') throw new AppError('unauthenticated')
    if (result.kind === 'same') {
      throw new AppError('invalid_email', { detail: 'This is already the address of the account' })
    }
    if (result.kind === 'capped') throw rateLimited(result.retryAfter)
    this.deps.onMessageQueued?.('email')
    for (const c of result.channels) this.deps.onMessageQueued?.(c)
  }

  /**
   * Confirms a change of address with the token mailed to the new one: it becomes the account's
   * verified address, outstanding recovery and verification tokens die, and the old address (and
   * a verified phone) are told. `invalid_token` alike for unknown, used, expired tokens and for an
   * address another account took meanwhile.
   */
  async confirmEmailChange(token: string, ctx: RequestContext): Promise<void> {
    const { store, events, clock } = this.deps
    if (!looksLikeToken(token)) throw new AppError('invalid_token')
    const result = await store.transaction(async (tx) => {
      const now = clock.now()
      const change = await tx.accounts.consumeEmailChange(hashToken(token), now)
      if (!change) return null
      const before = await tx.accounts.lockById(change.accountId)
      if (!before) return null
      if (!(await tx.accounts.setEmail(before.id, change.newEmail, change.newEmailNorm, now))) return null
      await tx.tokens.revokeForAccount(before.id, now, ['recovery', 'verify_email'])
      // The notice goes to the address that was just replaced (and a verified phone).
      const channels = await queueSecurityNotice(tx.outbox, before, 'email_changed', now)
      await events.record('account_email_changed', before.id, ctx, {}, tx.events)
      return channels
    })
    if (!result) throw new AppError('invalid_token')
    for (const c of result) this.deps.onMessageQueued?.(c)
  }

  /**
   * Changes the password of a logged-in account: needs the current password,
   * applies the policy, kills every other session and outstanding token, and
   * tells the owner.
   */
  async changePassword(
    accountId: string,
    sessionId: string,
    input: { currentPassword: string; newPassword: string },
    ctx: RequestContext,
  ): Promise<{ revokedSessions: number }> {
    const { store, hasher, policy, events, clock } = this.deps
    const account = await store.accounts.findById(accountId)
    if (!account) throw new AppError('unauthenticated')
    const current = input.currentPassword.normalize('NFKC')
    if (current.length > 1024 || !(await hasher.verify(account.passwordHash, current))) {
      await events.record('authn_password_change_fail', account.id, ctx, { reason: 'wrong_current_password' })
      throw new AppError('invalid_credentials')
    }
    let password: string
    try {
      password = checkPassword(policy, input.newPassword, {
        username: account.username,
        email: account.email,
        multiFactor: await this.deps.multiFactor?.(account.id),
      })
    } catch (e) {
      await events.record('authn_password_change_fail', account.id, ctx, {
        reason: e instanceof AppError ? e.code : 'policy',
      })
      throw e
    }
    if (await hasher.verify(account.passwordHash, password)) throw new AppError('password_reused')
    const hash = await hasher.hash(password)
    const now = clock.now()
    const revokedSessions = await store.transaction(async (tx) => {
      await tx.accounts.setPasswordHash(account.id, hash, now, { changed: true, mustChange: false })
      await tx.tokens.revokeForAccount(account.id, now)
      await tx.outbox.enqueue(
        {
          channel: 'email',
          recipient: account.email,
          template: 'password_changed',
          payload: { username: account.username },
          accountId: account.id,
        },
        now,
      )
      const revoked = await tx.sessions.revokeAll(account.id, now, sessionId)
      await events.record('authn_password_change', account.id, ctx, { revoked_sessions: revoked }, tx.events)
      return revoked
    })
    this.deps.onMessageQueued?.('email')
    await this.deps.onPasswordChanged?.(account.id, ctx)
    return { revokedSessions }
  }

  /**
   * Sends a new verification mail to an account whose address is not verified yet. The caller is
   * not logged in, so nothing it can see depends on the account: unknown, verified, pending and
   * capped addresses get the same answer after the same sequence of small statements (a lookup, a
   * count, three writes or three stand-ins for them, an event); only a pending account under the
   * cap gets a new token and a mail.
   */
  async resendVerification(rawEmail: string, ctx: RequestContext): Promise<void> {
    const { store, events, clock, settings } = this.deps
    const email = parseEmail(rawEmail)
    if (!email.ok) throw new AppError('invalid_email', { detail: `The email address ${email.reason}` })
    const cap = settings.verifyMailsPerHour ?? 3
    const sent = await store.transaction(async (tx) => {
      const now = clock.now()
      // Locks the pending account (so that concurrent requests cannot pass the cap together).
      const account = await tx.accounts.lockUnverifiedByEmail(email.value.norm)
      const recent = await tx.accounts.tokenTimesSince(account?.id ?? NO_ACCOUNT, 'verify_email', now - HOUR)
      let outcome: 'none' | 'capped' | 'sent' = !account ? 'none' : recent.length >= cap ? 'capped' : 'sent'
      const token = newToken()
      const message = {
        channel: 'email' as const,
        recipient: account?.email ?? email.value.address,
        template: 'verify_email',
        payload: {
          token,
          username: account?.username ?? '',
          expiresInHours: Math.max(1, Math.round(settings.verifyTokenTtlMs / HOUR)),
        },
        // A stand-in's own key: stand-ins must not queue behind each other on one lock.
        accountId: account?.id ?? newId(),
      }
      if (!account || outcome !== 'sent') {
        // Stand-ins for the work below, statement for statement: no outcome answers sooner.
        await tx.tokens.revokeForAccount(NO_ACCOUNT, now, ['verify_email'])
        await tx.accounts.tokenHashExists(hashToken(token))
        await tx.outbox.rehearse(message, now)
        await tx.accounts.tokenHashExists(hashToken(token))
      } else {
        // The mail first: over a budget of the address (or the account), nothing else changes.
        const queued = await tx.outbox.enqueue(message, now)
        if (queued.queued) {
          // One live verification token per account: the new one replaces every older one.
          await tx.tokens.revokeForAccount(account.id, now, ['verify_email'])
          await tx.tokens.issue({
            id: newId(),
            tokenHash: hashToken(token),
            accountId: account.id,
            purpose: 'verify_email',
            expiresAt: now + settings.verifyTokenTtlMs,
            createdAt: now,
          })
        } else {
          outcome = 'capped'
          await tx.tokens.revokeForAccount(NO_ACCOUNT, now, ['verify_email'])
          await tx.accounts.tokenHashExists(hashToken(token))
        }
      }
      await events.record('account_verification_resend', account?.id ?? null, ctx, { outcome }, tx.events)
      return outcome === 'sent'
    })
    if (sent) this.deps.onMessageQueued?.('email')
  }

  /** Re-authentication before a change of contact data: the current password, or 401 and nothing changes. */
  private async reauthenticate(
    accountId: string,
    password: string,
    during: string,
    ctx: RequestContext,
  ): Promise<AccountRecord> {
    const { store, hasher, events } = this.deps
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
  private static async tellOldPhone(outbox: Outbox, account: AccountRecord, now: number): Promise<void> {
    if (!account.phone) return
    await outbox.enqueue(
      {
        channel: 'sms',
        recipient: account.phone,
        template: 'security_change',
        payload: { change: 'phone_changed' },
        accountId: account.id,
      },
      now,
    )
  }

  /** Purposes of tokens that must die when the phone number changes or goes. */
  private static phoneBoundPurposes(hadVerifiedPhone: boolean): TokenPurpose[] {
    // A recovery token may have gone to the old number by SMS; it must not outlive the number.
    return hadVerifiedPhone ? ['verify_phone', 'recovery'] : ['verify_phone']
  }

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
    await this.reauthenticate(accountId, input.password, 'phone_change', ctx)
    const ttlMs = settings.phoneCodeTtlMs ?? 10 * MINUTE
    const cap = settings.phoneCodesPerHour ?? 5
    const result = await store.transaction(async (tx) => {
      const now = clock.now()
      const account = await tx.accounts.lockById(accountId)
      if (!account) return { kind: 'gone' as const }
      const recent = await tx.accounts.tokenTimesSince(account.id, 'verify_phone', now - HOUR)
      if (recent.length >= cap) return { kind: 'capped' as const, retryAfter: retryAfterSeconds(recent, now) }
      // Stored codes of this account keep their hashes after use; a new code must not repeat one.
      let code = newPhoneCode()
      for (let i = 0; await tx.accounts.tokenHashExists(phoneCodeHash(account.id, code)); i++) {
        if (i >= 20) throw new Error('could not draw an unused phone code')
        code = newPhoneCode()
      }
      const hadVerifiedPhone = account.phone !== null && account.phoneVerifiedAt !== null
      await tx.tokens.revokeForAccount(account.id, now, AccountsService.phoneBoundPurposes(hadVerifiedPhone))
      if (hadVerifiedPhone && account.phone !== phone.value)
        await AccountsService.tellOldPhone(tx.outbox, account, now)
      await tx.accounts.setPhone(account.id, phone.value, now)
      // Over a budget of the number (or the global SMS budgets) no code is texted, and none is
      // stored: the caller is answered the same (it learns nothing of who else uses the number).
      const texted = await tx.outbox.enqueue(
        {
          channel: 'sms',
          recipient: phone.value,
          template: 'phone_code',
          payload: { code, expiresInMinutes: Math.max(1, Math.round(ttlMs / MINUTE)) },
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
            payload: { username: account.username, phoneLast2: phone.value.slice(-2) },
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
    this.deps.onMessageQueued?.('sms')
    if (result.notice) this.deps.onMessageQueued?.('email')
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
    await this.reauthenticate(accountId, password, 'phone_remove', ctx)
    const notice = await store.transaction(async (tx) => {
      const now = clock.now()
      const account = await tx.accounts.lockById(accountId)
      if (!account?.phone) return { email: false, sms: false }
      const wasVerified = account.phoneVerifiedAt !== null
      await tx.tokens.revokeForAccount(account.id, now, AccountsService.phoneBoundPurposes(wasVerified))
      if (wasVerified) await AccountsService.tellOldPhone(tx.outbox, account, now)
      await tx.accounts.setPhone(account.id, null, now)
      const notify = account.emailVerifiedAt !== null
      if (notify) {
        await tx.outbox.enqueue(
          {
            channel: 'email',
            recipient: account.email,
            template: 'phone_changed',
            payload: { username: account.username, removed: true },
            accountId: account.id,
          },
          now,
        )
      }
      await events.record('account_phone_removed', account.id, ctx, { was_verified: wasVerified }, tx.events)
      return { email: notify, sms: wasVerified }
    })
    if (notice.email) this.deps.onMessageQueued?.('email')
    if (notice.sms) this.deps.onMessageQueued?.('sms')
  }

  /** Deletes accounts that never verified their email within the retention period, freeing their usernames. */
  async pruneUnverified(): Promise<number> {
    const { store, clock, settings } = this.deps
    return store.accounts.deleteUnverifiedBefore(clock.now() - settings.unverifiedAccountTtlMs)
  }

  /**
   * An operator resets the password of an account by name (`gatehouse accounts reset-password`): a
   * new one-time password that must be changed at the next login, every session and outstanding
   * token ends, and the holder is told on the verified address. The way back in for an account no
   * reset message may recover (a staff account without a strong factor). Null for an unknown name.
   */
  async resetByOperator(
    rawUsername: string,
    ctx: RequestContext,
  ): Promise<{ account: AccountRecord; password: string; revokedSessions: number } | null> {
    const { store, hasher, events, clock } = this.deps
    const name = normalizeUsername(rawUsername)
    if (!name.ok) return null
    const found = await store.accounts.findByUsername(name.value)
    if (!found) return null
    const password = newToken(18)
    const hash = await hasher.hash(password)
    const result = await store.transaction(async (tx) => {
      const now = clock.now()
      const account = await tx.accounts.lockById(found.id)
      if (!account) return null
      await tx.accounts.setPasswordHash(account.id, hash, now, { changed: true, mustChange: true })
      await tx.tokens.revokeForAccount(account.id, now)
      const revoked = await tx.sessions.revokeAll(account.id, now)
      if (account.emailVerifiedAt !== null) {
        await tx.outbox.enqueue(
          {
            channel: 'email',
            recipient: account.email,
            template: 'password_changed',
            payload: { username: account.username },
            accountId: account.id,
          },
          now,
        )
      }
      await events.record(
        'account_password_reset_by_operator',
        account.id,
        ctx,
        { revoked_sessions: revoked },
        tx.events,
      )
      return { account, revokedSessions: revoked }
    })
    if (!result) return null
    this.deps.onMessageQueued?.('email')
    await this.deps.onPasswordChanged?.(result.account.id, ctx)
    return { ...result, password }
  }

  /** Creates an administrator with a verified address and a one-time password that must be changed at first login. */
  async createAdmin(input: {
    username: string
    email: string
  }): Promise<{ account: AccountRecord; password: string }> {
    const { store, hasher, clock } = this.deps
    const username = normalizeUsername(input.username)
    if (!username.ok) throw new AppError('invalid_username', { detail: `The username ${username.reason}` })
    const email = parseEmail(input.email)
    if (!email.ok) throw new AppError('invalid_email', { detail: `The email address ${email.reason}` })
    const password = newToken(18)
    const now = clock.now()
    const created = await store.accounts.create({
      id: newId(),
      username: username.value,
      email: email.value.address,
      emailNorm: email.value.norm,
      phone: null,
      passwordHash: await hasher.hash(password),
      role: 'admin',
      mustChangePassword: true,
      passwordChangedAt: now,
      createdAt: now,
      emailVerifiedAt: now,
    })
    if (!created.ok && created.conflict === 'username') throw new AppError('username_taken')
    if (!created.ok)
      throw new AppError('invalid_email', { detail: 'An account with this email address exists' })
    const account = await store.accounts.findByUsername(username.value)
    return { account: account!, password }
  }
}
