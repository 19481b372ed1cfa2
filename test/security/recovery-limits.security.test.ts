/**
 * Invariant: recovery is limited per source, per network and globally, and the
 * refusal (429 with Retry-After) is the same whether or not the account exists;
 * with Redis the limits are shared and survive Redis going away.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMemoryLimiterStore } from '../../src/adapters/limits/memory.js'
import { createRedisLimiterStore } from '../../src/adapters/limits/redis.js'
import type { LimiterStore } from '../../src/modules/guard/ports.js'
import { call, createTestServer, signUpAndLogin, type TestServer } from '../helpers/server.js'

const redisUrl = process.env.TEST_REDIS_URL
if (!redisUrl) console.warn('\n*** TEST_REDIS_URL is not set: recovery limits with Redis are SKIPPED ***\n')

type StoreKind = 'memory' | 'redis'
const storeKinds: StoreKind[] = redisUrl ? ['memory', 'redis'] : ['memory']

const strip = (res: { status: number; headers: Record<string, unknown>; body: string }) => {
  const { 'x-request-id': _i, date: _d, ...headers } = res.headers
  return { status: res.status, headers, body: res.body.replace(/"request_id":"[^"]+"/, '') }
}

describe.each(storeKinds)('recovery source limits with the %s store', (storeKind) => {
  let server: TestServer
  let store: LimiterStore
  let known: string
  beforeAll(async () => {
    const prefix = `gh-test-${process.pid}-${Date.now()}:`
    store =
      storeKind === 'redis'
        ? await createRedisLimiterStore(redisUrl!, { onFallback: () => {}, keyPrefix: prefix })
        : createMemoryLimiterStore()
    server = await createTestServer(
      'sqlite',
      {
        GATEHOUSE_RECOVERY_LIMIT_IP: '5/3600',
        GATEHOUSE_RECOVERY_LIMIT_SUBNET: '12/3600',
        GATEHOUSE_RECOVERY_LIMIT_GLOBAL: '30/60',
        GATEHOUSE_RECOVERY_COMPLETE_LIMIT_IP: '10/600',
      },
      { limiter: store },
    )
    known = (await signUpAndLogin(server)).user.username
  })
  afterAll(async () => {
    await server?.close()
    await store?.close()
  })

  it('refuses the sixth request from one address with the same 429 for existing and missing accounts', async () => {
    for (let i = 0; i < 5; i++) {
      expect(
        (await call(server, 'POST', '/v1/recovery', { body: { identifier: `x${i}` }, ip: '198.51.100.7' }))
          .status,
      ).toBe(202)
    }
    const a = await call(server, 'POST', '/v1/recovery', { body: { identifier: known }, ip: '198.51.100.7' })
    const b = await call(server, 'POST', '/v1/recovery', {
      body: { identifier: 'nobody_here' },
      ip: '198.51.100.7',
    })
    expect(a.status).toBe(429)
    expect(a.json.code).toBe('rate_limited')
    expect(Number(a.headers['retry-after'])).toBeGreaterThan(3000)
    expect(strip(a).body).toBe(strip(b).body)
    expect(a.headers['retry-after']).toBeDefined()
    // Forwarding headers from the caller do not reset the count.
    const spoofed = await call(server, 'POST', '/v1/recovery', {
      body: { identifier: known },
      ip: '198.51.100.7',
      headers: { 'x-forwarded-for': '203.0.113.1' },
    })
    expect(spoofed.status).toBe(429)
  })

  it('limits a /24 network as a whole, and then the global budget', async () => {
    let accepted = 0
    for (let i = 1; i <= 20; i++) {
      const res = await call(server, 'POST', '/v1/recovery', {
        body: { identifier: known },
        ip: `192.0.2.${i}`,
      })
      if (res.status === 202) accepted++
      else expect(res.status).toBe(429)
    }
    expect(accepted).toBe(12)
    let globalAccepted = 0
    for (let n = 0; n < 40; n++) {
      const res = await call(server, 'POST', '/v1/recovery', {
        body: { identifier: known },
        ip: `10.${n}.0.1`,
      })
      if (res.status === 202) globalAccepted++
    }
    // 5 + 12 used earlier in this minute from other sources; the global budget is 30.
    expect(globalAccepted).toBe(30 - 5 - 12)
  })

  it('throttles token guessing on completion', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 15; i++) {
      const token = Buffer.alloc(32, i).toString('base64url')
      statuses.push(
        (
          await call(server, 'POST', '/v1/recovery/complete', {
            body: { token, password: 'x' },
            ip: '203.0.113.50',
          })
        ).status,
      )
    }
    expect(statuses.slice(0, 10).every((s) => s === 400)).toBe(true)
    expect(statuses.slice(10).every((s) => s === 429)).toBe(true)
  })
})

describe.runIf(redisUrl)('recovery limits shared through Redis', () => {
  it('holds one count across two instances, and falls back to memory limits when Redis is unreachable', async () => {
    const prefix = `gh-test-shared-${process.pid}-${Date.now()}:`
    const fallbacks: string[] = []
    const s1 = await createRedisLimiterStore(redisUrl!, {
      onFallback: (e) => fallbacks.push(e.message),
      keyPrefix: prefix,
    })
    const s2 = await createRedisLimiterStore(redisUrl!, {
      onFallback: (e) => fallbacks.push(e.message),
      keyPrefix: prefix,
    })
    const env = { GATEHOUSE_RECOVERY_LIMIT_IP: '4/3600' }
    const a = await createTestServer('sqlite', env, { limiter: s1 })
    const b = await createTestServer('sqlite', env, { limiter: s2 })
    const down = await createRedisLimiterStore('redis://127.0.0.1:6390', {
      onFallback: (e) => fallbacks.push(e.message),
    })
    const c = await createTestServer('sqlite', env, { limiter: down })
    try {
      const statuses: number[] = []
      for (let i = 0; i < 6; i++) {
        const server = i % 2 ? b : a
        statuses.push(
          (
            await call(server, 'POST', '/v1/recovery', {
              body: { identifier: 'someone' },
              ip: '198.51.100.99',
            })
          ).status,
        )
      }
      expect(statuses).toEqual([202, 202, 202, 202, 429, 429])
      const offline: number[] = []
      for (let i = 0; i < 6; i++) {
        offline.push(
          (await call(c, 'POST', '/v1/recovery', { body: { identifier: 'someone' }, ip: '198.51.100.98' }))
            .status,
        )
      }
      expect(offline).toEqual([202, 202, 202, 202, 429, 429])
      expect(fallbacks.length).toBeGreaterThan(0)
    } finally {
      await Promise.all([a.close(), b.close(), c.close()])
      await Promise.all([s1.close(), s2.close(), down.close()])
    }
  })
})
