import { AppError } from '../../kernel/errors.js'
import { subnetOf } from '../../kernel/net.js'
import type { LimiterStore, RateLimiter, RateRule } from './ports.js'

export interface SourceLimitRules {
  perIp: RateRule
  perSubnet: RateRule
  global: RateRule
}

export type SourceScope = 'ip' | 'subnet' | 'global'

/** The key of a request whose source address is not known: all such requests share one budget. */
const UNKNOWN = 'unknown'
const EVERYONE = 'all'

/** One key per address whichever way it is written: an IPv4-mapped IPv6 address counts as IPv4. */
const sourceKey = (ip: string): string => ip.toLowerCase().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '')

/**
 * The limits of one kind of request by where it comes from: its address, its network (/24 or
 * /64) and everyone together. Counters are named `<name>:ip`, `<name>:subnet`, `<name>:global`.
 */
export class SourceLimits {
  private readonly counters: ReadonlyArray<{ scope: SourceScope; limiter: RateLimiter }>

  constructor(
    store: LimiterStore,
    name: string,
    rules: SourceLimitRules,
    private readonly onLimited?: (scope: SourceScope) => void,
  ) {
    this.counters = [
      { scope: 'ip', limiter: store.limiter(`${name}:ip`, rules.perIp) },
      { scope: 'subnet', limiter: store.limiter(`${name}:subnet`, rules.perSubnet) },
      { scope: 'global', limiter: store.limiter(`${name}:global`, rules.global) },
    ]
  }

  /**
   * Consumes one point from the ip, subnet and global counters, in that order, and stops at the
   * first that refuses (a blocked source does not burn the shared budgets); then throws
   * AppError('rate_limited') with Retry-After. The answer never depends on an account.
   */
  async check(ip: string | null): Promise<void> {
    const keys: Record<SourceScope, string> = {
      ip: ip ? sourceKey(ip) : UNKNOWN,
      // An address that is not one (should not happen behind Fastify) still gets its own network.
      subnet: ip ? (subnetOf(ip) ?? ip) : UNKNOWN,
      global: EVERYONE,
    }
    for (const { scope, limiter } of this.counters) {
      const result = await limiter.consume(keys[scope])
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
