import { AppError } from '../../kernel/errors.js'
import { newId, newToken } from '../../kernel/tokens.js'
import type { RequestContext } from '../events/ports.js'
import { messageLocale } from '../mail/locale.js'
import type { AccountsDeps } from './deps.js'
import { normalizeUsername, parseEmail } from './identifiers.js'
import type { AccountRecord, Role } from './ports.js'

/** What an operator does to accounts from the command line: roles, password resets, administrators. */
export class OperatorActions {
  constructor(private readonly deps: AccountsDeps) {}

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
            payload: { username: account.username, ...messageLocale(account.locale, ctx) },
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
    this.deps.queued.notify()
    await this.deps.devices.forgetRemembered(result.account.id, ctx)
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
