import { type Clock, iso } from '../../kernel/clock.js'
import { AppError } from '../../kernel/errors.js'
import type { Notifier } from '../../kernel/notifier.js'
import { hashToken, looksLikeToken, newId, newToken } from '../../kernel/tokens.js'
import type { AccountRecord } from '../accounts/ports.js'
import type { RequestContext } from '../events/ports.js'
import type { EventRecorder, RecordsEvents } from '../events/recorder.js'
import { messageLocale } from '../mail/locale.js'
import type { Outbox } from '../mail/ports.js'
import type { DeviceRecord, DeviceRepository, LoginNoticeRepository } from './ports.js'

export interface DeviceSettings {
  /** How long "remember this device" skips the second factor. */
  rememberMs: number
  /** Lifetime of the "this wasn't me" link in a new-login notice. */
  noticeLinkTtlMs: number
}

/** Approximate place of an address ("Berlin, Germany"), or null; from a local GeoIP database. */
export type PlaceOf = (ip: string) => string | null

/** A short, one-line description of a client from its user agent. */
export const describeDevice = (userAgent: string | null): string => {
  if (!userAgent) return 'an unknown device'
  const ua = userAgent.replace(/[^\x20-\x7e]/g, '')
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Chrome\//.test(ua)
      ? 'Chrome'
      : /Firefox\//.test(ua)
        ? 'Firefox'
        : /Safari\//.test(ua)
          ? 'Safari'
          : null
  const os = /Windows/.test(ua)
    ? 'Windows'
    : /Android/.test(ua)
      ? 'Android'
      : /iPhone|iPad/.test(ua)
        ? 'iOS'
        : /Mac OS X/.test(ua)
          ? 'macOS'
          : /Linux/.test(ua)
            ? 'Linux'
            : null
  if (browser && os) return `${browser} on ${os}`
  return ua.slice(0, 60) || 'an unknown device'
}

/**
 * Devices an account logs in from. A device is a random 256-bit token the client keeps (the
 * `gh_device` cookie or the `X-Gatehouse-Device` header); only its SHA-256 is stored, per account.
 * A login from a device the account has not used before (other than its very first one) queues a
 * notice with a single-use "this wasn't me" link; the outbound gate caps notices per account and
 * address, since anyone with the password can trigger them.
 */
export class DevicesService {
  constructor(
    private readonly deps: {
      devices: DeviceRepository
      notices: LoginNoticeRepository
      events: EventRecorder
      clock: Clock
      /** The outbound gate: new-login notices are capped per account and address there. */
      outbox: Outbox
      placeOf?: PlaceOf
      settings: DeviceSettings
      /** Told when messages were queued (the outbox delivers them now). */
      queued: Notifier
    },
  ) {}

  /** The account's device for a presented token, or null when it is unknown to that account. */
  async recognise(accountId: string, token: string | null): Promise<DeviceRecord | null> {
    if (!token || !looksLikeToken(token)) return null
    return this.deps.devices.find(accountId, hashToken(token))
  }

  /** True when the account has logged in from at least one device before. */
  async hasAny(accountId: string): Promise<boolean> {
    return (await this.deps.devices.countForAccount(accountId)) > 0
  }

  /**
   * Records the device of a new session. Returns a new device token when the device was not known
   * (the client must keep it). `remember` makes the device skip the second factor for a while;
   * `known` is what `recognise` answered for the presented token, and `hasDevices` what `hasAny`
   * answered, when the caller asked already.
   */
  async afterLogin(
    account: AccountRecord,
    sessionId: string,
    presented: string | null,
    ctx: RequestContext,
    opts: {
      remember?: boolean
      known?: DeviceRecord | null
      hasDevices?: boolean
      /** Where the login records its events (held until it ends), when not the recorder itself. */
      events?: RecordsEvents
    } = {},
  ): Promise<{ deviceToken: string | null }> {
    const { devices, clock, settings } = this.deps
    const events = opts.events ?? this.deps.events
    const now = clock.now()
    const rememberedUntil = opts.remember ? now + settings.rememberMs : undefined
    const known = opts.known !== undefined ? opts.known : await this.recognise(account.id, presented)
    if (known) {
      await devices.touch(known.id, now, { ip: ctx.ip, userAgent: ctx.userAgent }, rememberedUntil)
      if (opts.remember)
        await events.record('authn_device_remembered', account.id, ctx, { device_id: known.id })
      return { deviceToken: null }
    }
    const firstEver = !(opts.hasDevices ?? (await this.hasAny(account.id)))
    const token = newToken()
    const id = newId()
    await devices.create({
      id,
      accountId: account.id,
      deviceHash: hashToken(token),
      userAgent: ctx.userAgent,
      ip: ctx.ip,
      createdAt: now,
      lastSeenAt: now,
      rememberedUntil: rememberedUntil ?? null,
    })
    await events.record('authn_device_new', account.id, ctx, {
      device_id: id,
      first_device: firstEver,
      remembered: opts.remember === true,
    })
    if (!firstEver) await this.#notify(account, sessionId, ctx, events)
    return { deviceToken: token }
  }

  async #notify(
    account: AccountRecord,
    sessionId: string,
    ctx: RequestContext,
    events: RecordsEvents,
  ): Promise<void> {
    const { notices, clock, outbox, settings, placeOf } = this.deps
    if (account.emailVerifiedAt === null) return
    const now = clock.now()
    const token = newToken()
    const place = ctx.ip && placeOf ? placeOf(ctx.ip) : null
    // The outbound gate caps these per account and address (anyone with the password can cause
    // them); the link is stored only for a notice that goes out.
    const verdict = await outbox.enqueue(
      {
        channel: 'email',
        recipient: account.email,
        template: 'new_login',
        payload: {
          username: account.username,
          time: iso(now),
          device: describeDevice(ctx.userAgent),
          ip: ctx.ip ?? 'unknown',
          place,
          token,
          ...messageLocale(account.locale, ctx),
        },
        accountId: account.id,
      },
      now,
    )
    if (!verdict.queued) {
      await events.record('authn_login_notice_suppressed', account.id, ctx, { session_id: sessionId })
      return
    }
    await notices.create({
      id: newId(),
      accountId: account.id,
      sessionId,
      tokenHash: hashToken(token),
      expiresAt: now + settings.noticeLinkTtlMs,
      createdAt: now,
    })
    await events.record('authn_login_notice_queued', account.id, ctx, {
      session_id: sessionId,
      place: place !== null,
    })
    this.deps.queued.notify()
  }

  /** A password reset or change: no device skips the second factor any more. */
  async forgetRemembered(accountId: string, ctx: RequestContext): Promise<void> {
    const n = await this.deps.devices.forgetRemembered(accountId, this.deps.clock.now())
    if (n > 0) await this.deps.events.record('authn_devices_forgotten', accountId, ctx, { count: n })
  }

  /**
   * Uses a "this wasn't me" link: returns the account and the session of that login, once.
   * `invalid_token` alike for unknown, used and expired links.
   */
  async useNotMeLink(token: string): Promise<{ accountId: string; sessionId: string }> {
    if (!looksLikeToken(token)) throw new AppError('invalid_token')
    const found = await this.deps.notices.consume(hashToken(token), this.deps.clock.now())
    if (!found) throw new AppError('invalid_token')
    return found
  }
}
