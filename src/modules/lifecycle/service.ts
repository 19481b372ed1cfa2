import { DAY } from '../../kernel/clock.js'
import type { RequestContext } from '../../kernel/context.js'
import { AppError } from '../../kernel/errors.js'
import type { Locale } from '../../kernel/locale.js'
import type { Notifier } from '../../kernel/notifier.js'
import { hashToken, looksLikeToken, newId, newToken } from '../../kernel/tokens.js'
import type { AccountRecord } from '../accounts/ports.js'
import type { AuditService } from '../audit/service.js'
import type { EventRecorder } from '../events/recorder.js'
import { noContext } from '../events/recorder.js'
import { messageLocale } from '../mail/locale.js'
import type { AccountData, DeletionStore, PendingDeletion } from './ports.js'

export interface AccountDeletionDeps {
  store: DeletionStore
  accounts: { findById(id: string): Promise<AccountRecord | null> }
  events: EventRecorder
  audit: Pick<AuditService, 'record'>
  now: () => number
  queued: Notifier
  /** Days between a deletion request and the purge (GATEHOUSE_ACCOUNT_DELETION_GRACE_DAYS). */
  graceDays: number
  /** Ends the account's applications' grants (the OpenID Connect provider), before the purge. */
  onAccessEnded?: (accountId: string, reason: string, ctx: RequestContext) => Promise<void>
  /** Accounts purged per pass of the job. */
  batchSize?: number
}

/**
 * The audit log is kept for ever and may not be edited: it names an account by its opaque id
 * only, and never with the holder's address. An entry the holder causes records no IP address.
 */
const withoutIp = (ctx: RequestContext): Pick<RequestContext, 'ip' | 'requestId'> => ({
  ip: null,
  requestId: ctx.requestId,
})

/** Who asked: the holder (`account:<id>` of the account itself), or staff. */
const self = (accountId: string) => `account:${accountId}`

/** Who acted, as the account's events name it: `holder`, or the staff actor. */
const whoActed = (accountId: string, by: string) => (by === self(accountId) ? 'holder' : by)

/**
 * An account's own data: its export, and its deletion after a grace period. A deletion disables
 * the account at once (its sessions and one-time tokens end; logins and recovery answer as for a
 * disabled account), mails a one-time cancel link valid until the deletion is due, and the purge
 * then removes the account and every row of personal data about it. The audit log keeps only the
 * opaque id, so its chain still verifies and names nobody.
 */
export class AccountDeletion {
  constructor(private readonly deps: AccountDeletionDeps) {}

  /** Everything held about the account; the export is recorded as a security event. */
  async export(accountId: string, by: string, ctx: RequestContext): Promise<AccountData> {
    const data = await this.deps.store.deletions.exportOf(accountId)
    if (!data) throw new AppError('not_found', { detail: 'No such account' })
    await this.deps.events.record('account_data_exported', accountId, ctx, { by: whoActed(accountId, by) })
    if (by !== self(accountId)) {
      await this.deps.audit.record(by, ctx, 'account.export', `account:${accountId}`)
    }
    return data
  }

  pending(accountId: string): Promise<PendingDeletion | null> {
    return this.deps.store.deletions.pending(accountId)
  }

  /**
   * Schedules the account's deletion `graceDays` from now. Idempotent: while one is pending, the
   * same date comes back and nothing is sent again. The cancel link goes to the account's address.
   */
  async schedule(
    account: AccountRecord,
    by: string,
    ctx: RequestContext,
  ): Promise<{ dueAt: number; scheduled: boolean }> {
    const { store, now: clock } = this.deps
    // The purge could not remove it: the clients need another owner first.
    if (await store.deletions.ownsClients(account.id)) throw new AppError('account_in_use')
    const result = await store.transaction(async (tx) => {
      const now = clock()
      const dueAt = now + this.deps.graceDays * DAY
      const r = await tx.deletions.schedule(account.id, dueAt, by, now)
      if (r.kind !== 'scheduled') return r
      const token = newToken()
      await tx.tokens.issue({
        id: newId(),
        tokenHash: hashToken(token),
        accountId: account.id,
        purpose: 'account_deletion_cancel',
        expiresAt: dueAt,
        createdAt: now,
      })
      await tx.outbox.enqueue(
        {
          channel: 'email',
          recipient: account.email,
          template: 'account_deletion_scheduled',
          payload: {
            username: account.username,
            token,
            time: new Date(dueAt).toISOString(),
            ...messageLocale(account.locale as Locale | null, ctx),
          },
          accountId: account.id,
        },
        now,
      )
      await this.deps.events.record(
        'account_deletion_scheduled',
        account.id,
        ctx,
        { due_at: new Date(dueAt).toISOString(), by: whoActed(account.id, by), revoked_sessions: r.sessions },
        tx.events,
      )
      return r
    })
    if (result.kind === 'gone') throw new AppError('not_found', { detail: 'No such account' })
    if (result.kind === 'pending') return { dueAt: result.dueAt, scheduled: false }
    const details = { due_at: new Date(result.dueAt).toISOString(), revoked_sessions: result.sessions }
    await this.deps.audit.record(
      by,
      by === self(account.id) ? withoutIp(ctx) : ctx,
      'account.deletion_schedule',
      `account:${account.id}`,
      details,
    )
    this.deps.queued.notify()
    return { dueAt: result.dueAt, scheduled: true }
  }

