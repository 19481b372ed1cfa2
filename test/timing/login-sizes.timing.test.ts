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
  let known: { username: string; email: string; phone: string }
  beforeAll(async () => {
    server = await createTestServer(kind)
    const { user } = await signUpAndLogin(server)
    known = { ...user, phone: '+14155550171' }
    await server.app.database.db
      .updateTable('accounts')
      .set({ phone: known.phone, phone_verified_at: server.clock.now() })
      .where('username', '=', user.username)
      .execute()
  })
  afterAll(async () => {
    await server?.close()
  })

  it.each(SIZES)(
    'answers a %i-character password for a real and a missing account in the same time',
    async (size) => {
      const password = 'x'.repeat(size)
      // By username, email and phone in turn, each against a missing one of its kind.
      const named = [
        [known.username, 'nobody_here_at_all'],
        [known.email, 'nobody.here@example.org'],
        [known.phone, '+14155550172'],
      ] as const
      const bodyOf = (which: 'existing' | 'missing', i: number) => ({
        identifier: named[i % 3]![which === 'existing' ? 0 : 1],
        password,
      })
      const times: Record<'existing' | 'missing', number[]> = { existing: [], missing: [] }
      for (let i = 0; i < 6; i++) {
        await call(server, 'POST', '/v1/sessions', { body: bodyOf(i % 2 ? 'existing' : 'missing', i) })
      }
      for (let i = 0; i < 30; i++) {
        for (const name of (i % 2 ? ['existing', 'missing'] : ['missing', 'existing']) as Array<
          'existing' | 'missing'
        >) {
          const t0 = performance.now()
          const res = await call(server, 'POST', '/v1/sessions', { body: bodyOf(name, i) })
          times[name].push(performance.now() - t0)
          expect(res.status).toBe(size > 60_000 ? 413 : 401)
        }
      }
      const [e, m] = [median(times.existing), median(times.missing)]
      expect(Math.abs(e - m), `medians ${e.toFixed(2)} vs ${m.toFixed(2)} ms`).toBeLessThan(5)
    },
  )
})
