import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Reply, request, sourceAgent } from '../../bench/lib/http.js'
import { type MixServer, seedMix, startMixServer } from '../../bench/lib/mix-server.js'
import { type Sink, startFastSmtpSink } from '../../bench/lib/smtp-sink.js'
import { createRedisLimiterStore } from '../../src/adapters/limits/redis.js'
import type { LimiterStore } from '../../src/modules/guard/ports.js'
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js'

/*
 * Two instances on one PostgreSQL database and one Redis: what one instance's detectors learn,
 * the other acts on — marks, blocks, brute-force delays, lifts — and a detection both instances
 * see is one record.
 */

const redisUrl = process.env.TEST_REDIS_URL
const pgUrl = process.env.TEST_DATABASE_URL
if (!redisUrl || !pgUrl) {
  console.warn(
    '\n*** TEST_DATABASE_URL or TEST_REDIS_URL is not set: the two-instance guard suite is SKIPPED ***\n',
  )
}

const codeOf = (r: Reply): string => {
  try {
    return (JSON.parse(r.body) as { code?: string }).code ?? String(r.status)
  } catch {
    return String(r.status)
  }
}

describe.skipIf(!redisUrl || !pgUrl)('the guard across two instances (PostgreSQL + Redis)', () => {
  let db: TestDatabase
  let sink: Sink
  const limiters: LimiterStore[] = []
  let a: MixServer
  let b: MixServer
  let victim: { username: string; password: string }

  beforeAll(async () => {
    db = await createTestDatabase('postgres')
    sink = await startFastSmtpSink()
    const prefix = `gatehouse-test:${randomUUID().slice(0, 8)}:`
    const start = async () => {
      const limiter = await createRedisLimiterStore(redisUrl!, { keyPrefix: prefix, onFallback: () => {} })
      limiters.push(limiter)
      return startMixServer({
        dataDir: db.dataDir,
        database: await db.open(),
        databaseUrl: db.databaseUrl,
        limiter,
        sink,
        env: { GATEHOUSE_POW_DIFFICULTY: '8', GATEHOUSE_GUARD_ENUMERATION_BLOCK: '8' },
      })
    }
    a = await start()
    b = await start()
    const plan = await seedMix(a, { regulars: 1, travellers: 0, newcomers: 0, flood: 0, victims: 1 })
    victim = plan.stuffingVictims[0]!
  }, 60_000)

  afterAll(async () => {
    await a?.close()
    await b?.close()
    for (const l of limiters) await l.close()
    await sink?.close()
    await db?.drop()
  })

  const send = (
    server: MixServer,
    ip: string,
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    const agent = sourceAgent(ip, 500)
    return request(server.target, { method: 'POST', path, body, agent, localAddress: ip, headers }).finally(
      () => agent.destroy(),
    )
  }

  it('challenges on one instance a source that failed on identifiers at both', async () => {
    const ip = '127.120.1.1'
    for (let i = 0; i < 5; i++) {
      const r = await send(i % 2 ? a : b, ip, '/v1/sessions', {
        identifier: `gone${i}`,
        password: 'wrong wrong wrong',
      })
      expect(r.status).toBe(401)
    }
    expect(
      codeOf(await send(a, ip, '/v1/sessions', { identifier: 'gone-a', password: 'x wrong wrong' })),
    ).toBe('challenge_required')
    expect(
      codeOf(await send(b, ip, '/v1/sessions', { identifier: 'gone-b', password: 'x wrong wrong' })),
    ).toBe('challenge_required')
    await Promise.all([a.app.guard.flush(), b.app.guard.flush()])
    const records = (await a.app.detections.list({ kind: 'credential_stuffing' }, 50)).filter(
      (d) => d.key === `ip:${ip}`,
    )
    // Both instances saw it; there is one open record.
    expect(records).toHaveLength(1)
  })

  it('blocks on both instances, and a lift on one frees the source on the other', async () => {
    const ip = '127.121.1.1'
    for (let i = 0; i < 8; i++) {
      await send(i % 2 ? a : b, ip, '/v1/recovery', { identifier: `sweep${i}@example.net` })
    }
    const onA = await send(a, ip, '/v1/recovery', { identifier: 'more@example.net' })
    const onB = await send(b, ip, '/v1/recovery', { identifier: 'more@example.net' })
    for (const r of [onA, onB]) expect(codeOf(r)).toBe('rate_limited')
    const blocked = (await b.app.detections.list({ kind: 'enumeration', status: 'open' }, 50)).find(
      (d) => d.key === `ip:${ip}` && d.action === 'block',
    )
    expect(blocked).toBeDefined()
    await a.app.guard.lift(blocked!)
    expect((await send(b, ip, '/v1/recovery', { identifier: 'after@example.net' })).status).toBe(202)
  })

  it('makes a source wait on one instance after failing on the other (brute force), but not the owner', async () => {
    const home = '127.123.0.1'
    const owner = { identifier: victim.username, password: victim.password }
    const first = await send(a, home, '/v1/sessions', owner)
    expect(first.status).toBe(201)
    const device = { 'x-gatehouse-device': (JSON.parse(first.body) as { device_token: string }).device_token }
    for (let i = 0; i < 5; i++) {
      const r = await send(i % 2 ? a : b, `127.122.${i}.1`, '/v1/sessions', {
        identifier: victim.username,
        password: `guess ${i}`,
      })
      expect(r.status).toBe(401)
    }
    // The 5th failure came from 127.122.4.1 through instance b (i = 4); instance a makes it wait.
    const again = await send(a, '127.122.4.1', '/v1/sessions', {
      identifier: victim.username,
      password: 'guess again',
    })
    expect(codeOf(again)).toBe('rate_limited')
    // The owner's address is known on every instance: no wait for the owner.
    expect((await send(b, home, '/v1/sessions', owner, device)).status).toBe(201)
  })
})
