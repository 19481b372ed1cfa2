import { randomUUID } from 'node:crypto'
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createMemoryLimiterStore } from '../../src/adapters/limits/memory.js'
import { createRedisLimiterStore, type RedisLimiterStoreOptions } from '../../src/adapters/limits/redis.js'
import type { LimiterStore, LimitResult, RateLimiter } from '../../src/modules/guard/ports.js'

/*
 * One contract, every limiter store: the memory store always, the Redis store when
 * TEST_REDIS_URL is set (CI sets it). Every key this run writes to Redis starts with a prefix
 * unique to the run, so parallel runs do not see each other's counts.
 */

const redisUrl = process.env.TEST_REDIS_URL
if (!redisUrl) console.warn('\n*** TEST_REDIS_URL is not set: Redis limiter suites are SKIPPED ***\n')

const runPrefix = `gatehouse-test:${randomUUID().slice(0, 8)}:`

interface Opened {
  store: LimiterStore
  fallbacks: Error[]
}

const redisStore = async (
  url: string,
  extra: Partial<RedisLimiterStoreOptions> = {},
): Promise<Opened & { recoveries: () => number }> => {
  const fallbacks: Error[] = []
  let recoveries = 0
  const store = await createRedisLimiterStore(url, {
    keyPrefix: runPrefix,
    onFallback: (e) => fallbacks.push(e),
    onRecovered: () => {
      recoveries++
    },
    ...extra,
  })
  return { store, fallbacks, recoveries: () => recoveries }
}

const kinds: Array<{ kind: LimiterStore['kind']; open: () => Promise<Opened> }> = [
  { kind: 'memory', open: async () => ({ store: createMemoryLimiterStore(), fallbacks: [] }) },
  ...(redisUrl ? [{ kind: 'redis' as const, open: () => redisStore(redisUrl) }] : []),
]

let counter = 0
/** A limiter name no other test (in this run or another) uses. */
const fresh = (what: string): string => `${what}-${++counter}`

const consumeTimes = async (limiter: RateLimiter, key: string, times: number): Promise<LimitResult[]> => {
  const results: LimitResult[] = []
  for (let i = 0; i < times; i++) results.push(await limiter.consume(key))
  return results
}

const allowed = (r: LimitResult): boolean => r.allowed

/** A raw connection to the test Redis, to look at what the stores wrote; closed after the suites. */
let raw: Redis | undefined
const rawRedis = (): Redis => {
  raw ??= new Redis(redisUrl!, { lazyConnect: false })
  return raw
}

afterAll(async () => {
  if (!raw) return
  // Tidy up this run's keys (they expire anyway).
  const keys = await raw.keys(`${runPrefix}*`)
  if (keys.length > 0) await raw.del(...keys)
  await raw.quit()
})

