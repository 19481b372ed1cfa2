import { createHmac } from 'node:crypto'
import { sourceOf } from '../../kernel/net.js'
import { classifyIdentifier } from '../accounts/identifiers.js'
import type { Counters, LimiterStore } from './ports.js'
import type { GuardSettings } from './settings.js'
import { SlidingWindow } from './windows.js'

export const DAY_S = 86_400

/** A source as the detectors count it: the address, or one of the networks it is counted in. */
export interface Source {
  scope: 'ip' | 'subnet'
  key: string
  /** Thresholds of this source are those of one address times this. */
  factor: number
}

/**
 * The challenge level a count earns against its threshold: 1 at the threshold, one more at each
 * doubling (twice the threshold: 2, four times: 3 …).
 */
export const levelOf = (count: number, threshold: number): number =>
  1 + Math.floor(Math.log2(count / threshold))

/** Details of a source's detection: the network of an address, for the administrators. */
export const networkDetails = (src: Source, network: string | null): Record<string, unknown> =>
  src.scope === 'ip' ? { network } : {}

/** The most marks an instance remembers for operators' lifts. */
const MAX_MARKED = 100_000

/**
 * What the detectors share: the limiter store their counts live in, the sources of an address,
 * the keyed identifiers and devices, the known sources, the pardons a lift grants, and the keys
 * this instance marked (what an operator's lift finds to end, on a store that cannot be searched).
 */
export class GuardState {
  /** Sources and devices that opened a session (see Guard.sessionOpened). */
  readonly known: Counters
  /** Keys a lift exempts from their detector for one window. */
  readonly #pardons: Counters
  /** The items each distinct count has seen, per bucket (enumeration, stuffing, recovery flood). */
  readonly seen: Counters
  readonly #sourceCache = new Map<string, Source[]>()
  /** The keys this instance marked, with when each mark ends. */
  readonly #marked = new Map<string, number>()

  constructor(
    private readonly store: LimiterStore,
    readonly settings: GuardSettings,
    readonly now: () => number,
    private readonly identifierSecret: Buffer,
  ) {
    const w = settings.windowSeconds
    this.known = store.counters('guard:known', settings.knownSourceDays * DAY_S)
    this.#pardons = store.counters('guard:pardon', w)
    this.seen = store.counters(
      'guard:seen',
      SlidingWindow.lifeSeconds(Math.max(w, settings.recoveryFlood.windowSeconds)),
    )
  }

  /** A sliding window of `seconds` over the store's counters named `name`. */
  window(name: string, seconds: number): SlidingWindow {
    return new SlidingWindow(this.store.counters(name, SlidingWindow.lifeSeconds(seconds)), seconds, this.now)
  }

  /** Counters named `name`, each living `seconds`. */
  counters(name: string, seconds: number): Counters {
    return this.store.counters(name, seconds)
  }

  /** The identifier as the guard counts it: normalised like login does, then keyed. */
  identifierKey(raw: string): string {
    const id = classifyIdentifier(raw)
    const norm = id ? `${id.kind}:${id.value}` : `raw:${raw.trim().toLowerCase()}`
    return createHmac('sha256', this.identifierSecret).update(norm).digest('base64url').slice(0, 22)
  }

  deviceKey(token: string): string {
    return createHmac('sha256', this.identifierSecret)
      .update(`device:${token}`)
      .digest('base64url')
      .slice(0, 22)
  }

  /**
   * The address and every network it is counted in, narrowest first: /24 and /16 for IPv4; /64,
   * /56 and /48 for IPv6 (one /48 holds 65,536 /64s: spreading over them meets the /48's budget).
   */
  sources(ip: string | null): Source[] {
    const key = ip ?? ''
    const known = this.#sourceCache.get(key)
    if (known) return known
    const { address, networks } = sourceOf(ip)
    const s = this.settings
    const sources: Source[] = [
      { scope: 'ip', key: `ip:${address}`, factor: 1 },
      ...networks.map(
        (n): Source => ({
          scope: 'subnet',
          key: `subnet:${n}`,
          factor: n.endsWith('/56')
            ? s.siteFactor
            : n.endsWith('/16') || n.endsWith('/48')
              ? s.networkFactor
              : s.subnetFactor,
        }),
      ),
    ]
    // Asked several times per request: kept for recent addresses.
    if (this.#sourceCache.size >= 10_000) this.#sourceCache.clear()
    this.#sourceCache.set(key, sources)
    return sources
  }

  /** The source of the address alone. */
  address(ip: string | null): Source {
    return this.sources(ip)[0]!
  }

  async pardoned(key: string): Promise<boolean> {
    return (await this.#pardons.get(key)).count > 0
  }

  /** Leaves the key alone for one window: its detector does not judge it meanwhile. */
  pardon(key: string): Promise<void> {
    return this.#pardons.set(key, 1, this.settings.windowSeconds)
  }

  /** Notes that this instance marked `key` for `seconds`. */
  remember(key: string, seconds: number): void {
    const now = this.now()
    if (this.#marked.size >= MAX_MARKED) {
      for (const [k, until] of this.#marked) if (until <= now) this.#marked.delete(k)
      // Still full of live marks: the oldest go (they run out by themselves).
      if (this.#marked.size >= MAX_MARKED) this.#marked.clear()
    }
    this.#marked.set(key, now + seconds * 1000)
  }

  markedKeys(): IterableIterator<string> {
    return this.#marked.keys()
  }

  forgetMarks(keys: Iterable<string>): void {
    for (const k of keys) this.#marked.delete(k)
  }
}
