import type { Clock } from '../../kernel/clock.js'
import { AppError } from '../../kernel/errors.js'
import type { Notifier } from '../../kernel/notifier.js'
import { hashToken, looksLikeToken, newId, newToken } from '../../kernel/tokens.js'
import { findAccountByIdentifier } from '../accounts/lookup.js'
import type { PasswordHasher } from '../accounts/password-hasher.js'
import type { PasswordPolicy } from '../accounts/password-policy.js'
import type { AccountRecord } from '../accounts/ports.js'
import type { DevicesService } from '../devices/service.js'
import type { RequestContext } from '../events/ports.js'
import type { EventRecorder } from '../events/recorder.js'
import type { Guard } from '../guard/guard.js'
import { messageLocale } from '../mail/locale.js'
import { codeAlreadyUsed, type SecondFactors } from '../mfa/second-factors.js'
import { queuePasswordChanged } from './notices.js'
import { type RecoveryFactorPorts, recoverableBy, recoveryFactors, sendRefusal } from './policy.js'
import type {
  RecoveryChannel,
  RecoveryOutcome,
  RecoveryRepositories,
  RecoveryRequest,
  RecoveryStore,
} from './ports.js'

export interface RecoverySettings {
  tokenTtlMs: number
  resendAfterMs: number
  digestDelayMs: number
  lockTokenTtlMs: number
  /** Wrong second-factor codes before a recovery token dies. */
  maxCodeAttempts: number
}

const dayKey = (ms: number) => new Date(ms).toISOString().slice(0, 10)

/**
 * Account recovery that is neither a contact-data oracle nor a spam cannon.
 *
 * The request path only queues what the caller typed; a worker looks the
 * account up, so status, body and timing of the answer cannot depend on it.
 * Messages pass the outbound gate, which caps them per account and per
 * address or number (not per identifier typed), when queued and again when
 * sent; blocked requests are summed into one daily digest to the account's
 * own verified address. See the Copenhagen Book's
 * password-reset page for the rules this follows.
 */
export class RecoveryService {
  /** What a reset needs of the account's second factors, and the codes it accepts (factors.ts). */
  readonly #secondFactors: SecondFactors
  /** False for an account no reset message may recover (a staff account without a strong factor). */
  readonly #recoverable: (account: AccountRecord) => Promise<boolean>

  constructor(
    private readonly deps: RecoveryFactorPorts & {
      store: RecoveryStore
      hasher: PasswordHasher
      policy: PasswordPolicy
      /** Counts recovery floods from the accounts requests reach. */
      guard: Pick<Guard, 'recoveryRequested'>
      events: EventRecorder
      clock: Clock
      settings: RecoverySettings
      onOutcome?: (outcome: RecoveryOutcome) => void
      /** Told when messages were queued (the outbox delivers them now). */
      queued: Notifier
      /** Told when a request was stored (the recovery worker handles it now). */
      requested: Notifier
      /** Remembered devices are forgotten after a password reset. */
      devices: Pick<DevicesService, 'forgetRemembered'>
    },
  ) {
    this.#secondFactors = recoveryFactors(deps)
    this.#recoverable = recoverableBy(deps)
  }

  /** The request path: store the request for the worker. Same work for every identifier. */
  async request(
    input: { identifier: string; channel?: RecoveryChannel | undefined; code?: string | undefined },
    ctx: RequestContext,
  ): Promise<void> {
    await this.deps.store.recoveryRequests.enqueue({
      id: newId(),
      identifier: input.identifier,
      channel: input.channel ?? 'email',
      mfaCode: input.code ?? null,
      context: ctx,
      createdAt: this.deps.clock.now(),
    })
    this.deps.requested.notify()
  }