describe.each(kinds)('limiter store contract: $kind', ({ kind, open }) => {
  let opened: Opened

  beforeEach(async () => {
    opened = await open()
  })

  afterEach(async () => {
    await opened.store.close()
    // The Redis store under test must have used Redis, not its memory fallback.
    expect(opened.fallbacks).toEqual([])
  })

  it('reports its kind', () => {
    expect(opened.store.kind).toBe(kind)
  })

  it('allows N points, then refuses with a retry-after within the window', async () => {
    const limiter = opened.store.limiter(fresh('n'), { points: 3, seconds: 60 })
    const results = await consumeTimes(limiter, 'k', 5)
    expect(results.slice(0, 3)).toEqual([
      { allowed: true, remaining: 2 },
      { allowed: true, remaining: 1 },
      { allowed: true, remaining: 0 },
    ])
    for (const r of results.slice(3)) {
      expect(r.allowed).toBe(false)
      if (r.allowed) continue
      expect(Number.isInteger(r.retryAfterSeconds)).toBe(true)
      expect(r.retryAfterSeconds).toBeGreaterThanOrEqual(59)
      expect(r.retryAfterSeconds).toBeLessThanOrEqual(60)
    }
  })

  it('consumes several points at once', async () => {
    const limiter = opened.store.limiter(fresh('multi'), { points: 5, seconds: 60 })
    expect(await limiter.consume('k', 4)).toEqual({ allowed: true, remaining: 1 })
    expect((await limiter.consume('k', 2)).allowed).toBe(false)
  })

  it('keeps separate keys independent', async () => {
    const limiter = opened.store.limiter(fresh('keys'), { points: 2, seconds: 60 })
    expect((await consumeTimes(limiter, 'a', 3)).map(allowed)).toEqual([true, true, false])
    expect((await consumeTimes(limiter, 'b', 3)).map(allowed)).toEqual([true, true, false])
    // Keys are free strings: an IPv6 network with colons is a key like any other.
    expect((await consumeTimes(limiter, '2001:db8:0:1::/64', 2)).map(allowed)).toEqual([true, true])
  })

  it('keeps separate limiter names independent', async () => {
    const one = opened.store.limiter(fresh('name'), { points: 1, seconds: 60 })
    const two = opened.store.limiter(fresh('name'), { points: 1, seconds: 60 })
    expect((await one.consume('k')).allowed).toBe(true)
    expect((await one.consume('k')).allowed).toBe(false)
    expect((await two.consume('k')).allowed).toBe(true)
  })

  it('returns the same counters when a name is asked for again, and refuses another rule for it', async () => {
    const name = fresh('same')
    const first = opened.store.limiter(name, { points: 2, seconds: 60 })
    const again = opened.store.limiter(name, { points: 2, seconds: 60 })
    await first.consume('k')
    await again.consume('k')
    expect((await first.consume('k')).allowed).toBe(false)
    expect(() => opened.store.limiter(name, { points: 3, seconds: 60 })).toThrow(/exists/)
  })

  it('rejects rules and point counts that are not whole positive numbers', async () => {
    expect(() => opened.store.limiter(fresh('bad'), { points: 0, seconds: 60 })).toThrow(RangeError)
    expect(() => opened.store.limiter(fresh('bad'), { points: 1, seconds: 0.5 })).toThrow(RangeError)
    expect(() => opened.store.limiter('', { points: 1, seconds: 1 })).toThrow(TypeError)
    const limiter = opened.store.limiter(fresh('pts'), { points: 5, seconds: 60 })
    await expect(limiter.consume('k', 0)).rejects.toThrow(RangeError)
    await expect(limiter.consume('k', 1.5)).rejects.toThrow(RangeError)
  })

  it('reset forgets a key, and only that key', async () => {
    const limiter = opened.store.limiter(fresh('reset'), { points: 2, seconds: 60 })
    await consumeTimes(limiter, 'a', 3)
    await consumeTimes(limiter, 'b', 3)
    await limiter.reset('a')
    expect(await limiter.consume('a')).toEqual({ allowed: true, remaining: 1 })
    expect((await limiter.consume('b')).allowed).toBe(false)
    await limiter.reset('never-used')
  })

  it('opens again when the window ends', async () => {
    const limiter = opened.store.limiter(fresh('window'), { points: 2, seconds: 1 })
    expect((await consumeTimes(limiter, 'k', 3)).map(allowed)).toEqual([true, true, false])
    const refused = await limiter.consume('k')
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: 1 })
    await sleep(1_300)
    expect(await limiter.consume('k')).toEqual({ allowed: true, remaining: 1 })
  })
  it('counters add, read, set with a life of their own, and delete', async () => {
    const counters = opened.store.counters(fresh('count'), 60)
    expect(await counters.get('k')).toEqual({ count: 0, msLeft: 0 })
    expect(await counters.add('k')).toBe(1)
    expect(await counters.add('k', 4)).toBe(5)
    const read = await counters.get('k')
    expect(read.count).toBe(5)
    expect(read.msLeft).toBeGreaterThan(55_000)
    expect(read.msLeft).toBeLessThanOrEqual(60_000)
    // Counters never refuse: far past any limiter's points.
    expect(await counters.add('k', 1_000_000)).toBe(1_000_005)
    await counters.set('mark', 3, 5)
    const mark = await counters.get('mark')
    expect(mark.count).toBe(3)
    expect(mark.msLeft).toBeLessThanOrEqual(5_000)
    await counters.delete('k')
    expect((await counters.get('k')).count).toBe(0)
    expect((await counters.get('mark')).count).toBe(3)
    await expect(counters.add('k', 0)).rejects.toThrow(RangeError)
    await expect(counters.set('k', 1, 0)).rejects.toThrow(RangeError)
    expect(() => opened.store.counters(fresh('zero'), 0)).toThrow(RangeError)
  })

  it('counters add and read several keys at once, alike with one key at a time', async () => {
    const counters = opened.store.counters(fresh('many'), 60)
    expect(await counters.addMany([])).toEqual([])
    expect(await counters.getMany([])).toEqual([])
    await counters.add('b', 4)
    expect(await counters.addMany(['a', 'b', 'c', 'a'])).toEqual([1, 5, 1, 2])
    const read = await counters.getMany(['a', 'b', 'nothing', 'c'])
    expect(read.map((r) => r.count)).toEqual([2, 5, 0, 1])
    expect(read[2]).toEqual({ count: 0, msLeft: 0 })
    for (const r of [read[0]!, read[1]!, read[3]!]) {
      expect(r.msLeft).toBeGreaterThan(55_000)
      expect(r.msLeft).toBeLessThanOrEqual(60_000)
    }
    // What a batch wrote reads one by one, and the other way round; a set key keeps its own life.
    const one = await counters.get('a')
    expect(one.count).toBe(2)
    expect(Math.abs(one.msLeft - read[0]!.msLeft)).toBeLessThan(1_000)
    await counters.set('mark', 3, 5)
    expect(await counters.add('mark')).toBe(4)
    const [mark] = await counters.getMany(['mark'])
    expect(mark!.count).toBe(4)
    expect(mark!.msLeft).toBeLessThanOrEqual(5_000)
    await counters.delete('b')
    expect((await counters.getMany(['b']))[0]).toEqual({ count: 0, msLeft: 0 })
  })

  it('counters added in a batch expire with their life', async () => {
    const counters = opened.store.counters(fresh('many-life'), 1)
    await counters.addMany(['x', 'y'])
    await sleep(1_300)
    expect((await counters.getMany(['x', 'y'])).map((r) => r.count)).toEqual([0, 0])
    expect(await counters.addMany(['x'])).toEqual([1])
  })

  it('counters expire with their life, and set keys with theirs', async () => {
    const counters = opened.store.counters(fresh('life'), 1)
    await counters.add('k', 2)
    await counters.set('long', 7, 5)
    await sleep(1_300)
    expect((await counters.get('k')).count).toBe(0)
    expect(await counters.add('k')).toBe(1)
    expect((await counters.get('long')).count).toBe(7)
  })
})

