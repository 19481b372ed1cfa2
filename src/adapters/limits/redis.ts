import { Redis } from 'ioredis'
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible'
import type { LimiterStore } from '../../modules/guard/ports.js'
import {
  checkPoints,
  countersOver,
  countersRegistry,
  limiterRegistry,
  memorySeconds,
  reading,
  settle,
  UNLIMITED,
} from './memory.js'

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

export interface RedisLimiterStoreOptions {
  /**
   * Redis stopped answering and the limits now count per instance (in memory, at the same
   * rules). Called once per outage; must not throw (an exception is turned into a process warning).
   */
  onFallback: (error: Error) => void
  /** Redis answers again after an outage reported through onFallback. */
  onRecovered?: () => void
  /** How long startup waits for the first connection before it goes on with the fallback; default 3000 ms. */
  startupTimeoutMs?: number
  /** Put before every key this store writes; default `gatehouse:`. */
  keyPrefix?: string
  /** The name the connection shows in Redis's CLIENT LIST; default `gatehouse-limiter`. */
  connectionName?: string
}

/** Operations whose answer came from the memory insurance limiter rather than from Redis. */
const servedFromMemory = new WeakSet<object>()

/**
 * The insurance limiter: rate-limiter-flexible turns to it whenever a Redis command fails. It
 * marks the call's options object so the store can tell that Redis did not answer.
 */
class InsuranceMemory extends RateLimiterMemory {
  override consume(key: string | number, points?: number, options: Record<string, unknown> = {}) {
    servedFromMemory.add(options)
    return super.consume(key, points, options)
  }

  override delete(key: string | number, options: Record<string, unknown> = {}) {
    servedFromMemory.add(options)
    return super.delete(key, options)
  }

  override get(key: string | number, options: Record<string, unknown> = {}) {
    servedFromMemory.add(options)
    return super.get(key, options)
  }

  override set(
    key: string | number,
    points: number,
    secDuration: number,
    options: Record<string, unknown> = {},
  ) {
    servedFromMemory.add(options)
    return super.set(key, points, secDuration, options)
  }
}

const hostOf = (url: string): string => {
  try {
    return new URL(url).host
  } catch {
    return 'the configured address'
  }
}

const safely = (callback: () => void): void => {
  try {
    callback()
  } catch (e) {
    process.emitWarning(e instanceof Error ? e : new Error(String(e)))
  }
}

/**
 * Counters in Redis, shared by every instance that uses the same Redis and key prefix, so a
 * limit holds across instances. While Redis does not answer (down at startup, connection lost,
 * command timed out) each limiter falls back to a per-instance memory limiter at the same rule:
 * never to no limit. Startup does not fail when Redis is down; the store goes on with the
 * fallback and switches back by itself when Redis answers.
 */
