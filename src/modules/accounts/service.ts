import { AppError } from '../../kernel/errors.js'
import type { Locale } from '../../kernel/locale.js'
import type { RequestContext } from '../events/ports.js'
import type { AccountsDeps } from './deps.js'
import { EmailChanges } from './email-change.js'
import { OperatorActions } from './operator.js'
import { PasswordChanges } from './password-change.js'
import { PhoneNumbers } from './phone.js'
import type { AccountRecord, Role } from './ports.js'
import { Registration, type RegistrationInput } from './registration.js'
import { EmailVerification } from './verification.js'

export type { AccountsSettings } from './deps.js'
export type { RegistrationInput } from './registration.js'

/**
 * Sign-up, email verification, changes of address, phone number and password, and the operator's
 * actions on accounts. Sign-up never reveals whether an email address has an account: a registered
 * address gets the same answer, and its owner a notice instead of a second account. Each concern
 * lives in its own file over the same ports; this class is the one door to them.
 */
export class AccountsService {
  private readonly registration: Registration
  private readonly verification: EmailVerification
  private readonly emailChanges: EmailChanges
  private readonly passwords: PasswordChanges
  private readonly phones: PhoneNumbers
  private readonly operator: OperatorActions

  constructor(private readonly deps: AccountsDeps) {
    this.registration = new Registration(deps)
    this.verification = new EmailVerification(deps)
    this.emailChanges = new EmailChanges(deps)
    this.passwords = new PasswordChanges(deps)
    this.phones = new PhoneNumbers(deps)
    this.operator = new OperatorActions(deps)
  }

  /**
   * The holder names the language of their mails and texts. Only this (and sign-up) stores one: a
   * request's Accept-Language never changes it.
   */
  async setLocale(accountId: string, locale: Locale, ctx: RequestContext): Promise<void> {
    const { store, events, clock } = this.deps
    await store.transaction(async (tx) => {
      const account = await tx.accounts.lockById(accountId)
      if (!account) throw new AppError('unauthenticated')
      if (account.locale === locale) return
      await tx.accounts.setLocale(account.id, locale, clock.now())
      await events.record(
        'account_locale_changed',
        account.id,
        ctx,
        { from: account.locale, to: locale },
        tx.events,
      )
    })
  }

  /** The holder's own account as it is stored now (null: it is gone). */
  own(accountId: string): Promise<AccountRecord | null> {
    return this.deps.store.accounts.findById(accountId)
  }

  register(input: RegistrationInput, ctx: RequestContext): Promise<void> {
    return this.registration.register(input, ctx)
  }

  /** Redeems a verification token; unknown, used, expired and wrong-purpose tokens fail alike. */
  verifyEmail(token: string, ctx: RequestContext): Promise<void> {
    return this.verification.verifyEmail(token, ctx)
  }

  /** Sends a new verification mail to an account whose address is not verified yet (same answer for every address). */
  resendVerification(rawEmail: string, ctx: RequestContext): Promise<void> {
    return this.verification.resendVerification(rawEmail, ctx)
  }

  /** Deletes accounts that never verified their email within the retention period, freeing their usernames. */
  pruneUnverified(): Promise<number> {
    return this.verification.pruneUnverified()
  }

  /** Starts a change of the account's email address: a link to the new one, a notice to the old. */
  requestEmailChange(accountId: string, rawEmail: string, ctx: RequestContext): Promise<void> {
    return this.emailChanges.requestEmailChange(accountId, rawEmail, ctx)
  }

  /** Confirms a change of address with the token mailed to the new one. */
  confirmEmailChange(token: string, ctx: RequestContext): Promise<void> {
    return this.emailChanges.confirmEmailChange(token, ctx)
  }

  /** Changes the password of a logged-in account; every other session and outstanding token ends. */
  changePassword(
    accountId: string,
    sessionId: string,
    input: { currentPassword: string; newPassword: string },
    ctx: RequestContext,
  ): Promise<{ revokedSessions: number }> {
    return this.passwords.changePassword(accountId, sessionId, input, ctx)
  }

  /** Sets the account's phone number, unverified, and texts a code to it (needs the current password). */
  setPhone(
    accountId: string,
    input: { phone: string; password: string },
    ctx: RequestContext,
  ): Promise<void> {
    return this.phones.setPhone(accountId, input, ctx)
  }

  /** Verifies the phone number with the code texted to it. */
  verifyPhone(accountId: string, code: string, ctx: RequestContext): Promise<void> {
    return this.phones.verifyPhone(accountId, code, ctx)
  }

  /** Removes the phone number (needs the current password). */
  removePhone(accountId: string, password: string, ctx: RequestContext): Promise<void> {
    return this.phones.removePhone(accountId, password, ctx)
  }

  /** An operator sets the account's role; its sessions end. Null when there is no such account. */
  setRole(username: string, role: Role, ctx: RequestContext): Promise<{ from: Role; to: Role } | null> {
    return this.operator.setRole(username, role, ctx)
  }

  /** An operator resets the password of an account by name. Null for an unknown name. */
  resetByOperator(
    rawUsername: string,
    ctx: RequestContext,
  ): Promise<{ account: AccountRecord; password: string; revokedSessions: number } | null> {
    return this.operator.resetByOperator(rawUsername, ctx)
  }

  /** Creates an administrator with a verified address and a one-time password. */
  createAdmin(input: {
    username: string
    email: string
  }): Promise<{ account: AccountRecord; password: string }> {
    return this.operator.createAdmin(input)
  }
}