  /** The worker path: decide, under the account's lock, whether this request gets a message. */
  async process(req: RecoveryRequest): Promise<RecoveryOutcome> {
    const { store, events, clock, settings } = this.deps
    const found = await findAccountByIdentifier(store.accounts, req.identifier)
    if (!found) {
      await store.recoveryRequests.finish(req.id, 'no_account', clock.now())
      this.deps.onOutcome?.('no_account')
      return 'no_account'
    }
    // The guard counts recovery floods from the accounts requests reach.
    void this.deps.guard.recoveryRequested(req.context, found.id)
    const checked = {
      recoverable: await this.#recoverable(found),
      // Checked before the transaction: verifying a code writes its time step (replay protection).
      codeOk:
        found.resetLock && req.mfaCode
          ? (await this.#secondFactors.verify(found.id, req.mfaCode)) === 'ok'
          : false,
      resendAfterMs: settings.resendAfterMs,
    }

    let channelUsed: RecoveryChannel | null = null
    const outcome = await store.transaction(async (tx): Promise<RecoveryOutcome> => {
      await tx.recoveryLedger.lockAccount(found.id)
      const account = (await tx.accounts.findById(found.id)) ?? found
      const now = clock.now()
      let verdict = await sendRefusal(tx, account, checked, now)
      const channel: RecoveryChannel =
        req.channel === 'sms' && account.phone && account.phoneVerifiedAt !== null ? 'sms' : 'email'
      // The message first: the outbound gate may refuse it (a budget of the account or of its
      // address or number), and then the live token and the old one stay as they are.
      const token = newToken()
      let budget: string | null = null
      if (!verdict) {
        const queued = await tx.outbox.enqueue(
          {
            channel,
            recipient: channel === 'sms' ? account.phone! : account.email,
            template: channel === 'sms' ? 'recovery_sms' : 'recovery_email',
            payload: {
              token,
              username: account.username,
              expiresInMinutes: Math.round(settings.tokenTtlMs / 60_000),
              ...messageLocale(account.locale, req.context),
            },
            accountId: account.id,
            dedupeKey: `recovery:${req.id}`,
          },
          now,
        )
        // Queued before, by an earlier run of this request that committed: nothing more to do.
        if (!queued.queued && queued.reason === 'duplicate') return 'sent'
        if (!queued.queued) {
          verdict = 'suppressed_cap'
          budget = queued.budget
        }
      }
      if (verdict) {
        await this.#suppress(tx, account.id, req, verdict, budget, now)
        return verdict
      }
      // At most one live recovery token per account: a new one replaces the old.
      await tx.tokens.revokeForAccount(account.id, now, ['recovery'])
      await tx.tokens.issue({
        id: newId(),
        tokenHash: hashToken(token),
        accountId: account.id,
        purpose: 'recovery',
        expiresAt: now + settings.tokenTtlMs,
        createdAt: now,
        channel,
      })
      await events.record('authn_password_reset_requested', account.id, req.context, { channel }, tx.events)
      channelUsed = channel
      return 'sent'
    })
    await store.recoveryRequests.finish(req.id, outcome, clock.now())
    this.deps.onOutcome?.(outcome)
    if (channelUsed) this.deps.queued.notify()
    return outcome
  }

  /** A request that got no message: summed into the account's daily digest, and recorded. */
  async #suppress(
    tx: RecoveryRepositories,
    accountId: string,
    req: RecoveryRequest,
    verdict: RecoveryOutcome,
    budget: string | null,
    now: number,
  ): Promise<void> {
    await tx.recoveryLedger.recordSuppression(accountId, dayKey(now), now + this.deps.settings.digestDelayMs)
    await this.deps.events.record(
      'recovery.suppressed',
      accountId,
      req.context,
      { reason: verdict.replace('suppressed_', ''), channel: req.channel, ...(budget ? { budget } : {}) },
      tx.events,
    )
  }

