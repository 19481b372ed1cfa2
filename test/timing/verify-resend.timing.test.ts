/**
 * Invariant: POST /v1/accounts/verify/resend takes the same time whether the address belongs to a
 * pending account (which gets a new token and a mail) or to no account at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { databaseKinds } from '../helpers/databases.js'
import { call, createTestServer, freshUser, type TestServer } from '../helpers/server.js'

const DAY = 24 * 3_600_000
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

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

  it('answers pending and missing addresses with medians less than 2 ms apart (200 each, interleaved)', async () => {
    const existing: string[] = []
    for (let i = 0; i < 2; i++) {
      const user = freshUser('pending')
      expect((await call(server, 'POST', '/v1/accounts', { body: user })).status).toBe(202)
      existing.push(user.email)
    }
    const missing = ['missing.person@example.org', 'nobody.here@example.net']
    const resend = (email: string) => call(server, 'POST', '/v1/accounts/verify/resend', { body: { email } })
    for (let i = 0; i < 40; i++) await resend((i % 2 ? existing : missing)[i % 2]!)

    const times = { existing: [] as number[], missing: [] as number[] }
    for (let i = 0; i < 200; i++) {
      // A day later each time: every pending request is under the caps (3 an hour and 10 a day per
      // account and address), so it takes the sending path.
      server.clock.advance(DAY + 1000)
      const order: ('existing' | 'missing')[] = i % 2 ? ['existing', 'missing'] : ['missing', 'existing']
      for (const kindOf of order) {
        const email = (kindOf === 'existing' ? existing : missing)[i % 2]!
        const t0 = performance.now()
        const res = await resend(email)
        times[kindOf].push(performance.now() - t0)
        expect(res.status).toBe(202)
      }
    }
    // Every pending request took the sending path (2 sign-ups, 40 warm-ups, 200 measured).
    const queued = await server.app.database.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('template', '=', 'verify_email')
      .executeTakeFirstOrThrow()
    expect(Number(queued.n)).toBeGreaterThanOrEqual(202)
    const a = median(times.existing)
    const b = median(times.missing)
    console.log(`verify-resend medians on ${kind}: pending ${a.toFixed(3)} ms, missing ${b.toFixed(3)} ms`)
    expect(Math.abs(a - b), `medians ${a.toFixed(3)} vs ${b.toFixed(3)} ms`).toBeLessThan(2)
  })
})
