import { type Clock, HOUR } from '../../kernel/clock.js'
import { AppError } from '../../kernel/errors.js'
import { hashToken, looksLikeToken, newId, newToken } from '../../kernel/tokens.js'
import type { RequestContext } from '../events/ports.js'
import type { EventRecorder } from '../events/recorder.js'
import { normalizeUsername, parseEmail, parsePhone } from './identifiers.js'
import type { PasswordHasher } from './password-hasher.js'
import type { PasswordPolicy } from './password-policy.js'
import type { AccountRecord, AccountsStore } from './ports.js'

export interface AccountsSettings {
  verifyTokenTtlMs: number
  unverifiedAccountTtlMs: number
}

export interface RegistrationInput {
  username: string
  email: string
  password: string
  phone?: string | undefined
}

/** Throws the policy's verdict as a 400 problem, or returns the normalised password. */
const checkPassword = (
  policy: PasswordPolicy,
  raw: string,
  context: { username?: string; email?: string },
): string => {
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
    const password = checkPassword(policy, input.password, {
      username: username.value,
      email: email.value.address,
    })
    // Hash on both paths so that a registered address does not answer faster.
    const passwordHash = await hasher.hash(password)
    const now = clock.now()
    const id = newId()

    const outcome = await store.transaction(async (tx) => {
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
        if (!owner) return 'retry' as const
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
          { notice_queued: queued },
          tx.events,
        )
        return queued ? ('notified' as const) : ('silent' as const)
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
    return { revokedSessions }
  }

  /** Deletes accounts that never verified their email within the retention period, freeing their usernames. */
  async pruneUnverified(): Promise<number> {
    const { store, clock, settings } = this.deps
    return store.accounts.deleteUnverifiedBefore(clock.now() - settings.unverifiedAccountTtlMs)
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