export const createRedisLimiterStore = async (
  url: string,
  opts: RedisLimiterStoreOptions,
): Promise<LimiterStore> => {
  const client = new Redis(url, {
    keyPrefix: opts.keyPrefix ?? 'gatehouse:',
    connectionName: opts.connectionName ?? 'gatehouse-limiter',
    // A limiter check must answer now or fall back, never wait in a queue for a reconnect.
    enableOfflineQueue: false,
    connectTimeout: 1500,
    commandTimeout: 1000,
    maxRetriesPerRequest: 1,
    // The guard reads and writes several counters per request at once: commands issued in the same
    // tick go to Redis as one pipeline (one round trip) instead of one each.
    enableAutoPipelining: true,
  })

  let closed = false
  let down = false
  let lastError: Error | undefined
  const fellBack = (error: Error): void => {
    if (closed || down) return
    down = true
    safely(() => opts.onFallback(error))
  }
  const answered = (): void => {
    if (closed || !down) return
    down = false
    if (opts.onRecovered) safely(opts.onRecovered)
  }
  const outage = (): Error =>
    lastError ?? new Error(`Redis at ${hostOf(url)} did not answer; limits count per instance`)

  // Without a listener ioredis prints every connection error; the state machine reports them instead.
  client.on('error', (e: Error) => {
    lastError = e
  })
  client.on('close', () => {
    lastError ??= new Error(`The connection to Redis at ${hostOf(url)} closed`)
  })
  client.on('ready', () => {
    lastError = undefined
    answered()
  })

  const startupTimeoutMs = opts.startupTimeoutMs ?? 3000
  const ready = await new Promise<boolean>((resolve) => {
    if (client.status === 'ready') return resolve(true)
    const onReady = (): void => {
      clearTimeout(timer)
      resolve(true)
    }
    const timer = setTimeout(() => {
      client.off('ready', onReady)
      resolve(false)
    }, startupTimeoutMs)
    client.once('ready', onReady)
  })
  if (!ready) {
    fellBack(
      lastError ??
        new Error(`Redis at ${hostOf(url)} was not ready within ${startupTimeoutMs} ms of startup`),
    )
  }

  client.defineCommand('gatehouseAddMany', { lua: ADD_MANY })
  client.defineCommand('gatehouseGetMany', { lua: GET_MANY })
  const scripts = client as unknown as BatchScripts

  /** Runs a batch on Redis, or (while Redis does not answer) on the memory insurance, noting which. */
  const batch = async <T>(viaRedis: () => Promise<T>, viaMemory: () => Promise<T>): Promise<T> => {
    if (client.status === 'ready') {
      try {
        const result = await viaRedis()
        answered()
        return result
      } catch (e) {
        if (e instanceof Error) lastError ??= e
      }
    }
    fellBack(outage())
    return viaMemory()
  }

  /** Runs one operation and notes whether Redis or the memory insurance answered it. */
  const observed = async <T>(run: (options: Record<string, unknown>) => Promise<T>): Promise<T> => {
    const options: Record<string, unknown> = {}
    // A refusal (RateLimiterRes) is an answer too; any other failure tells nothing about Redis.
    let answer = true
    try {
      return await run(options)
    } catch (e) {
      answer = e instanceof RateLimiterRes
      throw e
    } finally {
      if (servedFromMemory.has(options)) fellBack(outage())
      else if (answer) answered()
    }
  }

  return {
    kind: 'redis',
    limiter: limiterRegistry((name, rule) => {
      const insurance = new InsuranceMemory({ keyPrefix: name, points: rule.points, duration: rule.seconds })
      const counters = new RateLimiterRedis({
        storeClient: client,
        keyPrefix: name,
        points: rule.points,
        duration: rule.seconds,
        // Go straight to the insurance while the connection is not ready.
        rejectIfRedisNotReady: true,
        insuranceLimiter: insurance,
      })
      return {
        consume: async (key, points = 1) => {
          checkPoints(points)
          return settle(
            observed((options): Promise<RateLimiterRes> => counters.consume(key, points, options)),
          )
        },
        reset: async (key) => {
          await observed((options) => counters.delete(key, options))
          // The insurance may hold a count from an outage; a reset forgets that one too.
          await insurance.delete(key)
        },
      }
    }),
    counters: countersRegistry((name, seconds) => {
      const prefix = `count:${name}`
      const insurance = new InsuranceMemory({
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
        insuranceLimiter: insurance,
      })
      const one = countersOver(counters, observed)
      const key = (k: string) => `${prefix}:${k}`
      return {
        ...one,
        addMany: async (keys) => {
          if (keys.length === 0) return []
          return batch(
            async () => (await scripts.gatehouseAddMany(keys.length, ...keys.map(key), seconds)).map(Number),
            () => Promise.all(keys.map(async (k) => (await insurance.consume(k, 1)).consumedPoints)),
          )
        },
        getMany: async (keys) => {
          if (keys.length === 0) return []
          return batch(
            async () => {
              const flat = await scripts.gatehouseGetMany(keys.length, ...keys.map(key))
              return keys.map((_, i) => reading(Number(flat[2 * i]), Number(flat[2 * i + 1])))
            },
            () =>
              Promise.all(
                keys.map(async (k) => {
                  const res = await insurance.get(k)
                  return reading(res?.consumedPoints ?? 0, res?.msBeforeNext ?? 0)
                }),
              ),
          )
        },
      }
    }),
    close: async () => {
      if (closed) return
      closed = true
      if (client.status === 'ready') {
        try {
          await client.quit()
          return
        } catch {
          // fall through: drop the connection
        }
      }
      client.disconnect()
    },
  }
}
