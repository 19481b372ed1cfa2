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

/** A count and how long it has left; a key that is absent or expired reads as 0 with 0 ms left. */
export interface CountReading {
  count: number
  msLeft: number
}

/**
 * Counts and marks that expire by themselves: the detectors' state. A count lives `seconds`
 * from its first add (a fixed window); `set` gives a key a value and a life of its own.
 */
export interface Counters {
  /** Adds `n` (a whole number, default 1) and returns the new count. */
  add(key: string, n?: number): Promise<number>
  get(key: string): Promise<CountReading>
  /** Replaces the key's count with `value` (at least 1) for `seconds` (at least 1). */
  set(key: string, value: number, seconds: number): Promise<void>
  delete(key: string): Promise<void>
}

/**
 * Where the counters live. `memory` counts per instance; `redis` shares the counts between
 * every instance pointed at the same Redis (and falls back to per-instance memory counts at
 * the same rules while Redis is unreachable, never to no limit at all).
 */
export interface LimiterStore {
  /** The limiter for `name`; asking again for the same name returns the same counters. */
  limiter(name: string, rule: RateRule): RateLimiter
  /** The counters named `name`, each living `seconds` from its first add; same name, same counters. */
  counters(name: string, seconds: number): Counters
  readonly kind: 'memory' | 'redis'
  close(): Promise<void>
}
