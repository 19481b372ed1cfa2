/**
 * Invariant: no account oracle through timing, for every password size — a login naming an
 * account and one naming nobody take the same time, from an empty password to far past the
 * longest one accepted. Runs alone (vitest.timing.config.ts), in pairs (helpers/timing.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { databaseKinds } from '../helpers/databases.js'
import { call, createTestServer, signUpAndLogin, type TestServer } from '../helpers/server.js'
import { comparePaired } from '../helpers/timing.js'

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
      const result = await comparePaired({
        kinds: ['existing', 'missing'] as const,
        run: async (which, i) => {
          const res = await call(server, 'POST', '/v1/sessions', { body: bodyOf(which, i) })
          expect(res.status).toBe(size > 60_000 ? 413 : 401)
        },
        boundMs: 5,
        pairsPerRound: 30,
      })
      console.log(`login with a ${size}-character password on ${kind}: ${result.summary}`)
      expect(Math.abs(result.difference), result.summary).toBeLessThan(5)
    },
  )
})
