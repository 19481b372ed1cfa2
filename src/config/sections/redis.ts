import { z } from 'zod'
import type { RedisLimiterStoreOptions } from '../../adapters/limits/redis.js'
import { format, int, optional, type Setting, section, url, type Values } from '../kinds.js'

const rows = {
  redisUrl: {
    env: 'REDIS_URL',
    default: undefined,
    secret: true,
    doc: '`redis://host:port` shares limiter state between instances, and tells them of session revocations at once; unset keeps it in memory.',
    schema: optional(url(['redis:', 'rediss:'])),
  },
  redisPrefix: {
    env: 'GATEHOUSE_REDIS_PREFIX',
    default: 'gatehouse:',
    doc: 'Put before every key Gatehouse writes to Redis: deployments that share one Redis need different prefixes; the instances of one deployment, the same.',
    schema: format(z.string().max(64), 'must be at most 64 characters long'),
  },
  redisTimeoutMs: {
    env: 'GATEHOUSE_REDIS_TIMEOUT_MS',
    default: '100',
    doc: 'Deadline of one limiter call to Redis; past it the call is answered from the counts this instance keeps in memory beside Redis, at the same rule. Three timeouts in a row open the circuit breaker: every call goes to memory (no waiting) until a probe finds Redis answering again, so a hung Redis costs a request at most three times this (300 ms by default).',
    schema: int(10, 5000),
  },
} as const satisfies Record<string, Setting>

export interface RedisSettings {
  /** Unset: limits count in memory and session changes are not broadcast. */
  url: string | undefined
  /** What the Redis limiter store takes besides its callbacks. */
  limiter: Required<Pick<RedisLimiterStoreOptions, 'keyPrefix' | 'timeoutMs'>>
  /** Put before the broadcast channel of session changes. */
  prefix: string
}

export const redis = section(
  'Redis',
  rows,
  (v: Values<typeof rows>): RedisSettings => ({
    url: v.redisUrl,
    limiter: { keyPrefix: v.redisPrefix, timeoutMs: v.redisTimeoutMs },
    prefix: v.redisPrefix,
  }),
)