  /**
   * Cancels a pending deletion with the token the mail carried (one-time; it dies when the deletion
   * is due). `invalid_token` alike for unknown, used and expired tokens.
   */
  async cancelWithToken(token: string, ctx: RequestContext): Promise<void> {
    if (!looksLikeToken(token)) throw new AppError('invalid_token')
    const accountId = await this.deps.store.transaction(async (tx) => {
      const now = this.deps.now()
      const id = await tx.tokens.consume(hashToken(token), 'account_deletion_cancel', now)
      if (!id) return null
      if (!(await tx.deletions.cancel(id, now))) return null
      await this.deps.events.record('account_deletion_cancelled', id, ctx, { by: 'holder' }, tx.events)
      return id
    })
    if (!accountId) throw new AppError('invalid_token')
    await this.deps.audit.record(
      self(accountId),
      withoutIp(ctx),
      'account.deletion_cancel',
      `account:${accountId}`,
    )
  }

  /** Staff cancel a pending deletion; false when none was pending. */
  async cancelByStaff(accountId: string, by: string, ctx: RequestContext): Promise<boolean> {
    const cancelled = await this.deps.store.transaction(async (tx) => {
      const now = this.deps.now()
      if (!(await tx.deletions.cancel(accountId, now))) return false
      await tx.tokens.revokeForAccount(accountId, now, ['account_deletion_cancel'])
      await this.deps.events.record('account_deletion_cancelled', accountId, ctx, { by }, tx.events)
      return true
    })
    if (cancelled) await this.deps.audit.record(by, ctx, 'account.deletion_cancel', `account:${accountId}`)
    return cancelled
  }

  /**
   * Purges one account whose deletion is due: its grants end, then the account and its personal
   * data go. Recorded in the audit log (actor `system`) and as an event without an account.
   */
  async #purge(accountId: string, now: number): Promise<boolean> {
    const ctx = { ...noContext, requestId: 'account-deletion' }
    await this.deps.onAccessEnded?.(accountId, 'account_deleted', ctx)
    const purged = await this.deps.store.deletions.purgeDue(accountId, now)
    if (!purged) return false
    const details = { requested_by: purged.requestedBy, role: purged.role }
    await this.deps.audit.record('system', ctx, 'account.purge', `account:${accountId}`, details)
    await this.deps.events.record('account_deleted', null, ctx, {
      account_id: accountId,
      ...details,
      by: 'system',
    })
    return true
  }

  /**
   * The job: purges every account whose grace has passed, a batch at a time. Safe with several
   * instances: each account is claimed by a conditional delete, so exactly one instance purges it.
   * Returns how many this pass removed.
   */
  async purgeDue(): Promise<number> {
    let purged = 0
    // One account that cannot be removed does not hold up the others; the first failure is
    // reported once the pass is over (the job logs it and tries again on its next pass).
    let failure: unknown = null
    for (;;) {
      const now = this.deps.now()
      const ids = await this.deps.store.deletions.due(now, this.deps.batchSize ?? 100)
      let progress = 0
      for (const id of ids) {
        try {
          if (await this.#purge(id, now)) progress += 1
        } catch (err) {
          failure ??= err
        }
      }
      purged += progress
      if (ids.length < (this.deps.batchSize ?? 100) || progress === 0) break
    }
    if (failure !== null) throw failure
    return purged
  }
}