  /** Queues the daily digests of blocked requests that are due; only to a verified address. */
  async sendDueDigests(limit = 100): Promise<number> {
    const { store, clock } = this.deps
    const due = await store.recoveryLedger.dueDigests(clock.now(), limit)
    let queued = 0
    for (const d of due) {
      const sent = await store.transaction(async (tx) => {
        const now = clock.now()
        if (!(await tx.recoveryLedger.markDigestSent(d.accountId, d.day, now))) return false
        const account = await tx.accounts.findById(d.accountId)
        if (!account || account.emailVerifiedAt === null) return false
        const locale = messageLocale(account.locale)
        const verdict = await tx.outbox.enqueue(
          {
            channel: 'email',
            recipient: account.email,
            template: 'recovery_digest',
            payload: { username: account.username, count: d.suppressed, day: d.day, ...locale },
            accountId: account.id,
            dedupeKey: `recovery_digest:${account.id}:${d.day}`,
          },
          now,
        )
        return verdict.queued
      })
      if (sent) {
        queued += 1
        this.deps.queued.notify()
      }
    }
    return queued
  }

  /**
   * Sets a new password with a recovery token. Unknown, used, expired and
   * wrong-purpose tokens fail alike; an account with a second factor needs a
   * valid code, else `mfa_required` and nothing changes. Success revokes every
   * session and token and tells the owner on every verified channel.
   */
  async complete(input: { token: string; password: string; code?: string | undefined }, ctx: RequestContext) {
    let resetAccountId: string | null = null
    const { store, hasher, policy, events, clock, settings } = this.deps
    const secondFactors = this.#secondFactors
    if (!looksLikeToken(input.token)) throw new AppError('invalid_token')
    const tokenHash = hashToken(input.token)
    const live = await store.tokens.peek(tokenHash, 'recovery', clock.now())
    if (!live) throw new AppError('invalid_token')
    const account = await store.accounts.findById(live.accountId)
    if (!account) throw new AppError('invalid_token')
    // A token sent before the account became staff does not recover it either.
    if (!(await this.#recoverable(account))) throw new AppError('invalid_token')

    await this.#proveSecondFactor(account.id, tokenHash, live.channel ?? undefined, input.code, ctx)
    const verdict = policy.check(input.password, {
      username: account.username,
      email: account.email,
      multiFactor: await secondFactors.has(account.id),
    })
    if (!verdict.ok) throw new AppError(verdict.code, { detail: verdict.detail })
    if (await hasher.verify(account.passwordHash, verdict.password)) throw new AppError('password_reused')
    const hash = await hasher.hash(verdict.password)

    const result = await store.transaction(async (tx) => {
      const now = clock.now()
      const owner = await tx.tokens.consume(tokenHash, 'recovery', now)
      if (owner !== account.id) return null
      resetAccountId = account.id
      await tx.accounts.setPasswordHash(account.id, hash, now, { changed: true, mustChange: false })
      await tx.accounts.setLocked(account.id, null, now)
      // The token went to the address: using it proves control of it.
      if (live.channel === 'email') await tx.accounts.markEmailVerified(account.id, now)
      await tx.tokens.revokeForAccount(account.id, now)
      const revoked = await tx.sessions.revokeAll(account.id, now)
      const lockToken = newToken()
      await tx.tokens.issue({
        id: newId(),
        tokenHash: hashToken(lockToken),
        accountId: account.id,
        purpose: 'account_lock',
        expiresAt: now + settings.lockTokenTtlMs,
        createdAt: now,
      })
      const channels = await queuePasswordChanged(tx, account, live.channel === 'email', lockToken, now, ctx)
      await events.record(
        'authn_password_reset_completed',
        account.id,
        ctx,
        { revoked_sessions: revoked, notified: channels },
        tx.events,
      )
      return channels
    })
    if (!result) throw new AppError('invalid_token')
    if (result.length > 0) this.deps.queued.notify()
    if (resetAccountId) await this.deps.devices.forgetRemembered(resetAccountId, ctx)
  }

  /**
   * A reset whose channel does not prove the account's second factor needs a code (TOTP or recovery
   * code): counted against the token before it is checked, and the token dies after
   * `maxCodeAttempts` wrong ones. `mfa_required` without one or for a wrong one.
   */
  async #proveSecondFactor(
    accountId: string,
    tokenHash: string,
    resetChannel: RecoveryChannel | undefined,
    code: string | undefined,
    ctx: RequestContext,
  ): Promise<void> {
    const { store, events, clock, settings } = this.deps
    if (!(await this.#secondFactors.has(accountId, resetChannel))) return
    const mfaRequired = () =>
      new AppError('mfa_required', {
        detail:
          'This account has a second factor the reset message does not prove: send a current TOTP code or a recovery code as `code` (with email or SMS codes as the factor, a reset asked for on that channel needs none)',
      })
    if (!code) throw mfaRequired()
    // The guess is counted before it is checked: however many arrive at once, a token takes
    // `maxCodeAttempts` (and the account's second-factor budget is spent by each).
    const attempts = await store.tokens.takeAttempt(
      tokenHash,
      'recovery',
      clock.now(),
      settings.maxCodeAttempts,
    )
    if (attempts === null) throw new AppError('invalid_token')
    const check = await this.#secondFactors.verify(accountId, code)
    if (check !== 'ok') {
      await events.record('authn_mfa_fail', accountId, ctx, {
        during: 'recovery',
        attempts,
        ...(check === 'used' ? { reason: 'code_already_used' } : {}),
      })
      if (attempts >= settings.maxCodeAttempts) {
        await store.tokens.revokeForAccount(accountId, clock.now(), ['recovery'])
      }
      throw check === 'used' ? codeAlreadyUsed() : mfaRequired()
    }
  }

  /** "This wasn't me": revokes every session and blocks login until recovery completes. */
  async lockAccount(token: string, ctx: RequestContext): Promise<void> {
    const { store, events, clock } = this.deps
    if (!looksLikeToken(token)) throw new AppError('invalid_token')
    const ok = await store.transaction(async (tx) => {
      const now = clock.now()
      const accountId = await tx.tokens.consume(hashToken(token), 'account_lock', now)
      if (!accountId) return false
      await tx.accounts.setLocked(accountId, now, now)
      const revoked = await tx.sessions.revokeAll(accountId, now)
      await events.record('account_locked', accountId, ctx, { revoked_sessions: revoked }, tx.events)
      return true
    })
    if (!ok) throw new AppError('invalid_token')
  }

  /**
   * "This wasn't me" from a new-login notice: every session ends, login is blocked, and a recovery
   * message goes to the account's own address (through the usual queue and caps). When the account
   * has a second factor, the reset then needs it.
   */
  async lockAfterUnrecognisedLogin(accountId: string, ctx: RequestContext): Promise<void> {
    const { store, events, clock } = this.deps
    const username = await store.transaction(async (tx) => {
      const now = clock.now()
      const account = await tx.accounts.lockById(accountId)
      if (!account) return null
      await tx.accounts.setLocked(account.id, now, now)
      const revoked = await tx.sessions.revokeAll(account.id, now)
      await events.record(
        'account_locked',
        account.id,
        ctx,
        { revoked_sessions: revoked, via: 'login_notice' },
        tx.events,
      )
      return account.username
    })
    if (username) await this.request({ identifier: username, channel: 'email' }, ctx)
  }

  /** The holder's own switch: no reset message without a second-factor code. Needs a factor to turn on. */
  async setResetLock(accountId: string, on: boolean, ctx: RequestContext): Promise<void> {
    const { store, events, clock } = this.deps
    if (on && !(await this.#secondFactors.has(accountId))) {
      throw new AppError('second_factor_required', {
        detail: 'Set up a second factor before turning on the reset lock',
      })
    }
    await store.accounts.setResetLock([accountId], on, clock.now())
    await events.record('recovery.reset_lock_changed', accountId, ctx, { enabled: on, by: 'owner' })
  }

  /** An operator turns the reset lock on or off for a cohort of accounts. */
  async setResetLockFor(accountIds: string[], on: boolean, ctx: RequestContext): Promise<number> {
    const { store, events, clock } = this.deps
    const n = await store.accounts.setResetLock(accountIds, on, clock.now())
    await events.record('recovery.reset_lock_changed', null, ctx, {
      enabled: on,
      by: 'operator',
      accounts: n,
    })
    return n
  }
}
