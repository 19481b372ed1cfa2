import type { Logger } from 'pino'
import type { Clock } from '../../kernel/clock.js'
import { withDeadline } from '../../kernel/outages.js'
import type { Channel, ClaimedMessage, OutboxQueue } from './ports.js'

/** A probe of a transport that does not answer within this has failed. */
const PROBE_TIMEOUT_MS = 10_000

export interface TransportHealthDeps {
  queue: Pick<OutboxQueue, 'redrive'>
  clock: Clock
  logger: Pick<Logger, 'info'>
  /** Counts the messages made due at once because their transport works again. */
  redriven?: (channel: Channel, count: number) => void
  /**
   * A transport (email or SMS) failed a send: `up` false at the first failure of an outage, true
   * when a send or a probe succeeds again (the outage log and the dependency gauge).
   */
  onTransport?: (channel: 'email' | 'sms', up: boolean, err?: unknown) => void
  /** Asks a transport whether it works (SMTP: connect and greet), while its messages wait. */
  probes?: Partial<Record<'email' | 'sms', () => Promise<void>>>
  /** Pause between two probes of one failing transport (default 30 s). */
  probeIntervalMs?: number
}

/**
 * Which transports failed their last send, by channel (email, sms) or, for webhooks, by receiver,
 * with the time of the failure and of the last probe. A success there (a send, or a probe that
 * answers) makes the messages waiting for a retry on it due at once.
 */
export class TransportHealth {
  readonly #deps: TransportHealthDeps
  readonly #failing = new Map<string, { since: number; probedAt: number }>()

  constructor(deps: TransportHealthDeps) {
    this.#deps = deps
  }

  /** A send failed. Returns true at the first failure of an outage (reported and logged); later ones are only counted. */
  failed(m: Pick<ClaimedMessage, 'channel' | 'recipient'>, err: unknown): boolean {
    const key = keyOf(m)
    if (this.#failing.has(key)) return false
    const now = this.#deps.clock.now()
    this.#failing.set(key, { since: now, probedAt: now })
    if (m.channel !== 'webhook') this.#deps.onTransport?.(m.channel, false, err)
    return true
  }

  /** A send succeeded: if its transport was failing, what waits for a retry on it is due now. */
  async sent(m: Pick<ClaimedMessage, 'channel' | 'recipient'>): Promise<void> {
    await this.#recovered(keyOf(m), m.channel, m.channel === 'webhook' ? m.recipient : undefined)
  }

  /**
   * Probes each failing transport that has a probe, at most once every `probeIntervalMs`: one that
   * answers makes its waiting messages due now.
   */
  async probe(): Promise<void> {
    const { probes, clock } = this.#deps
    if (!probes) return
    for (const channel of ['email', 'sms'] as const) {
      const state = this.#failing.get(channel)
      const probe = probes[channel]
      if (!state || !probe || clock.now() - state.probedAt < (this.#deps.probeIntervalMs ?? 30_000)) continue
      state.probedAt = clock.now()
      try {
        await withDeadline(probe(), PROBE_TIMEOUT_MS, channel === 'email' ? 'smtp' : 'sms', 'a probe')
      } catch {
        continue
      }
      await this.#recovered(channel, channel)
    }
  }

  /** The transport works again: what waits for a retry on it is due now. */
  async #recovered(key: string, channel: Channel, recipient?: string): Promise<void> {
    if (!this.#failing.delete(key)) return
    if (channel !== 'webhook') this.#deps.onTransport?.(channel, true)
    const due = await this.#deps.queue.redrive(channel, this.#deps.clock.now(), recipient)
    if (due > 0) {
      this.#deps.redriven?.(channel, due)
      this.#deps.logger.info(
        { channel, messages: due },
        'transport works again: messages waiting for a retry are due now',
      )
    }
  }
}

/** Where a transport's health is kept: the channel, or for webhooks each receiver. */
const keyOf = (m: Pick<ClaimedMessage, 'channel' | 'recipient'>): string =>
  m.channel === 'webhook' ? `webhook:${m.recipient}` : m.channel
