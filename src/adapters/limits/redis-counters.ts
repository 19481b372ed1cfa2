import type { Redis } from 'ioredis'
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible'
import type { Counters, RateLimiter, RateRule } from '../../modules/guard/ports.js'
import { checkPoints, countersOver, memorySeconds, reading, settle, UNLIMITED } from './memory.js'
import type { Guarded } from './redis-breaker.js'

/*
 * Batches of counters in one script each (the guard counts one request at an address and each of
 * its networks at once): one command instead of one per key (or a MULTI per read). The keys, their
 * values and their lives are those rate-limiter-flexible writes and reads (SET NX EX then INCRBY;
 * GET and PTTL), so a key added in a batch reads the same one by one, and the other way round.
 */
const ADD_MANY = `local out = {}
for i, key in ipairs(KEYS) do
  redis.call('set', key, 0, 'EX', ARGV[1], 'NX')
  out[i] = redis.call('incrby', key, 1)
  if redis.call('pttl', key) == -1 then redis.call('expire', key, ARGV[1]) end
end
return out`
const GET_MANY = `local out = {}
for i, key in ipairs(KEYS) do
  out[2 * i - 1] = tonumber(redis.call('get', key) or '0')
  out[2 * i] = redis.call('pttl', key)
end
return out`

interface BatchScripts {
  gatehouseAddMany(numKeys: number, ...args: Array<string | number>): Promise<number[]>
  gatehouseGetMany(numKeys: number, ...keys: string[]): Promise<number[]>
}

/** Teaches the client the batch scripts (ADD_MANY, GET_MANY) and returns it typed with them. */
export const defineBatchScripts = (client: Redis): BatchScripts => {
  client.defineCommand('gatehouseAddMany', { lua: ADD_MANY })
  client.defineCommand('gatehouseGetMany', { lua: GET_MANY })
  return client as unknown as BatchScripts
}

/**
 * Starts a write on the memory counts now, whether or not Redis answers, and gives it as the answer
 * from memory. Every instance keeps its own counts in memory beside the shared ones: a call that
 * Redis does not answer in time (one slow moment, or an outage) is answered from what this instance
 * counted, never from an empty store that would let a marked source or a used-up key through.
 */
const mirrored = <T>(write: Promise<T>): (() => Promise<T>) => {
  // A refusal (RateLimiterRes) is an answer when memory is asked, and nothing when Redis answers.
  write.catch(() => {})
  return () => write
}

/**
 * A limiter counting in Redis, and in memory beside it at the same rule: memory answers when Redis
 * does not (see `mirrored`).
 */
export const redisLimiter =
  (client: Redis, guarded: Guarded) =>
  (name: string, rule: RateRule): RateLimiter => {
    const memory = new RateLimiterMemory({ keyPrefix: name, points: rule.points, duration: rule.seconds })
    const counters = new RateLimiterRedis({
      storeClient: client,
      keyPrefix: name,
      points: rule.points,
      duration: rule.seconds,
      // Fail at once while the connection is not ready (the memory limiter answers).
      rejectIfRedisNotReady: true,
    })
    return {
      consume: async (key, points = 1) => {
        checkPoints(points)
        const mine = mirrored(memory.consume(key, points))
        return settle(guarded(() => counters.consume(key, points), mine))
      },
      reset: async (key) => {
        const mine = mirrored(memory.delete(key))
        await guarded(() => counters.delete(key), mine)
      },
    }
  }

/**
 * Counters in Redis (one by one, and in batches through the scripts), and in memory beside it:
 * writes go to both, reads to memory when Redis does not answer (see `mirrored`).
 */
export const redisCounters =
  (client: Redis, scripts: BatchScripts, guarded: Guarded) =>
  (name: string, seconds: number): Counters => {
    const prefix = `count:${name}`
    const memory = new RateLimiterMemory({
      keyPrefix: prefix,
      points: UNLIMITED,
      duration: memorySeconds(seconds),
    })
    const counters = new RateLimiterRedis({
      storeClient: client,
      keyPrefix: prefix,
      points: UNLIMITED,
      duration: seconds,
      rejectIfRedisNotReady: true,
    })
    const one = countersOver({
      consume: (key, points) => {
        const mine = mirrored(memory.consume(key, points))
        return guarded(() => counters.consume(key, points), mine)
      },
      get: (key) =>
        guarded(
          () => counters.get(key),
          () => memory.get(key),
        ),
      set: (key, points, life) => {
        const mine = mirrored(memory.set(key, points, memorySeconds(life)))
        return guarded(() => counters.set(key, points, life), mine)
      },
      delete: (key) => {
        const mine = mirrored(memory.delete(key))
        return guarded(() => counters.delete(key), mine)
      },
    })
    const key = (k: string) => `${prefix}:${k}`
    return {
      ...one,
      addMany: async (keys) => {
        if (keys.length === 0) return []
        const mine = mirrored(Promise.all(keys.map(async (k) => (await memory.consume(k, 1)).consumedPoints)))
        return guarded(
          async () => (await scripts.gatehouseAddMany(keys.length, ...keys.map(key), seconds)).map(Number),
          mine,
        )
      },
      getMany: async (keys) => {
        if (keys.length === 0) return []
        return guarded(
          async () => {
            const flat = await scripts.gatehouseGetMany(keys.length, ...keys.map(key))
            return keys.map((_, i) => reading(Number(flat[2 * i]), Number(flat[2 * i + 1])))
          },
          () =>
            Promise.all(
              keys.map(async (k) => {
                const res = await memory.get(k)
                return reading(res?.consumedPoints ?? 0, res?.msBeforeNext ?? 0)
              }),
            ),
        )
      },
    }
  }
