import { HOUR } from '../../kernel/clock.js'
import { AppError } from '../../kernel/errors.js'
import { hashToken, looksLikeToken, newId, newToken } from '../../kernel/tokens.js'
import type { RequestContext } from '../events/ports.js'
import { messageLocale } from '../mail/locale.js'
import type { AccountsDeps } from './deps.js'
import { parseEmail } from './identifiers.js'

/** Looked up on a miss so that a missing account costs the same statements as a found one. */
const NO_ACCOUNT = '00000000-0000-0000-0000-000000000000'

/** Verification of a new account's address, new verification mails, and pruning of accounts never verified. */
export class EmailVerification {
  constructor(private readonly deps: AccountsDeps) {}

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
          ...messageLocale(account?.locale, ctx),
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
    if (sent) this.deps.queued.notify()
  }

  /** Deletes accounts that never verified their email within the retention period, freeing their usernames. */
  async pruneUnverified(): Promise<number> {
    const { store, clock, settings } = this.deps
    return store.accounts.deleteUnverifiedBefore(clock.now() - settings.unverifiedAccountTtlMs)
  }
}
