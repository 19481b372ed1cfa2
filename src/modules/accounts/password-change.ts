import { AppError } from '../../kernel/errors.js'
import type { RequestContext } from '../events/ports.js'
import { messageLocale } from '../mail/locale.js'
import { type AccountsDeps, checkPassword } from './deps.js'

/** A logged-in account changes its own password. */
export class PasswordChanges {
  constructor(private readonly deps: AccountsDeps) {}

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
          payload: { username: account.username, ...messageLocale(account.locale, ctx) },
          accountId: account.id,
        },
        now,
      )
      const revoked = await tx.sessions.revokeAll(account.id, now, sessionId)
      await events.record('authn_password_change', account.id, ctx, { revoked_sessions: revoked }, tx.events)
      return revoked
    })
    this.deps.queued.notify()
    await this.deps.devices.forgetRemembered(account.id, ctx)
    return { revokedSessions }
  }
}
