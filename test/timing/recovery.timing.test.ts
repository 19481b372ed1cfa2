/**
 * Invariant: POST /v1/recovery takes the same time whether or not the account
 * exists — everything that depends on the account happens off the request path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { databaseKinds } from '../helpers/databases.js'
import { call, createTestServer, signUpAndLogin, type TestServer } from '../helpers/server.js'
import { comparePaired } from '../helpers/timing.js'

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

    it('answers existing and missing identifiers less than 2 ms apart (200 pairs, more if noisy)', async () => {
      const { user } = await signUpAndLogin(server)
      const existing = [user.username, user.email]
      const missing = ['no_such_account_zz', 'missing.person@example.org']
      for (let i = 0; i < 40; i++) {
        await call(server, 'POST', '/v1/recovery', {
          body: { identifier: (i % 2 ? existing : missing)[i % 2]! },
        })
      }
      const result = await comparePaired({
        kinds: ['existing', 'missing'] as const,
        run: async (kindOf, i) => {
          const identifier = (kindOf === 'existing' ? existing : missing)[Math.floor(i / 2) % 2]!
          const res = await call(server, 'POST', '/v1/recovery', { body: { identifier } })
          expect(res.status).toBe(202)
        },
        // The worker runs as in production, between requests.
        between: async (i) => {
          if (i % 20 === 0) await server.deliver()
        },
        boundMs: 2,
        pairsPerRound: 200,
        warmup: 0,
      })
      console.log(`recovery on ${name}: ${result.summary}`)
      expect(Math.abs(result.difference), result.summary).toBeLessThan(2)
    })
  },
)
