import { createHmac, randomInt } from 'node:crypto'
import { type Clock, MINUTE } from '../../kernel/clock.js'
import type { Notifier } from '../../kernel/notifier.js'
import { newId } from '../../kernel/tokens.js'
import type { AccountRecord } from '../accounts/ports.js'
import type { CodeChannel, LoginCodeRepository } from '../devices/ports.js'
import type { RequestContext } from '../events/ports.js'
import type { EventRecorder } from '../events/recorder.js'
import { messageLocale } from '../mail/locale.js'
import type { Outbox } from '../mail/ports.js'

export interface LoginCodeSettings {
  ttlMs: number
}

/** Six uniformly drawn digits. */
export const newLoginCode = (): string => randomInt(0, 1_000_000).toString().padStart(6, '0')

/**
 * One-time login codes by email or SMS, bound to one login challenge: 6 digits, 10 minutes, a new
 * send replaces the previous code, stored as keyed hashes. Sends pass the outbound gate, which caps
 * them per account (across challenges and channels) and per address or number, because whoever has
 * the password can ask for them.
 */
export class LoginCodeService {
  constructor(
    private readonly deps: {
      codes: LoginCodeRepository
      outbox: Outbox
      events: EventRecorder
      clock: Clock
      codeKey: Buffer
      settings: LoginCodeSettings
      /** Told when messages were queued (the outbox delivers them now). */
      queued: Notifier
    },
  ) {}

  #hash(challengeId: string, code: string): string {
    return createHmac('sha256', this.deps.codeKey).update(`${challengeId}:${code}`).digest('hex')
  }

  /** Sends a code for the challenge to the account's verified address or phone; false when capped or unreachable. */
  async send(
    challengeId: string,
    channel: CodeChannel,
    account: AccountRecord,
    ctx: RequestContext,
  ): Promise<boolean> {
    const { codes, outbox, events, clock, settings } = this.deps
    const recipient =
      channel === 'email'
        ? account.emailVerifiedAt !== null
          ? account.email
          : null
        : account.phoneVerifiedAt !== null
          ? account.phone
          : null
    if (!recipient) return false
    const now = clock.now()
    const code = newLoginCode()
    // The outbound gate counts the account's codes and the address's or number's messages, under
    // their locks: however many sends race, no more than the budgets are queued.
    const verdict = await outbox.enqueue(
      {
        channel,
        recipient,
        template: 'login_code',
        payload: {
          username: account.username,
          ...messageLocale(account.locale, ctx),
          code,
          expiresInMinutes: Math.max(1, Math.round(settings.ttlMs / MINUTE)),
        },
        accountId: account.id,
      },
      now,
    )
    if (!verdict.queued) {
      await events.record('authn_otp_send_capped', account.id, ctx, {
        channel,
        ...(verdict.reason === 'budget' ? { budget: verdict.budget } : {}),
      })
      return false
    }
    // A new code replaces the challenge's previous one of that channel.
    await codes.issue({
      id: newId(),
      challengeId,
      accountId: account.id,
      channel,
      codeHash: this.#hash(challengeId, code),
      expiresAt: now + settings.ttlMs,
      createdAt: now,
    })
    await events.record('authn_otp_sent', account.id, ctx, { channel })
    this.deps.queued.notify()
    return true
  }

  /** Uses the challenge's live code of that channel; true for exactly one caller with the right code. */
  verify(challengeId: string, channel: CodeChannel, code: string): Promise<boolean> {
    if (!/^[0-9]{6}$/.test(code)) return Promise.resolve(false)
    return this.deps.codes.consume(challengeId, channel, this.#hash(challengeId, code), this.deps.clock.now())
  }
}
