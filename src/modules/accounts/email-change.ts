import { HOUR } from '../../kernel/clock.js'
import { AppError } from '../../kernel/errors.js'
import { hashToken, looksLikeToken, newId, newToken } from '../../kernel/tokens.js'
import type { RequestContext } from '../events/ports.js'
import { rateLimited } from '../guard/source-limits.js'
import { messageLocale } from '../mail/locale.js'
import { queueSecurityNotice } from '../mail/notices.js'
import { type AccountsDeps, retryAfterSeconds } from './deps.js'
import { parseEmail } from './identifiers.js'

/** A change of an account's email address: requested with a recent proof of identity, confirmed from the new address. */
export class EmailChanges {
  constructor(private readonly deps: AccountsDeps) {}

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
              // The requester's language: the address's owner is not looked up any further.
              payload: messageLocale(account.locale, ctx),
              accountId: owner.id,
            }
          : {
              channel: 'email',
              recipient: email.value.address,
              template: 'verify_new_email',
              payload: { username: account.username, token, ...messageLocale(account.locale, ctx) },
              accountId: account.id,
            },
        now,
      )
      const channels = await queueSecurityNotice(tx.outbox, account, 'email_change_requested', now, ctx)
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
    // A link to the new address, and notices to the old channels.
    this.deps.queued.notify()
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
      const channels = await queueSecurityNotice(tx.outbox, before, 'email_changed', now, ctx)
      await events.record('account_email_changed', before.id, ctx, {}, tx.events)
      return channels
    })
    if (!result) throw new AppError('invalid_token')
    if (result.length > 0) this.deps.queued.notify()
  }
}
