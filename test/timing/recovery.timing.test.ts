/**
 * Invariant: POST /v1/recovery takes the same time whether or not the account
 * exists — everything that depends on the account happens off the request path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { databaseKinds } from '../helpers/databases.js'
import { call, createTestServer, signUpAndLogin, type TestServer } from '../helpers/server.js'

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

// With the guard on as well: it counts what was typed before the answer and looks the account up
// only after the answer has gone out.
describe.each(databaseKinds().flatMap((kind) => [`${kind}`, `${kind} with the guard`]))(
  'recovery timing on %s',
  (name) => {
    let server: TestServer
    beforeAll(async () => {
      server = await createTestServer(name.startsWith('sqlite') ? 'sqlite' : 'postgres', {
        GATEHOUSE_RECOVERY_LIMIT_IP: '100000/3600',
        GATEHOUSE_RECOVERY_LIMIT_SUBNET: '100000/3600',
        GATEHOUSE_GUARD: String(name.endsWith('with the guard')),
      })
    })
    afterAll(async () => {
      await server?.close()
    })

    it('answers existing and missing identifiers with medians less than 2 ms apart (200 each, interleaved)', async () => {
      const { user } = await signUpAndLogin(server)
      const existing = [user.username, user.email]
      const missing = ['no_such_account_zz', 'missing.person@example.org']
      for (let i = 0; i < 40; i++) {
        await call(server, 'POST', '/v1/recovery', {
          body: { identifier: (i % 2 ? existing : missing)[i % 2]! },
        })
      }
      const times = { existing: [] as number[], missing: [] as number[] }
      for (let i = 0; i < 200; i++) {
        const order: ('existing' | 'missing')[] = i % 2 ? ['existing', 'missing'] : ['missing', 'existing']
        for (const kindOf of order) {
          const identifier = (kindOf === 'existing' ? existing : missing)[i % 2]!
          const t0 = performance.now()
          const res = await call(server, 'POST', '/v1/recovery', { body: { identifier } })
          times[kindOf].push(performance.now() - t0)
          expect(res.status).toBe(202)
        }
        // The worker runs as in production, between requests.
        if (i % 20 === 0) await server.deliver()
      }
      const a = median(times.existing)
      const b = median(times.missing)
      console.log(`recovery medians on ${name}: existing ${a.toFixed(3)} ms, missing ${b.toFixed(3)} ms`)
      expect(Math.abs(a - b), `medians ${a.toFixed(3)} vs ${b.toFixed(3)} ms`).toBeLessThan(2)
    })
  },
)
