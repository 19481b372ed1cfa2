/**
 * Invariant: no account oracle through timing, for every password size — a login naming an
 * account and one naming nobody take the same time, from an empty password to far past the
 * longest one accepted. Runs alone (vitest.timing.config.ts), interleaved, medians compared.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { databaseKinds } from '../helpers/databases.js'
import { call, createTestServer, signUpAndLogin, type TestServer } from '../helpers/server.js'

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

/** Empty, usual, the longest accepted (256 code points), the cut-off for hashing (4 × 256), past it, and near the body limit. */
const SIZES = [0, 20, 256, 1024, 1025, 4096, 60_000]

describe.each(databaseKinds())('login timing for every password size on %s', (kind) => {
  let server: TestServer
  let known: { username: string; email: string }
  beforeAll(async () => {
    server = await createTestServer(kind)
    known = (await signUpAndLogin(server)).user
  })
  afterAll(async () => {
    await server?.close()
  })

  it.each(SIZES)(
    'answers a %i-character password for a real and a missing account in the same time',
    async (size) => {
      const password = 'x'.repeat(size)
      const bodies = {
        existing: { identifier: known.email, password },
        missing: { identifier: 'nobody.here@example.org', password },
      }
      const times: Record<'existing' | 'missing', number[]> = { existing: [], missing: [] }
      for (let i = 0; i < 6; i++)
        await call(server, 'POST', '/v1/sessions', { body: bodies[i % 2 ? 'existing' : 'missing'] })
      for (let i = 0; i < 30; i++) {
        for (const name of (i % 2 ? ['existing', 'missing'] : ['missing', 'existing']) as Array<
          'existing' | 'missing'
        >) {
          const t0 = performance.now()
          const res = await call(server, 'POST', '/v1/sessions', { body: bodies[name] })
          times[name].push(performance.now() - t0)
          expect(res.status).toBe(401)
        }
      }
      const [e, m] = [median(times.existing), median(times.missing)]
      expect(Math.abs(e - m), `medians ${e.toFixed(2)} vs ${m.toFixed(2)} ms`).toBeLessThan(5)
    },
  )
})
