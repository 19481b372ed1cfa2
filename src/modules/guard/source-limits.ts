import { AppError } from '../../kernel/errors.js'
import { sourceOf } from '../../kernel/net.js'
import type { LimiterStore, RateLimiter, RateRule } from './ports.js'

export interface SourceLimitRules {
  perIp: RateRule
  /** A /24 (IPv4) or /64 (IPv6). */
  perSubnet: RateRule
  /** A /56 (IPv6): by default twice the subnet's points. */
  perSite?: RateRule
  /** A /16 (IPv4) or /48 (IPv6): by default four times the subnet's points. */
  perNetwork?: RateRule
  global: RateRule
}

export type SourceScope = 'ip' | 'subnet' | 'site' | 'network' | 'global'

const EVERYONE = 'all'

/** /24 and /64 are subnets, /56 a site, /16 and /48 networks (see sourceOf). */
const scopeOf = (network: string): SourceScope =>
  network.endsWith('/56') ? 'site' : network.endsWith('/16') || network.endsWith('/48') ? 'network' : 'subnet'

const times = (rule: RateRule, factor: number): RateRule => ({
  points: rule.points * factor,
  seconds: rule.seconds,
})

/**
 * The limits of one kind of request by where it comes from: its address, each network it is
 * counted in (/24 and /16 for IPv4; /64, /56 and /48 for IPv6: one /48 holds 65,536 /64s, so
 * an attacker who spreads over them still meets one budget) and everyone together. Counters are
 * named `<name>:ip`, `<name>:subnet`, `<name>:site`, `<name>:network`, `<name>:global`.
 */
export class SourceLimits {
  private readonly counters: Record<SourceScope, RateLimiter>

  constructor(
    store: LimiterStore,
    name: string,
    rules: SourceLimitRules,
    private readonly onLimited?: (scope: SourceScope) => void,
  ) {
    this.counters = {
      ip: store.limiter(`${name}:ip`, rules.perIp),
      subnet: store.limiter(`${name}:subnet`, rules.perSubnet),
      site: store.limiter(`${name}:site`, rules.perSite ?? times(rules.perSubnet, 2)),
      network: store.limiter(`${name}:network`, rules.perNetwork ?? times(rules.perSubnet, 4)),
      global: store.limiter(`${name}:global`, rules.global),
    }
  }

  /**
   * Consumes one point from the ip counter, then each network's, narrowest first, then the
   * global one, and stops at the first that refuses (a blocked source does not burn the shared
   * budgets); then throws AppError('rate_limited') with Retry-After. The answer never depends on
   * an account.
   */
  async check(ip: string | null): Promise<void> {
    const { address, networks } = sourceOf(ip)
    const steps: Array<[SourceScope, string]> = [
      ['ip', address],
      ...networks.map((n): [SourceScope, string] => [scopeOf(n), n]),
      ['global', EVERYONE],
    ]
    for (const [scope, key] of steps) {
      const result = await this.counters[scope].consume(key)
      if (!result.allowed) {
        this.onLimited?.(scope)
        throw rateLimited(result.retryAfterSeconds)
      }
    }
  }
}

/** The one 429 of the limits: generic, the same whichever counter refused. */
export const rateLimited = (retryAfterSeconds: number): AppError =>
  new AppError('rate_limited', {
    detail: 'Too many requests; try again later',
    extensions: { retry_after: retryAfterSeconds },
    headers: { 'retry-after': String(retryAfterSeconds) },
  })
