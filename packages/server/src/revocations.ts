import type { RedisLike, VerifierOptions } from './types.js'

/** Gatehouse's default Redis key prefix (GATEHOUSE_REDIS_PREFIX). */
export const DEFAULT_REDIS_PREFIX = 'gatehouse:'

/** The channel on which Gatehouse announces writes that may change a session or token check's answer. */
export const changesChannel = (prefix: string) => `${prefix}principal-changes`

const isRedisLike = (v: unknown): v is RedisLike =>
  typeof v === 'object' && v !== null && typeof (v as RedisLike).duplicate === 'function'

/** ioredis, loaded only when a Redis URL is given (it is an optional peer dependency). */
const connect = async (url: string): Promise<RedisLike> => {
  let mod: { Redis?: new (url: string, o: object) => RedisLike; default?: unknown }
  try {
    mod = (await import(/* @vite-ignore */ 'ioredis' as string)) as typeof mod
  } catch {
    throw new Error('@gatehouse/server: options.redis.url needs the ioredis package (npm install ioredis)')
  }
  const Redis = mod.Redis ?? (mod.default as new (url: string, o: object) => RedisLike)
  return new Redis(url, {
    connectTimeout: 1500,
    maxRetriesPerRequest: null,
    connectionName: 'gatehouse-server-sdk',
  })
}

export interface Subscription {
  /** Resolves once the subscription is in place (or failed: the TTL then bounds staleness). */
  readonly ready: Promise<boolean>
  close(): void
}

/**
 * Subscribes to Gatehouse's change channel and calls `onChange` on each message: a logout, a
 * revoked session or token, a changed role. A subscription on a client the caller passed uses a
 * duplicate of it (a subscribed connection can do nothing else), which is closed with the verifier.
 */
export const subscribeToChanges = (
  redis: NonNullable<VerifierOptions['redis']>,
  onChange: () => void,
  onError: (err: Error) => void,
): Subscription => {
  const prefix = (!isRedisLike(redis) && redis.prefix) || DEFAULT_REDIS_PREFIX
  const channel = changesChannel(prefix)
  let client: RedisLike | null = null
  let closed = false
  const start = async (): Promise<boolean> => {
    if (isRedisLike(redis)) client = redis.duplicate()
    else if ('client' in redis) client = redis.client.duplicate()
    else client = await connect(redis.url)
    if (closed) {
      client.disconnect()
      return false
    }
    client.on('error', onError)
    client.on('message', (from, _message) => {
      if (from === channel) onChange()
    })
    // Messages sent while the connection was down are lost: a reconnect forgets everything cached.
    client.on('ready', onChange)
    await client.subscribe(channel)
    return true
  }
  const ready = start().catch((err: Error) => {
    onError(err)
    return false
  })
  return {
    ready,
    close: () => {
      closed = true
      client?.disconnect()
    },
  }
}
