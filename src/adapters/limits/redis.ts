import { Redis } from 'ioredis'
import { withDeadline } from '../../kernel/outages.js'
import type { LimiterStore } from '../../modules/guard/ports.js'
import { countersRegistry, limiterRegistry } from './memory.js'
import { startBreaker } from './redis-breaker.js'
import { defineBatchScripts, redisCounters, redisLimiter } from './redis-counters.js'

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

/**
 * Counters in Redis, shared by every instance that uses the same Redis and key prefix, so a
 * limit holds across instances. Every write is also counted in a per-instance memory limiter at the
 * same rule; a call that fails or runs past its deadline (`timeoutMs`) is answered from there, with
 * what this instance counted before: never by no limit, never from zero.
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

  const breaker = await startBreaker(client, url, {
    timeoutMs,
    timeoutsToOpen: opts.timeoutsToOpen ?? 3,
    probeIntervalMs: opts.probeIntervalMs ?? 1000,
    startupTimeoutMs: opts.startupTimeoutMs ?? 3000,
    onFallback: opts.onFallback,
    onRecovered: opts.onRecovered,
  })
  const scripts = defineBatchScripts(client)

  let closed = false
  return {
    kind: 'redis',
    limiter: limiterRegistry(redisLimiter(client, breaker.guarded)),
    counters: countersRegistry(redisCounters(client, scripts, breaker.guarded)),
    close: async () => {
      if (closed) return
      closed = true
      breaker.stop()
      if (client.status === 'ready' && !breaker.isOpen()) {
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
