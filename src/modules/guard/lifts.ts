import ipaddr from 'ipaddr.js'
import { sourceOf } from '../../kernel/net.js'
import { Poller } from '../../kernel/poller.js'
import type { AuditService } from '../audit/service.js'
import type { RequestContext } from '../events/ports.js'
import type { EventRecorder } from '../events/recorder.js'

/**
 * Lifts by an operator (`gatehouse guard lift`): the guard's challenges, delays and blocks end for
 * a range of sources, or for every source. A lift is a row in `guard_lifts`: the command line is a
 * process of its own and cannot reach a server's memory, so every server reads the new rows
 * (GuardLiftWatcher, about once a second) and applies them to its guard. See docs/guard.md.
 */

/** An address or a network, as an operator names it: `203.0.113.7`, `203.0.113.0/24`, `2001:db8::/48`. */
export interface SourceRange {
  /** Written one way: an address as the guard counts it, a network by its first address. */
  readonly text: string
  readonly address: ipaddr.IPv4 | ipaddr.IPv6
  readonly bits: number
}

/** The range `raw` names, or null when it names none. IPv4-mapped IPv6 counts as IPv4. */
export const parseSourceRange = (raw: string): SourceRange | null => {
  const s = raw.trim()
  try {
    if (!s.includes('/')) {
      if (!ipaddr.isValid(s)) return null
      const address = ipaddr.process(s)
      return {
        text: sourceOf(address.toString()).address,
        address,
        bits: address.kind() === 'ipv4' ? 32 : 128,
      }
    }
    const [parsed, bits] = ipaddr.parseCIDR(s)
    const address =
      parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96
        ? (parsed as ipaddr.IPv6).toIPv4Address()
        : parsed
    const b = address === parsed ? bits : bits - 96
    const first =
      address.kind() === 'ipv4'
        ? ipaddr.IPv4.networkAddressFromCIDR(`${address.toString()}/${b}`)
        : ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/${b}`)
    return { text: `${first.toString()}/${b}`, address: first, bits: b }
  } catch {
    return null
  }
}

const parsedAddress = (a: string): ipaddr.IPv4 | ipaddr.IPv6 | null => {
  try {
    return ipaddr.process(a)
  } catch {
    return null
  }
}

/** Whether the address lies in the range. */
export const rangeContains = (range: SourceRange, address: string): boolean => {
  const a = parsedAddress(address)
  return a !== null && a.kind() === range.address.kind() && a.match(range.address, range.bits)
}

/** Whether a network the guard counts (`203.0.113.0/24`, `2001:db8:1:200::/56`) lies wholly in the range. */
export const rangeCovers = (range: SourceRange, network: string): boolean => {
  try {
    const [n, bits] = ipaddr.parseCIDR(network)
    return bits >= range.bits && n.kind() === range.address.kind() && n.match(range.address, range.bits)
  } catch {
    return false
  }
}

export interface GuardLift {
  id: number
  /** The range lifted (SourceRange.text), or null for every source. */
  sources: string | null
  reason: string | null
  /** Who ran the command, and where: `user@host`. */
  operator: string
  createdAt: number
}

export interface GuardLiftStore {
  add(lift: Omit<GuardLift, 'id'>): Promise<GuardLift>
  /** Lifts with an id above `id`, oldest first. */
  after(id: number, limit: number): Promise<GuardLift[]>
  /** Lifts made at or after `at`, oldest first. */
  since(at: number): Promise<GuardLift[]>
  /** The newest lift's id (0: none). */
  lastId(): Promise<number>
}

/** What a guard does with a lift (Guard.applyLift). */
export interface LiftTarget {
  applyLift(range: SourceRange | null, at: number): Promise<void>
  /** A lift made before this server started: only its exemption window, if still running, applies. */
  rememberLift(range: SourceRange, at: number): void
}

/** Reads new lifts every `intervalMs` and applies them to this server's guard. */
export class GuardLiftWatcher {
  #cursor = 0
  #stopped = false
  readonly #poller: Poller

  constructor(
    private readonly deps: {
      store: GuardLiftStore
      guard: LiftTarget
      now: () => number
      /** How far back a lift still exempts its sources (the guard's window). */
      windowMs: number
      intervalMs: number
      onApplied: (lift: GuardLift) => void
      onError: (err: unknown) => void
    },
  ) {
    // The first look is `intervalMs` after start: start() itself has just read where lifts stand.
    this.#poller = new Poller({
      intervalMs: deps.intervalMs,
      firstDelayMs: deps.intervalMs,
      run: () => this.#applyNew(),
      onError: deps.onError,
    })
  }

  /** Starts from the newest lift: older ones were applied by the servers running then. */
  async start(): Promise<void> {
    const { store, guard, now, windowMs } = this.deps
    try {
      this.#cursor = await store.lastId()
      for (const lift of await store.since(now() - windowMs)) {
        const range = lift.sources === null ? null : parseSourceRange(lift.sources)
        if (range) guard.rememberLift(range, lift.createdAt)
      }
    } catch (err) {
      this.deps.onError(err)
    }
    if (!this.#stopped) this.#poller.start()
  }

  /** Applies the lifts made since the last look; returns when they are applied. */
  async poll(): Promise<void> {
    try {
      await this.#applyNew()
    } catch (err) {
      this.deps.onError(err)
    }
  }

  async #applyNew(): Promise<void> {
    for (;;) {
      const lifts = await this.deps.store.after(this.#cursor, 100)
      for (const lift of lifts) {
        const range = lift.sources === null ? null : parseSourceRange(lift.sources)
        if (lift.sources === null || range) {
          await this.deps.guard.applyLift(range, lift.createdAt)
          this.deps.onApplied(lift)
        }
        this.#cursor = lift.id
      }
      if (lifts.length < 100) return
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true
    await this.#poller.stop()
  }
}

/** Records an operator's lift: the row every server applies, an audit entry and a security event. */
export class GuardLiftService {
  constructor(
    private readonly deps: {
      store: GuardLiftStore
      audit: AuditService
      events: EventRecorder
      now: () => number
    },
  ) {}

  /**
   * Lifts the guard for `range` (null: every source). `actor` is who the audit log names (`cli`),
   * `operator` who ran it where (`user@host`).
   */
  async lift(
    input: { range: SourceRange | null; reason: string | null; operator: string; actor: string },
    ctx: RequestContext,
  ): Promise<GuardLift> {
    const lift = await this.deps.store.add({
      sources: input.range?.text ?? null,
      reason: input.reason,
      operator: input.operator,
      createdAt: this.deps.now(),
    })
    const sources = lift.sources ?? 'all'
    await this.deps.audit.record(input.actor, ctx, 'guard.lift', `guard_lift:${lift.id}`, {
      sources,
      reason: lift.reason,
      operator: lift.operator,
    })
    await this.deps.events.record('guard_sources_lifted', null, ctx, {
      lift_id: lift.id,
      sources,
      reason: lift.reason,
      operator: lift.operator,
    })
    return lift
  }
}
