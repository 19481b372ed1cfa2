/**
 * Invariant: POST /v1/accounts/verify/resend takes the same time whether the address belongs to a
 * pending account (which gets a new token and a mail) or to no account at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { databaseKinds } from '../helpers/databases.js'
import { call, createTestServer, freshUser, type TestServer } from '../helpers/server.js'
import { comparePaired } from '../helpers/timing.js'

const DAY = 24 * 3_600_000

describe.each(databaseKinds())('verification resend timing on %s', (kind) => {
  let server: TestServer
  beforeAll(async () => {
    // The same few addresses are asked about hundreds of times: the per-address limit would answer
    // 429 (alike for every address) after five, and it is the work behind a 202 that is timed here.
    server = await createTestServer(kind, { GATEHOUSE_VERIFY_RESEND_LIMIT_ADDRESS: '100000/3600' })
  })
  afterAll(async () => {
    await server?.close()
  })

  it('answers pending and missing addresses less than 2 ms apart (200 pairs, more if noisy)', async () => {
    const existing: string[] = []
    for (let i = 0; i < 2; i++) {
      const user = freshUser('pending')
      expect((await call(server, 'POST', '/v1/accounts', { body: user })).status).toBe(202)
      existing.push(user.email)
    }
    const missing = ['missing.person@example.org', 'nobody.here@example.net']
    const resend = (email: string) => call(server, 'POST', '/v1/accounts/verify/resend', { body: { email } })
    for (let i = 0; i < 40; i++) await resend((i % 2 ? existing : missing)[i % 2]!)

    // A day later before each pair: every pending request is under the caps (3 an hour and 10 a
    // day per account and address), so it takes the sending path.
    const nextDay = async () => {
      server.clock.advance(DAY + 1000)
    }
    await nextDay()
    const result = await comparePaired({
      kinds: ['existing', 'missing'] as const,
      run: async (kindOf, i) => {
        const res = await resend((kindOf === 'existing' ? existing : missing)[Math.floor(i / 2) % 2]!)
        expect(res.status).toBe(202)
      },
      between: nextDay,
      boundMs: 2,
      pairsPerRound: 200,
      warmup: 0,
    })
    // Every pending request took the sending path (2 sign-ups, 40 warm-ups, 200 or more measured).
    const queued = await server.app.database.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('template', '=', 'verify_email')
      .executeTakeFirstOrThrow()
    expect(Number(queued.n)).toBeGreaterThanOrEqual(202)
    console.log(`verify-resend on ${kind}: ${result.summary}`)
    expect(Math.abs(result.difference), result.summary).toBeLessThan(2)
  })
})
