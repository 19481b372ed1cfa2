import { randomUUID } from 'node:crypto'
import { beforeEach, describe, expect, it } from 'vitest'
import { SqlWebhookRepository } from '../../src/adapters/sql/webhooks-repository.js'
import type { WebhookDelivery, WebhookRecord } from '../../src/modules/webhooks/ports.js'
import { databaseKinds } from '../helpers/databases.js'
import { DAY, MINUTE, T0, unique, useSuiteDatabase } from './fixtures.js'

/* The WebhookRepository contract (src/modules/webhooks/ports.ts). */

describe.each(databaseKinds())('WebhookRepository on %s', (kind) => {
  const suite = useSuiteDatabase(kind)
  const repo = () => new SqlWebhookRepository(suite.database.db)

  // listActive sees the whole table: every test starts without webhooks.
  beforeEach(async () => {
    await suite.database.db.deleteFrom('webhook_deliveries').execute()
    await suite.database.db.deleteFrom('webhooks').execute()
  })

  const webhook = (overrides: Partial<WebhookRecord> = {}): WebhookRecord => ({
    id: randomUUID(),
    url: `https://hooks.example.org/${unique()}`,
    description: 'SIEM',
    eventTypes: ['authn_login_fail', 'guard_detection'],
    secretSealed: `sealed-${unique()}`,
    createdBy: `account:${unique()}`,
    createdAt: T0,
    disabledAt: null,
    ...overrides,
  })

  const delivery = (webhookId: string, overrides: Partial<WebhookDelivery> = {}): WebhookDelivery => ({
    id: randomUUID(),
    webhookId,
    messageId: `msg-${unique()}`,
    eventType: 'authn_login_fail',
    attempt: 1,
    statusCode: 200,
    error: null,
    durationMs: 12,
    deliveredAt: T0,
    ...overrides,
  })

  it('finds a created webhook as given; an unknown id is null', async () => {
    const w = webhook({ description: null, createdBy: null, eventTypes: [] })
    await repo().create(w)
    expect(await repo().find(w.id)).toEqual(w)
    expect(await repo().find(randomUUID())).toBeNull()
  })

  it('lists the webhooks not deleted, oldest first', async () => {
    const late = webhook({ createdAt: T0 + 2 })
    const early = webhook({ createdAt: T0 })
    const deleted = webhook({ createdAt: T0 + 1 })
    for (const w of [late, early, deleted]) await repo().create(w)
    await repo().disable(deleted.id, T0 + 5)
    expect(await repo().listActive()).toEqual([early, late])
  })

  it('disable marks a webhook deleted and blanks its secret, once', async () => {
    const w = webhook()
    await repo().create(w)
    expect(await repo().disable(w.id, T0 + MINUTE)).toBe(true)
    expect(await repo().find(w.id)).toEqual({ ...w, secretSealed: '', disabledAt: T0 + MINUTE })
    expect(await repo().disable(w.id, T0 + 2 * MINUTE)).toBe(false)
    expect((await repo().find(w.id))?.disabledAt).toBe(T0 + MINUTE)
    expect(await repo().disable(randomUUID(), T0)).toBe(false)
  })

  it('only one of many simultaneous disables of a webhook succeeds', async () => {
    const w = webhook()
    await repo().create(w)
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => repo().disable(w.id, T0 + i)))
    expect(results.filter(Boolean)).toHaveLength(1)
  })

  it("lists a webhook's deliveries newest first (the later try first at one instant), at most limit", async () => {
    const w = webhook()
    const other = webhook()
    await repo().create(w)
    await repo().create(other)
    const first = delivery(w.id, { deliveredAt: T0, statusCode: null, error: 'timeout', attempt: 1 })
    const retry = delivery(w.id, { deliveredAt: T0 + MINUTE, messageId: first.messageId, attempt: 2 })
    const sameInstant = delivery(w.id, { deliveredAt: T0 + MINUTE, attempt: 3 })
    for (const d of [first, retry, sameInstant]) await repo().recordDelivery(d, T0 - DAY)
    await repo().recordDelivery(delivery(other.id), T0 - DAY)
    expect(await repo().listDeliveries(w.id, 10)).toEqual([sameInstant, retry, first])
    expect(await repo().listDeliveries(w.id, 1)).toEqual([sameInstant])
    expect(await repo().listDeliveries(randomUUID(), 10)).toEqual([])
  })

  it("recording a try prunes that webhook's entries older than pruneBefore, and no other's", async () => {
    const w = webhook()
    const other = webhook()
    await repo().create(w)
    await repo().create(other)
    const old = delivery(w.id, { deliveredAt: T0 - 2 * DAY })
    const otherOld = delivery(other.id, { deliveredAt: T0 - 2 * DAY })
    const kept = delivery(w.id, { deliveredAt: T0 - DAY })
    for (const d of [old, otherOld, kept]) await repo().recordDelivery(d, T0 - 3 * DAY)
    const now = delivery(w.id, { deliveredAt: T0 })
    await repo().recordDelivery(now, T0 - DAY)
    expect(await repo().listDeliveries(w.id, 10)).toEqual([now, kept])
    expect(await repo().listDeliveries(other.id, 10)).toEqual([otherOld])
  })
})
