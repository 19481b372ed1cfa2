import { HOUR } from '../../kernel/clock.js'
import { AppError } from '../../kernel/errors.js'
import type { Locale } from '../../kernel/locale.js'
import { hashToken, newId, newToken } from '../../kernel/tokens.js'
import type { RequestContext } from '../events/ports.js'
import { messageLocale } from '../mail/locale.js'
import { type AccountsDeps, checkPassword } from './deps.js'
import { normalizeUsername, parseEmail, parsePhone } from './identifiers.js'
import type { AccountsRepositories } from './ports.js'

export interface RegistrationInput {
  username: string
  email: string
  password: string
  phone?: string | undefined
  /** The language of the account's mails and texts; else the one the request's Accept-Language asks for. */
  locale?: Locale | undefined
}

/** A sign-up's identifiers, normalised. */
interface SignUp {
  username: string
  email: { address: string; norm: string }
  phone: string | null
  /** The language named at sign-up (the body's, else the request's); null when none. */
  locale: Locale | null
}

/** What the transaction of a sign-up came to. */
type Outcome = 'username_taken' | 'created' | 'notified' | 'silent' | 'retry'

/** Rolls a sign-up back to try again (the address's account went while it ran). */
class RetrySignUp extends Error {}

/** The identifiers of a sign-up, or a 400 problem for the first malformed one. */
const validate = (input: RegistrationInput, ctx: RequestContext): SignUp => {
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
  return { username: username.value, email: email.value, phone, locale: input.locale ?? ctx.locale ?? null }
}

/**
 * Sign-up. It never reveals whether an email address has an account: a registered address gets
 * the same answer, and its owner a notice instead of a second account.
 */
export class Registration {
  constructor(private readonly deps: AccountsDeps) {}

  async register(input: RegistrationInput, ctx: RequestContext): Promise<void> {
    const { store, hasher, policy, clock } = this.deps
    const signUp = validate(input, ctx)
    // A taken name is public (anyone can try to register it): refused before any costly work.
    if (await store.accounts.isUsernameTaken(signUp.username, clock.now()))
      throw new AppError('username_taken')
    const password = checkPassword(policy, input.password, {
      username: signUp.username,
      email: signUp.email.address,
    })
    // Hash on both paths so that a registered address does not answer faster.
    const passwordHash = await hasher.hash(password)
    const account = { id: newId(), passwordHash, now: clock.now() }
    const outcome = await store
      .transaction((tx) => this.store(tx, signUp, account, ctx))
      .catch((e: unknown) => {
        if (e instanceof RetrySignUp) return 'retry' as const
        throw e
      })
    if (outcome === 'username_taken') throw new AppError('username_taken')
    if (outcome === 'retry') return this.register(input, ctx)
    if (outcome === 'created' || outcome === 'notified') this.deps.queued.notify()
  }

  /** Reserves the name and stores the account, or tells the owner of the address instead. */
  private async store(
    tx: AccountsRepositories,
    signUp: SignUp,
    { id, passwordHash, now }: { id: string; passwordHash: string; now: number },
    ctx: RequestContext,
  ): Promise<Outcome> {
    const { settings, events } = this.deps
    // The name is reserved for as long as an unverified account would hold it, on both paths
    // below: whether the address has an account does not decide whether the name is taken. It
    // keeps the password hash, so that login by the name answers alike on both paths too.
    const until = now + settings.unverifiedAccountTtlMs
    if (!(await tx.accounts.reserveUsername(signUp.username, now, until, passwordHash))) {
      return 'username_taken'
    }
    const created = await tx.accounts.create({
      id,
      username: signUp.username,
      email: signUp.email.address,
      emailNorm: signUp.email.norm,
      phone: signUp.phone,
      passwordHash,
      role: 'user',
      mustChangePassword: false,
      passwordChangedAt: now,
      createdAt: now,
      locale: signUp.locale,
    })
    if (!created.ok && created.conflict === 'username') return 'username_taken'
    if (!created.ok) return this.noticeOwner(tx, signUp, now, ctx)
    await this.sendVerification(tx, id, signUp, now)
    await events.record('account_created', id, ctx, { phone_given: signUp.phone !== null }, tx.events)
    return 'created'
  }

  /** The address has an account: its owner gets a notice (at most one an hour), not a second account. */
  private async noticeOwner(
    tx: AccountsRepositories,
    signUp: SignUp,
    now: number,
    ctx: RequestContext,
  ): Promise<Outcome> {
    const owner = await tx.accounts.findByEmail(signUp.email.norm)
    // The account that had the address went meanwhile: roll back (the reservation too) and retry.
    if (!owner) throw new RetrySignUp()
    // At most one notice per account per hour, however many attempts.
    const queued = await tx.outbox.enqueue(
      {
        channel: 'email',
        recipient: owner.email,
        template: 'signup_existing_email',
        // The owner's language; else the one this sign-up asked for (read from nothing but the request).
        payload: { username: owner.username, ...messageLocale(owner.locale, signUp) },
        accountId: owner.id,
        dedupeKey: `signup_existing_email:${owner.id}:${Math.floor(now / HOUR)}`,
      },
      now,
    )
    await this.deps.events.record(
      'account_signup_existing_email',
      owner.id,
      ctx,
      { notice_queued: queued.queued },
      tx.events,
    )
    return queued.queued ? 'notified' : 'silent'
  }

  /** A verification token for the new account, and the mail that carries it. */
  private async sendVerification(
    tx: AccountsRepositories,
    id: string,
    signUp: SignUp,
    now: number,
  ): Promise<void> {
    const { settings } = this.deps
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
        recipient: signUp.email.address,
        template: 'verify_email',
        payload: {
          token,
          username: signUp.username,
          expiresInHours: Math.max(1, Math.round(settings.verifyTokenTtlMs / HOUR)),
          ...messageLocale(signUp.locale),
        },
        accountId: id,
      },
      now,
    )
  }
}