describe.skipIf(!redisUrl)('Redis limiter store: shared between instances', () => {
  it('counts once for every store on the same Redis (limits hold across instances)', async () => {
    const a = await redisStore(redisUrl!)
    const b = await redisStore(redisUrl!)
    try {
      const name = fresh('shared')
      const onA = a.store.limiter(name, { points: 3, seconds: 60 })
      const onB = b.store.limiter(name, { points: 3, seconds: 60 })
      expect(await onA.consume('k')).toEqual({ allowed: true, remaining: 2 })
      expect(await onB.consume('k')).toEqual({ allowed: true, remaining: 1 })
      expect(await onA.consume('k')).toEqual({ allowed: true, remaining: 0 })
      expect((await onB.consume('k')).allowed).toBe(false)
      expect((await onA.consume('other')).allowed).toBe(true)
      // A reset on one instance is seen by the other.
      await onB.reset('k')
      expect(await onA.consume('k')).toEqual({ allowed: true, remaining: 2 })
      // The count is in Redis, under the store's prefix, the limiter's name and the key.
      expect(await rawRedis().get(`${runPrefix}${name}:k`)).toBe('1')
      expect(await rawRedis().pttl(`${runPrefix}${name}:k`)).toBeGreaterThan(55_000)
      expect(a.fallbacks).toEqual([])
      expect(b.fallbacks).toEqual([])
    } finally {
      await Promise.all([a.store.close(), b.store.close()])
    }
  })

  it('keeps stores with different key prefixes apart', async () => {
    const a = await redisStore(redisUrl!)
    const b = await redisStore(redisUrl!, { keyPrefix: `${runPrefix}other:` })
    try {
      const name = fresh('prefix')
      expect((await a.store.limiter(name, { points: 1, seconds: 60 }).consume('k')).allowed).toBe(true)
      expect((await b.store.limiter(name, { points: 1, seconds: 60 }).consume('k')).allowed).toBe(true)
    } finally {
      await Promise.all([a.store.close(), b.store.close()])
    }
  })
})

/** A port on 127.0.0.1 where nothing listens (it was free a moment ago). */
const deadPort = async (): Promise<number> => {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

const waitFor = async (what: string, condition: () => boolean, ms = 10_000): Promise<void> => {
  const until = Date.now() + ms
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await sleep(25)
  }
}

