import { AppError } from '../../kernel/errors.js'
import { sourceOf } from '../../kernel/net.js'
import type { LimiterStore, RateLimiter, RateRule } from './ports.js'

export interface SourceLimitRules {
  perIp: RateRule
  perSubnet: RateRule
  global: RateRule
}

export type SourceScope = 'ip' | 'subnet' | 'global'

const EVERYONE = 'all'

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
    const { address, network } = sourceOf(ip)
    const keys: Record<SourceScope, string> = { ip: address, subnet: network, global: EVERYONE }
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
