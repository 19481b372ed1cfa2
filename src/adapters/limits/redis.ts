import { Redis } from 'ioredis'
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible'
import { DeadlineExceeded, withDeadline } from '../../kernel/outages.js'
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
  /** Deadline of one call to Redis, after which it is answered from memory; default 100 ms. */
  timeoutMs?: number
  /** Timeouts in a row that open the circuit breaker; default 3. */
  timeoutsToOpen?: number
  /** While the breaker is open, how often a probe (PING) checks whether Redis answers; default 1000 ms. */
  probeIntervalMs?: number
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
 * limit holds across instances. Every call has a deadline (`timeoutMs`); a call that fails or runs
 * past it is answered by a per-instance memory limiter at the same rule: never by no limit.
 *
 * A circuit breaker stands in front of Redis. It opens at once when the connection is down, and
 * after `timeoutsToOpen` timeouts in a row when Redis is connected but does not answer (a hung
 * server keeps its socket open). While open, every call goes straight to memory, without waiting;
 * a probe (PING, within the same deadline) runs every `probeIntervalMs`, and a new connection or a
 * probe that answers closes it. So a hung Redis costs a request at most `timeoutsToOpen` ×
 * `timeoutMs` (300 ms by default), and later requests nothing. Each change of state is reported
 * once (onFallback, onRecovered). Startup does not fail when Redis is down.
 */
export const createRedisLimiterStore = async (
  url: string,
  opts: RedisLimiterStoreOptions,
): Promise<LimiterStore> => {
  const timeoutMs = opts.timeoutMs ?? 100
  const timeoutsToOpen = opts.timeoutsToOpen ?? 3
  const probeIntervalMs = opts.probeIntervalMs ?? 1000
  const client = new Redis(url, {
    keyPrefix: opts.keyPrefix ?? 'gatehouse:',
    connectionName: opts.connectionName ?? 'gatehouse-limiter',
    // A limiter check must answer now or fall back, never wait in a queue for a reconnect.
    enableOfflineQueue: false,
    connectTimeout: 1500,
    // A backstop only (the store's own deadline answers first): commands a hung server never
    // answers are dropped from the client's queue.
    commandTimeout: Math.max(1000, timeoutMs * 10),
    // Calls in flight when the connection drops are sent again after the reconnect (ioredis's
    // default; without it an auto-pipeline in flight never settles): such a call, answered from
    // memory meanwhile, is then counted in Redis too. Limits err on the strict side.
    maxRetriesPerRequest: 1,
    // The guard reads and writes several counters per request at once: commands issued in the same
    // tick go to Redis as one pipeline (one round trip) instead of one each.
    enableAutoPipelining: true,
  })

  let closed = false
  let open = false
  let timeouts = 0
  let probing = false
  let lastError: Error | undefined
  /** Past the wait for the first connection (whose failed attempts are reported once, below). */
  let started = false

  let prober: NodeJS.Timeout | undefined
  const openBreaker = (error: Error): void => {
    timeouts = 0
    if (closed || open) return
    open = true
    // Probes run on a timer, so that the breaker closes even when no call comes.
    prober = setInterval(() => {
      if (!probing && client.status === 'ready') probe()
    }, probeIntervalMs)
    prober.unref()
    safely(() => opts.onFallback(error))
  }
  const closeBreaker = (): void => {
    timeouts = 0
    if (closed || !open) return
    open = false
    clearInterval(prober)
    if (opts.onRecovered) safely(opts.onRecovered)
  }
  const probe = (): void => {
    probing = true
    withDeadline(client.ping(), timeoutMs, 'redis', 'a probe').then(
      () => {
        probing = false
        closeBreaker()
      },
      (e: unknown) => {
        probing = false
        lastError = e instanceof Error ? e : new Error(String(e))
      },
    )
  }

  // Without a listener ioredis prints every connection error; the breaker reports them instead.
  client.on('error', (e: Error) => {
    lastError = e
  })
  // A lost connection is an outage at once (calls would only wait for their deadline).
  client.on('close', () => {
    lastError ??= new Error(`The connection to Redis at ${hostOf(url)} closed`)
    if (started) openBreaker(lastError)
  })
  client.on('ready', () => {
    lastError = undefined
    closeBreaker()
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
  started = true
  if (!ready) {
    openBreaker(
      lastError ??
        new Error(`Redis at ${hostOf(url)} was not ready within ${startupTimeoutMs} ms of startup`),
    )
  }

  client.defineCommand('gatehouseAddMany', { lua: ADD_MANY })
  client.defineCommand('gatehouseGetMany', { lua: GET_MANY })
  const scripts = client as unknown as BatchScripts

  /**
   * Runs `redis` within the deadline, or `memory` when the breaker is open or Redis failed. A
   * refusal (RateLimiterRes) is an answer, passed on as it is.
   */
  const guarded = async <T>(redis: () => Promise<T>, memory: () => Promise<T>): Promise<T> => {
    if (open) return memory()
    let answer: T
    try {
      answer = await withDeadline(redis(), timeoutMs, 'redis', 'a limiter call')
    } catch (e) {
      if (e instanceof RateLimiterRes) {
        timeouts = 0
        throw e
      }
      const error = e instanceof Error ? e : new Error(String(e))
      lastError = error
      // A timeout may be a slow moment; a refused or lost connection is an outage at once.
      if (!(e instanceof DeadlineExceeded) || ++timeouts >= timeoutsToOpen) openBreaker(error)
      return memory()
    }
    timeouts = 0
    return answer
  }

  return {
    kind: 'redis',
    limiter: limiterRegistry((name, rule) => {
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
          return settle(
            guarded(
              () => counters.consume(key, points),
              () => memory.consume(key, points),
            ),
          )
        },
        reset: async (key) => {
          await guarded(
            () => counters.delete(key),
            () => memory.delete(key),
          )
          // Memory may hold a count from an outage; a reset forgets that one too.
          await memory.delete(key)
        },
      }
    }),
    counters: countersRegistry((name, seconds) => {
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
        consume: (key, points) =>
          guarded(
            () => counters.consume(key, points),
            () => memory.consume(key, points),
          ),
        get: (key) =>
          guarded(
            () => counters.get(key),
            () => memory.get(key),
          ),
        set: (key, points, life) =>
          guarded(
            () => counters.set(key, points, life),
            () => memory.set(key, points, memorySeconds(life)),
          ),
        delete: (key) =>
          guarded(
            () => counters.delete(key),
            () => memory.delete(key),
          ),
      })
      const key = (k: string) => `${prefix}:${k}`
      return {
        ...one,
        addMany: async (keys) => {
          if (keys.length === 0) return []
          return guarded(
            async () => (await scripts.gatehouseAddMany(keys.length, ...keys.map(key), seconds)).map(Number),
            () => Promise.all(keys.map(async (k) => (await memory.consume(k, 1)).consumedPoints)),
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
    }),
    close: async () => {
      if (closed) return
      closed = true
      clearInterval(prober)
      if (client.status === 'ready' && !open) {
        try {
          // A hung server never answers QUIT: the connection is dropped after the deadline.
          await withDeadline(client.quit(), 500, 'redis', 'QUIT')
          return
        } catch {
          // fall through: drop the connection
        }
      }
      client.disconnect()
    },
  }
}