describe('Redis limiter store: fallback when Redis is unreachable', () => {
  it('starts without Redis, reports the fallback once, and still enforces the limit in memory', async () => {
    const port = await deadPort()
    const started = Date.now()
    const { store, fallbacks, recoveries } = await redisStore(`redis://127.0.0.1:${port}`, {
      startupTimeoutMs: 800,
    })
    try {
      expect(Date.now() - started).toBeLessThan(3_000)
      expect(store.kind).toBe('redis')
      expect(fallbacks).toHaveLength(1)
      expect(fallbacks[0]).toBeInstanceOf(Error)
      expect(fallbacks[0]!.message).toMatch(/ECONNREFUSED|not ready|did not answer/)

      const limiter = store.limiter(fresh('down'), { points: 3, seconds: 60 })
      const results = await consumeTimes(limiter, 'k', 5)
      expect(results.map(allowed)).toEqual([true, true, true, false, false])
      const refused = results[4]!
      expect(refused.allowed === false && refused.retryAfterSeconds >= 59).toBe(true)
      // Other keys have their own (memory) counters.
      expect((await limiter.consume('other')).allowed).toBe(true)
      await limiter.reset('k')
      expect((await limiter.consume('k')).allowed).toBe(true)
      // Batches of counters count in memory too, never to nothing.
      const counters = store.counters(fresh('down-many'), 60)
      expect(await counters.addMany(['a', 'b', 'a'])).toEqual([1, 1, 2])
      expect((await counters.getMany(['a', 'b', 'c'])).map((r) => r.count)).toEqual([2, 1, 0])
      expect(await counters.get('a')).toMatchObject({ count: 2 })
      // One outage, one report, however many operations fell back.
      expect(fallbacks).toHaveLength(1)
      expect(recoveries()).toBe(0)
    } finally {
      await store.close()
    }
  })
})

/**
 * A TCP relay to the test Redis that a test can cut (closing every connection and the listening
 * socket, so reconnects are refused) and restore on the same port, or stall (Redis's answers held
 * back, the connections left open: a slow moment) and release.
 */
const startRelay = async (target: URL) => {
  const sockets = new Set<Socket>()
  const answers = new Map<Socket, Socket>()
  let stalled = false
  let server: Server | undefined
  let port = 0
  const listen = async (): Promise<void> => {
    const s = createServer((client) => {
      const upstream = tcpConnect(Number(target.port || 6379), target.hostname)
      for (const sock of [client, upstream]) {
        sockets.add(sock)
        sock.on('close', () => {
          sockets.delete(sock)
          answers.delete(upstream)
        })
        sock.on('error', () => {})
      }
      client.pipe(upstream)
      answers.set(upstream, client)
      if (!stalled) upstream.pipe(client)
    })
    await new Promise<void>((resolve) => s.listen(port, '127.0.0.1', resolve))
    port = (s.address() as { port: number }).port
    server = s
  }
  await listen()
  return {
    url: () => `redis://127.0.0.1:${port}`,
    cut: async (): Promise<void> => {
      const s = server
      server = undefined
      const closed = s ? new Promise<void>((resolve) => s.close(() => resolve())) : Promise.resolve()
      for (const sock of sockets) sock.destroy()
      await closed
    },
    restore: listen,
    stall: (): void => {
      stalled = true
      for (const [upstream, client] of answers) upstream.unpipe(client)
    },
    release: (): void => {
      stalled = false
      for (const [upstream, client] of answers) upstream.pipe(client)
    },
  }
}

