import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible'
import type { LimiterStore, LimitResult, RateLimiter, RateRule } from '../../modules/guard/ports.js'

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
  close: async () => {},
})
