/** A limit: at most `points` in a fixed window of `seconds` that starts with the first point. */
export interface RateRule {
  points: number
  seconds: number
}

export type LimitResult = { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number }

/** A named family of counters (e.g. 'recovery:ip') with one rule; keys are free strings. */
export interface RateLimiter {
  /** Takes `points` (default 1) from the key's budget; a refusal is a result, never an exception. */
  consume(key: string, points?: number): Promise<LimitResult>
  /** Forgets the key's count, as if it had never been used. */
  reset(key: string): Promise<void>
}

/**
 * Where the counters live. `memory` counts per instance; `redis` shares the counts between
 * every instance pointed at the same Redis (and falls back to per-instance memory counts at
 * the same rules while Redis is unreachable, never to no limit at all).
 */
export interface LimiterStore {
  /** The limiter for `name`; asking again for the same name returns the same counters. */
  limiter(name: string, rule: RateRule): RateLimiter
  readonly kind: 'memory' | 'redis'
  close(): Promise<void>
}