describe.skipIf(!redisUrl)('Redis limiter store: connection lost mid-use', () => {
  it('keeps limiting in memory while Redis is cut off, then goes back to the shared counts', async () => {
    const relay = await startRelay(new URL(redisUrl!))
    const { store, fallbacks, recoveries } = await redisStore(relay.url())
    try {
      const name = fresh('cut')
      const limiter = store.limiter(name, { points: 3, seconds: 60 })
      expect((await consumeTimes(limiter, 'k', 2)).map(allowed)).toEqual([true, true])
      expect(await rawRedis().get(`${runPrefix}${name}:k`)).toBe('2')
      expect(fallbacks).toEqual([])

      await relay.cut()
      // The store notices the lost connection by itself, before any call (a call in flight at that
      // moment would be answered from memory and counted in Redis too once it is back).
      await waitFor('the store to notice the cut', () => fallbacks.length === 1)
      // Cut off: memory answers at the same rule from what this instance counted (2), so the key has
      // one left, as in Redis.
      const during = await consumeTimes(limiter, 'k', 5)
      expect(during.map(allowed)).toEqual([true, false, false, false, false])
      expect(fallbacks).toHaveLength(1)
      expect(recoveries()).toBe(0)
      // Nothing reached Redis meanwhile.
      expect(await rawRedis().get(`${runPrefix}${name}:k`)).toBe('2')

      await relay.restore()
      await waitFor('the store to reconnect', () => recoveries() === 1)
      // Back on the shared count: 2 were used before the cut, so one more is allowed.
      expect(await limiter.consume('k')).toEqual({ allowed: true, remaining: 0 })
      expect((await limiter.consume('k')).allowed).toBe(false)
      expect(await rawRedis().get(`${runPrefix}${name}:k`)).toBe('4')
      expect(fallbacks).toHaveLength(1)
      expect(recoveries()).toBe(1)

      // A second outage is reported again.
      await relay.cut()
      expect((await limiter.consume('fresh-key')).allowed).toBe(true)
      expect(fallbacks).toHaveLength(2)
    } finally {
      await store.close()
      await relay.cut()
    }
  })

  it('answers calls Redis is too slow for from what this instance counted, never from nothing', async () => {
    const relay = await startRelay(new URL(redisUrl!))
    const { store, fallbacks, recoveries } = await redisStore(relay.url(), { timeoutMs: 100 })
    try {
      const limiter = store.limiter(fresh('slow'), { points: 3, seconds: 60 })
      const marks = store.counters(fresh('slow-marks'), 60)
      const ids = store.counters(fresh('slow-ids'), 60)
      expect((await consumeTimes(limiter, 'k', 2)).map(allowed)).toEqual([true, true])
      await marks.set('ip:203.0.113.7', 2, 60)
      expect(await ids.addMany(['a', 'b', 'a'])).toEqual([1, 1, 2])
      expect(await ids.add('c')).toBe(1)
      await ids.delete('c')
      expect(fallbacks).toEqual([])

      // A slow moment: Redis's answers are held back past the deadline; the connection stays open.
      relay.stall()
      const started = Date.now()
      // Each call waits for its deadline and is answered by this instance's own counts.
      expect((await marks.get('ip:203.0.113.7')).count).toBe(2)
      expect((await ids.getMany(['a', 'b', 'c', 'd'])).map((r) => r.count)).toEqual([2, 1, 0, 0])
      expect(Date.now() - started).toBeGreaterThanOrEqual(200)
      expect(fallbacks).toEqual([])
      expect(await limiter.consume('k')).toEqual({ allowed: true, remaining: 0 })
      // Three timeouts in a row opened the breaker (reported once); memory goes on counting.
      expect(fallbacks).toHaveLength(1)
      expect((await limiter.consume('k')).allowed).toBe(false)
      expect(await ids.addMany(['b', 'd'])).toEqual([2, 1])
      await marks.set('ip:203.0.113.8', 1, 60)

      relay.release()
      await waitFor('the breaker to close', () => recoveries() === 1)
      // Back on Redis: the shared counts, with the calls that were held back counted when they landed.
      expect((await marks.get('ip:203.0.113.7')).count).toBe(2)
      expect((await ids.getMany(['a', 'b'])).map((r) => r.count)).toEqual([2, 1])
    } finally {
      relay.release()
      await store.close()
      await relay.cut()
    }
  })

  it('falls back when the server drops the connection (CLIENT KILL) without letting more through', async () => {
    const connectionName = `${runPrefix.replaceAll(':', '-')}kill`
    const { store, fallbacks, recoveries } = await redisStore(redisUrl!, { connectionName })
    try {
      const name = fresh('kill')
      const limiter = store.limiter(name, { points: 2, seconds: 60 })
      expect((await consumeTimes(limiter, 'k', 2)).map(allowed)).toEqual([true, true])
      // Kill only this store's connection (found by its name); ioredis reconnects by itself.
      const list = String(await rawRedis().call('CLIENT', 'LIST'))
      const id = list
        .split('\n')
        .find((line) => line.includes(` name=${connectionName} `))
        ?.match(/\bid=(\d+)/)?.[1]
      expect(id).toBeDefined()
      expect(await rawRedis().call('CLIENT', 'KILL', 'ID', id!)).toBe(1)
      // A call may land while the client reconnects (memory insurance, counting from zero at the
      // same rule) or after (Redis, where the key is used up): never more than the rule allows.
      const results = await consumeTimes(limiter, 'k', 6)
      expect(results.filter(allowed).length).toBeLessThanOrEqual(2)
      expect(fallbacks.length).toBeLessThanOrEqual(1)
      // Give the client time to reconnect (ioredis retries after 50 ms), and if the loss was
      // reported, wait for the recovery report.
      await sleep(500)
      if (fallbacks.length === 1) await waitFor('the store to reconnect', () => recoveries() === 1)
      // Reconnected: the shared count in Redis still refuses the key.
      expect((await limiter.consume('k')).allowed).toBe(false)
      expect(Number(await rawRedis().get(`${runPrefix}${name}:k`))).toBeGreaterThanOrEqual(3)
    } finally {
      await store.close()
    }
  })
})
