import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { RequestContext, SecurityEvent } from '../../src/modules/events/ports.js'
import { EventRecorder } from '../../src/modules/events/recorder.js'
import { databaseKinds } from '../helpers/databases.js'
import { MINUTE, T0, unique, useSuiteDatabase } from './fixtures.js'

/* The SecurityEventLog contract (src/modules/events/ports.ts). */

describe.each(databaseKinds())('SecurityEventLog on %s', (kind) => {
  const suite = useSuiteDatabase(kind)

  const context = (overrides: Partial<RequestContext> = {}): RequestContext => ({
    ip: '203.0.113.77',
    userAgent: 'Mozilla/5.0 (conformance)',
    clientVersion: '2.4.1',
    requestId: `req-${unique()}`,
    ...overrides,
  })

  const event = (accountId: string | null, overrides: Partial<SecurityEvent> = {}): SecurityEvent => ({
    type: 'authn_login_success',
    accountId,
    context: context(),
    details: {},
    at: T0,
    ...overrides,
  })

  it('tells the webhook hook of an event recorded in a transaction only once that transaction commits', async () => {
    const told: string[] = []
    const recorder = new EventRecorder(suite.store.events, () => T0)
    recorder.subscribe((recorded) => {
      for (const e of recorded) told.push(String(e.details.n))
    })
    const record = (n: number) => (tx: { events: typeof suite.store.events }) =>
      recorder.record('account_created', null, context(), { n }, tx.events)
    await expect(
      suite.store.transaction(async (tx) => {
        await record(1)(tx)
        expect(told).toEqual([])
        throw new Error('rolled back')
      }),
    ).rejects.toThrow('rolled back')
    await suite.store.transaction(async (tx) => {
      await record(2)(tx)
      expect(told).toEqual([])
    })
    await recorder.settled()
    expect(told).toEqual(['2'])
    const kept = await suite.store.events.search({ type: 'account_created' }, 100)
    expect(kept.map((e) => e.details.n)).toContain(2)
    expect(kept.map((e) => e.details.n)).not.toContain(1)
  })

  it('appends many events in order, in chunks, with their details, inside a transaction or not', async () => {
    const id = randomUUID()
    const shared = { campaign_id: 'c-1', incident_id: null }
    const many = Array.from({ length: 2345 }, (_, i) =>
      event(id, { type: 'campaign_sessions_revoked', at: T0 + i, details: i === 7 ? { n: 7 } : shared }),
    )
    await suite.store.transaction(async (tx) => {
      await tx.events.appendMany(many.slice(0, 1200))
    })
    await suite.store.events.appendMany(many.slice(1200))
    const kept = await suite.store.events.search({ accountId: id }, 3000)
    expect(kept).toHaveLength(2345)
    expect(kept.map((e) => e.at)).toEqual(many.map((e) => e.at).reverse())
    expect(kept.at(-8)!.details).toEqual({ n: 7 })
    expect(kept[0]).toMatchObject({
      type: 'campaign_sessions_revoked',
      accountId: id,
      details: shared,
      context: many.at(-1)!.context,
      subnet: '203.0.113.0/24',
    })
  })

  it('appends many events with awkward text exactly as given', async () => {
    const id = randomUUID()
    const awkward = [
      'a "quoted" {brace}, comma',
      'back\\slash \\" NULL',
      'NULL',
      '',
      'ünï © 🙂',
      "it's\ttab\nline",
    ]
    const many = awkward.map((ua, i) =>
      event(id, {
        type: 'campaign_reset_lock_set',
        at: T0 + i,
        context: context({ userAgent: ua, requestId: i % 2 ? null : ua, ip: i % 3 ? null : '2001:db8::1' }),
        details: { ua, n: i },
      }),
    )
    await suite.store.events.appendMany(many)
    const kept = (await suite.store.events.search({ accountId: id }, 100)).reverse()
    expect(kept.map((e) => e.context)).toEqual(many.map((e) => e.context))
    expect(kept.map((e) => e.details)).toEqual(many.map((e) => e.details))
  })

  it('records many events as one: counted per type and told together once the transaction commits', async () => {
    const counted: Array<[string, number]> = []
    const told: number[] = []
    const recorder = new EventRecorder(
      suite.store.events,
      () => T0,
      (type, n) => counted.push([type, n]),
    )
    recorder.subscribe((recorded) => {
      told.push(recorded.length)
    })
    const id = randomUUID()
    const batch = [
      { type: 'campaign_reset_lock_set' as const, accountId: id, context: context(), details: {} },
      { type: 'campaign_reset_lock_set' as const, accountId: id, context: context(), details: {} },
      { type: 'campaign_notice_queued' as const, accountId: id, context: context(), details: {} },
    ]
    await expect(
      suite.store.transaction(async (tx) => {
        await recorder.recordMany(batch, tx.events)
        throw new Error('rolled back')
      }),
    ).rejects.toThrow('rolled back')
    await suite.store.transaction(async (tx) => {
      await recorder.recordMany(batch, tx.events)
      expect(counted).toEqual([])
    })
    await recorder.settled()
    expect(told).toEqual([3])
    expect(counted).toEqual([
      ['campaign_reset_lock_set', 2],
      ['campaign_notice_queued', 1],
    ])
    expect(await suite.store.events.search({ accountId: id }, 10)).toHaveLength(3)
  })

  it('lists an account’s events newest first, up to the limit, with everything appended', async () => {
    const id = randomUUID()
    const ctx = context()
    await suite.store.events.append(event(id, { type: 'account_created', at: T0 }))
    await suite.store.events.append(event(id, { type: 'account_email_verified', at: T0 + MINUTE }))
    await suite.store.events.append(
      event(id, {
        type: 'authn_login_success',
        at: T0 + 2 * MINUTE,
        context: ctx,
        details: { method: 'password' },
      }),
    )
    await suite.store.events.append(event(randomUUID(), { at: T0 + 3 * MINUTE }))
    await suite.store.events.append(event(null, { at: T0 + 3 * MINUTE }))

    const all = await suite.store.events.listForAccount(id, 10)
    expect(all.map((e) => e.type)).toEqual([
      'authn_login_success',
      'account_email_verified',
      'account_created',
    ])
    expect(all[0]).toEqual({
      id: expect.any(Number),
      type: 'authn_login_success',
      accountId: id,
      context: ctx,
      subnet: '203.0.113.0/24',
      details: { method: 'password' },
      at: T0 + 2 * MINUTE,
    })
    const limited = await suite.store.events.listForAccount(id, 2)
    expect(limited.map((e) => e.at)).toEqual([T0 + 2 * MINUTE, T0 + MINUTE])
  })

  it('lists events of the same instant in reverse order of appending', async () => {
    const id = randomUUID()
    for (const type of ['account_created', 'authn_login_fail', 'authn_login_success'] as const) {
      await suite.store.events.append(event(id, { type, at: T0 }))
    }
    const listed = await suite.store.events.listForAccount(id, 10)
    expect(listed.map((e) => e.type)).toEqual(['authn_login_success', 'authn_login_fail', 'account_created'])
    const ids = listed.map((e) => e.id)
    expect([...ids].sort((a, b) => b - a)).toEqual(ids)
  })

  it('returns an empty list for an account without events', async () => {
    expect(await suite.store.events.listForAccount(randomUUID(), 10)).toEqual([])
  })

  it.each([
    ['an IPv4 address', '203.0.113.77', '203.0.113.0/24'],
    ['an IPv6 address', '2001:db8:85a3:8d3:1319:8a2e:370:7348', '2001:db8:85a3:8d3::/64'],
    ['a compressed IPv6 address', '2001:db8::1', '2001:db8:0:0::/64'],
    ['an IPv4-mapped IPv6 address', '::ffff:198.51.100.9', '198.51.100.0/24'],
    ['no address', null, null],
  ])('stores the subnet of %s', async (_what, ip, subnet) => {
    const id = randomUUID()
    const ctx = context({ ip })
    await suite.store.events.append(event(id, { context: ctx }))
    const [stored] = await suite.store.events.listForAccount(id, 1)
    expect(stored?.subnet).toBe(subnet)
    expect(stored?.context).toEqual(ctx)
  })

  it('round-trips details of every JSON kind, and a context without any value', async () => {
    const id = randomUUID()
    const details = {
      count: 3,
      ratio: 0.25,
      enabled: false,
      reason: 'recent_token',
      nothing: null,
      nested: { channels: ['email', 'sms'], depth: { ok: true } },
      text: 'ünïcødé — "quotes" \\ and \n newline',
    }
    const empty: RequestContext = { ip: null, userAgent: null, clientVersion: null, requestId: null }
    await suite.store.events.append(event(id, { details, context: empty }))
    const [stored] = await suite.store.events.listForAccount(id, 1)
    expect(stored?.details).toEqual(details)
    expect(stored?.context).toEqual(empty)
    expect(stored?.subnet).toBeNull()
  })
})
