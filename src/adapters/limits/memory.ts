import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible'
import type {
  Counters,
  CountReading,
  LimiterStore,
  LimitResult,
  RateLimiter,
  RateRule,
} from '../../modules/guard/ports.js'

/*
 * Also the shared half of the limiter stores: the Redis store uses the helpers below so both
 * stores answer through one code path.
 */

/** A rule must count whole points in a window of whole seconds, both at least 1 (0 s never expires in Redis). */
export const checkRule = (name: string, rule: RateRule): void => {
  if (name === '') throw new TypeError('A limiter needs a name')
  for (const [field, value] of [
    ['points', rule.points],
    ['seconds', rule.seconds],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new RangeError(`Limiter '${name}': ${field} must be a whole number of at least 1, not ${value}`)
    }
  }
}

export const checkPoints = (points: number): void => {
  if (!Number.isSafeInteger(points) || points < 1) {
    throw new RangeError(`A limiter consumes a whole number of points of at least 1, not ${points}`)
  }
}

/** Whole seconds until the window ends, at least 1 (a Retry-After of 0 invites an immediate retry). */
export const retryAfterSeconds = (msBeforeNext: number): number =>
  Number.isFinite(msBeforeNext) && msBeforeNext > 0 ? Math.max(1, Math.ceil(msBeforeNext / 1000)) : 1

/**
 * rate-limiter-flexible's answer as a LimitResult. It rejects a refusal with a RateLimiterRes
 * (not an Error); anything else is a real failure and is rethrown: never read as "allowed".
 */
export const settle = async (op: Promise<RateLimiterRes>): Promise<LimitResult> => {
  try {
    const res = await op
    return { allowed: true, remaining: res.remainingPoints }
  } catch (e) {
    if (e instanceof RateLimiterRes)
      return { allowed: false, retryAfterSeconds: retryAfterSeconds(e.msBeforeNext) }
    throw e
  }
}

/**
 * One limiter per name: asking again for a name returns the same counters, and asking for it
 * with another rule is a programming error (the two would share and misread one count).
 */
export const limiterRegistry = (
  create: (name: string, rule: RateRule) => RateLimiter,
): ((name: string, rule: RateRule) => RateLimiter) => {
  const made = new Map<string, { rule: RateRule; limiter: RateLimiter }>()
  return (name, rule) => {
    checkRule(name, rule)
    const known = made.get(name)
    if (known) {
      if (known.rule.points !== rule.points || known.rule.seconds !== rule.seconds) {
        throw new Error(
          `Limiter '${name}' exists with ${known.rule.points}/${known.rule.seconds}s; asked again with ${rule.points}/${rule.seconds}s`,
        )
      }
      return known.limiter
    }
    const limiter = create(name, { points: rule.points, seconds: rule.seconds })
    made.set(name, { rule: { points: rule.points, seconds: rule.seconds }, limiter })
    return limiter
  }
}

/** Counters never refuse: their rule allows more points than any count reaches. */
export const UNLIMITED = 2 ** 52

/**
 * The longest life a count can have in memory: the memory store expires keys with a timer, and
 * Node fires timers longer than 2^31-1 ms at once. Longer lives are cut to this (24.8 days).
 */
export const MEMORY_MAX_SECONDS = Math.floor((2 ** 31 - 1) / 1000)
export const memorySeconds = (seconds: number): number => Math.min(seconds, MEMORY_MAX_SECONDS)

/** The operations of rate-limiter-flexible that the Counters port needs (memory and Redis alike). */
interface CountingLimiter {
  consume(key: string, points: number, options?: Record<string, unknown>): Promise<RateLimiterRes>
  get(key: string, options?: Record<string, unknown>): Promise<RateLimiterRes | null>
  set(key: string, points: number, secDuration: number, options?: Record<string, unknown>): Promise<unknown>
  delete(key: string, options?: Record<string, unknown>): Promise<unknown>
}

/**
 * The Counters port over a limiter whose rule never refuses. `run` wraps each operation (the
 * Redis store uses it to notice when its memory insurance answered instead of Redis).
 */
export const countersOver = (
  limiter: CountingLimiter,
  run: <T>(op: (options: Record<string, unknown>) => Promise<T>) => Promise<T> = (op) => op({}),
  life: (seconds: number) => number = (seconds) => seconds,
): Counters => {
  const add = async (key: string, n = 1): Promise<number> => {
    checkPoints(n)
    const res = await run((o) => limiter.consume(key, n, o))
    return res.consumedPoints
  }
  const get = async (key: string): Promise<CountReading> => {
    const res = await run((o) => limiter.get(key, o))
    return reading(res?.consumedPoints ?? 0, res?.msBeforeNext ?? 0)
  }
  return {
    add,
    get,
    addMany: (keys) => Promise.all(keys.map((key) => add(key))),
    getMany: (keys) => Promise.all(keys.map(get)),
    set: async (key, value, seconds) => {
      checkPoints(value)
      checkRule('set', { points: value, seconds })
      await run((o) => limiter.set(key, value, life(seconds), o))
    },
    delete: async (key) => {
      await run((o) => limiter.delete(key, o))
    },
  }
}

/** A count as the Counters port reads it: an absent, expired or undying key reads as 0 with 0 ms left. */
export const reading = (count: number, msLeft: number): CountReading =>
  msLeft > 0 ? { count, msLeft } : { count: 0, msLeft: 0 }

/** One Counters per name, like limiterRegistry; the same name with another life is a programming error. */
export const countersRegistry = (
  create: (name: string, seconds: number) => Counters,
): ((name: string, seconds: number) => Counters) => {
  const made = new Map<string, { seconds: number; counters: Counters }>()
  return (name, seconds) => {
    checkRule(name, { points: 1, seconds })
    const known = made.get(name)
    if (known) {
      if (known.seconds !== seconds) {
        throw new Error(`Counters '${name}' exist with ${known.seconds}s; asked again with ${seconds}s`)
      }
      return known.counters
    }
    const counters = create(name, seconds)
    made.set(name, { seconds, counters })
    return counters
  }
}

/** Counters in this process only: each instance limits on its own. */
export const createMemoryLimiterStore = (): LimiterStore => ({
  kind: 'memory',
  limiter: limiterRegistry((name, rule) => {
    const counters = new RateLimiterMemory({ keyPrefix: name, points: rule.points, duration: rule.seconds })
    return {
      consume: async (key, points = 1) => {
        checkPoints(points)
        return settle(counters.consume(key, points))
      },
      reset: async (key) => {
        await counters.delete(key)
      },
    }
  }),
  counters: countersRegistry((name, seconds) =>
    countersOver(
      new RateLimiterMemory({
        keyPrefix: `count:${name}`,
        points: UNLIMITED,
        duration: memorySeconds(seconds),
      }),
      undefined,
      memorySeconds,
    ),
  ),
  close: async () => {},
})
