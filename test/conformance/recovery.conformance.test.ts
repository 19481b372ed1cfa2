import { randomUUID } from 'node:crypto'
import { beforeEach, describe, expect, it } from 'vitest'
import { SqlRecoveryRequestQueue } from '../../src/adapters/sql/recovery-repository.js'
import type { RecoveryRequest } from '../../src/modules/recovery/ports.js'
import { databaseKinds } from '../helpers/databases.js'
import { DAY, MINUTE, T0, unique, useSuiteDatabase } from './fixtures.js'

/* The RecoveryRequestQueue contract (src/modules/recovery/ports.ts). */

describe.each(databaseKinds())('RecoveryRequestQueue on %s', (kind) => {
  const suite = useSuiteDatabase(kind)
  const LEASE = MINUTE
  const queue = () => suite.store.recoveryRequests

  // Claims see the whole table: every test starts from an empty queue.
  beforeEach(async () => {
    await suite.database.db.deleteFrom('recovery_requests').execute()
  })

  const request = (overrides: Partial<RecoveryRequest> = {}): RecoveryRequest => ({
    id: randomUUID(),
    identifier: `someone.${unique()}@example.org`,
    channel: 'email',
    mfaCode: null,
    context: {
      ip: '192.0.2.7',
      userAgent: 'test-agent',
      clientVersion: '1.2.3',
      requestId: `req-${unique()}`,
      locale: null,
    },
    createdAt: T0,
    ...overrides,
  })

  const row = (id: string) =>
    suite.database.db.selectFrom('recovery_requests').selectAll().where('id', '=', id).executeTakeFirst()

  it('claims an enqueued request with everything it was given', async () => {
    const r = request({ channel: 'sms', identifier: '+14155550123', mfaCode: '123456' })
    await queue().enqueue(r)
    const german = request({ context: { ...request().context, locale: 'de' }, createdAt: T0 + 1 })
    await queue().enqueue(german)
    expect(await queue().claim(10, T0 + 1, LEASE)).toEqual([r, german])
  })

  it('claims the oldest first, at most `limit`, and a claimed request not again while its lease runs', async () => {
    const rs = [3, 1, 4, 2, 0].map((i) => request({ createdAt: T0 + i * 1000 }))
    for (const r of rs) await queue().enqueue(r)
    const first = await queue().claim(2, T0 + 10_000, LEASE)
    expect(first.map((r) => r.createdAt)).toEqual([T0, T0 + 1000])
    const rest = await queue().claim(10, T0 + 10_000, LEASE)
    expect(rest.map((r) => r.createdAt)).toEqual([T0 + 2000, T0 + 3000, T0 + 4000])
    expect(await queue().claim(10, T0 + 10_000 + LEASE - 1, LEASE)).toEqual([])
  })

  it('hands a request out again once its lease has run out, and after release at once', async () => {
    const a = request()
    const b = request({ createdAt: T0 + 1 })
    await queue().enqueue(a)
    await queue().enqueue(b)
    expect(await queue().claim(10, T0, LEASE)).toHaveLength(2)
    await queue().release([b.id])
    expect(await queue().claim(10, T0 + 1, LEASE)).toEqual([b])
    expect(await queue().claim(10, T0 + LEASE, LEASE)).toEqual([a])
    await queue().release([])
  })

  it('finishing records the outcome, blanks what the caller typed and takes the request out of the queue', async () => {
    const r = request({ mfaCode: '654321' })
    await queue().enqueue(r)
    await queue().claim(10, T0, LEASE)
    await queue().finish(r.id, 'suppressed_cap', T0 + 5)
    expect(await row(r.id)).toMatchObject({
      status: 'done',
      outcome: 'suppressed_cap',
      identifier: '',
      mfa_code: null,
      processed_at: T0 + 5,
    })
    expect(await queue().claim(10, T0 + DAY, LEASE)).toEqual([])
    // Releasing a finished request does not put it back.
    await queue().release([r.id])
    expect(await queue().claim(10, T0 + DAY, LEASE)).toEqual([])
  })

  it('deletes handled requests processed before the cutoff only, and says how many', async () => {
    const old = request()
    const recent = request()
    const pending = request({ createdAt: T0 - DAY })
    for (const r of [old, recent, pending]) await queue().enqueue(r)
    await queue().claim(2, T0, LEASE)
    await queue().finish(old.id, 'sent', T0 - DAY)
    await queue().finish(recent.id, 'no_account', T0)
    expect(await queue().deleteHandledBefore(T0)).toBe(1)
    expect(await row(old.id)).toBeUndefined()
    expect(await row(recent.id)).toBeDefined()
    expect(await row(pending.id)).toBeDefined()
    expect(await queue().deleteHandledBefore(T0)).toBe(0)
  })

  it('gives each request to one of many simultaneous claimers (several connections on PostgreSQL)', async () => {
    const rs = Array.from({ length: 60 }, (_, i) => request({ createdAt: T0 + i }))
    for (const r of rs) await queue().enqueue(r)
    // PostgreSQL: several connections (instances); SQLite: simultaneous calls on one connection.
    const others =
      kind === 'postgres' ? await Promise.all(Array.from({ length: 3 }, () => suite.openAnother())) : []
    const queues = [queue(), ...others.map((d) => new SqlRecoveryRequestQueue(d.db, d.dialect))]
    const claims = await Promise.all(
      Array.from({ length: 24 }, (_, i) => queues[i % queues.length]!.claim(5, T0 + 100, LEASE)),
    )
    const ids = claims.flat().map((r) => r.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids.sort()).toEqual(rs.map((r) => r.id).sort())
  })
})
