import { beforeEach, describe, expect, it } from 'vitest'
import { SqlDetectionStore } from '../../src/adapters/sql/detections-repository.js'
import type { DetectionSighting } from '../../src/modules/guard/ports.js'
import { databaseKinds } from '../helpers/databases.js'
import { ANCIENT, DAY, MINUTE, T0, unique, useSuiteDatabase } from './fixtures.js'

/* The DetectionStore contract (src/modules/guard/ports.ts). */

describe.each(databaseKinds())('DetectionStore on %s', (kind) => {
  const suite = useSuiteDatabase(kind)
  const store = () => new SqlDetectionStore(suite.database.db)

  // Listing and pruning see the whole table: every test starts without detections.
  beforeEach(async () => {
    await suite.database.db.deleteFrom('detections').execute()
  })

  const sighting = (overrides: Partial<DetectionSighting> = {}): DetectionSighting => ({
    kind: 'credential_stuffing',
    scope: 'ip',
    key: `192.0.2.${unique()}`,
    action: 'delay',
    count: 3,
    details: { share: 0.5, network: '192.0.2.0/24' },
    actionUntil: null,
    accountId: null,
    at: T0,
    ...overrides,
  })

  it('opens a detection for a new kind and key, escalated, with everything it was given', async () => {
    const s = sighting({ actionUntil: T0 + MINUTE, accountId: 'acc-1', scope: 'account' })
    const { detection, escalated } = await store().record(s)
    expect(escalated).toBe(true)
    expect(detection).toEqual({
      id: expect.any(Number),
      kind: s.kind,
      scope: s.scope,
      key: s.key,
      status: 'open',
      action: s.action,
      firstSeenAt: T0,
      lastSeenAt: T0,
      count: 3,
      details: s.details,
      actionUntil: T0 + MINUTE,
      accountId: 'acc-1',
      closedAt: null,
      closedBy: null,
    })
    expect(await store().get(detection.id)).toEqual(detection)
    expect(await store().get(detection.id + 1000)).toBeNull()
  })

  it('updates the open one: adds the count, keeps the latest sighting time, merges details of its action or a stronger one, raises the action only', async () => {
    const key = `k-${unique()}`
    const { detection: opened } = await store().record(
      sighting({ key, at: T0 + 10, details: { a: 1, b: 1 } }),
    )
    const raised = await store().record(
      sighting({ key, action: 'block', count: 2, at: T0 + 20, details: { b: 2 }, actionUntil: T0 + DAY }),
    )
    expect(raised.escalated).toBe(true)
    expect(raised.detection).toMatchObject({
      id: opened.id,
      action: 'block',
      count: 5,
      firstSeenAt: T0 + 10,
      lastSeenAt: T0 + 20,
      details: { a: 1, b: 2 },
      actionUntil: T0 + DAY,
    })
    // A weaker sighting counts, but does not speak for the detection: its details are left out.
    const weaker = await store().record(
      sighting({ key, action: 'delay', count: 1, at: T0 + 15, actionUntil: null, details: { b: 1, c: 1 } }),
    )
    expect(weaker.escalated).toBe(false)
    expect(weaker.detection).toMatchObject({
      id: opened.id,
      action: 'block',
      count: 6,
      lastSeenAt: T0 + 20,
      details: { a: 1, b: 2 },
      actionUntil: T0 + DAY,
    })
    // One as strong as the detection's action updates them.
    const same = await store().record(sighting({ key, action: 'block', count: 1, details: { b: 3 } }))
    expect(same.detection).toMatchObject({ count: 7, details: { a: 1, b: 3 } })
    // Another kind with the same key is another detection.
    const other = await store().record(sighting({ key, kind: 'brute_force' }))
    expect(other.detection.id).not.toBe(opened.id)
  })

  it('opens a new detection once the open one is closed', async () => {
    const key = `k-${unique()}`
    const first = (await store().record(sighting({ key }))).detection
    await store().close(first.id, 'resolved', 'acc-admin', T0 + 1)
    const second = await store().record(sighting({ key, at: T0 + 2 }))
    expect(second.escalated).toBe(true)
    expect(second.detection.id).not.toBe(first.id)
    expect(second.detection.count).toBe(3)
  })

  it('closes an open detection once: later closes answer null', async () => {
    const { detection } = await store().record(sighting())
    const closed = await store().close(detection.id, 'lifted', 'acc-admin', T0 + MINUTE)
    expect(closed).toEqual({ ...detection, status: 'lifted', closedAt: T0 + MINUTE, closedBy: 'acc-admin' })
    expect(await store().close(detection.id, 'resolved', 'acc-other', T0 + 2 * MINUTE)).toBeNull()
    expect(await store().get(detection.id)).toEqual(closed)
    expect(await store().close(detection.id + 1000, 'resolved', 'x', T0)).toBeNull()
  })

  it('lists newest first, by status and kind, a page at a time with beforeId', async () => {
    const ds = []
    for (const k of ['brute_force', 'credential_stuffing', 'brute_force', 'legacy_client'] as const) {
      ds.push((await store().record(sighting({ kind: k }))).detection)
    }
    await store().close(ds[2]!.id, 'resolved', 'acc-admin', T0)
    const ids = (list: { id: number }[]) => list.map((d) => d.id)
    expect(ids(await store().list({}, 10))).toEqual(ids([...ds].reverse()))
    expect(ids(await store().list({}, 2))).toEqual([ds[3]!.id, ds[2]!.id])
    expect(ids(await store().list({}, 10, ds[2]!.id))).toEqual([ds[1]!.id, ds[0]!.id])
    expect(ids(await store().list({ kind: 'brute_force' }, 10))).toEqual([ds[2]!.id, ds[0]!.id])
    expect(ids(await store().list({ status: 'open' }, 10))).toEqual([ds[3]!.id, ds[1]!.id, ds[0]!.id])
    expect(ids(await store().list({ status: 'resolved', kind: 'brute_force' }, 10))).toEqual([ds[2]!.id])
    expect(await store().list({ status: 'lifted' }, 10)).toEqual([])
  })

  it('deletes closed detections closed before the cutoff, never open ones', async () => {
    const old = (await store().record(sighting({ at: ANCIENT }))).detection
    const recent = (await store().record(sighting())).detection
    const open = (await store().record(sighting({ at: ANCIENT }))).detection
    await store().close(old.id, 'resolved', 'a', ANCIENT + 1)
    await store().close(recent.id, 'lifted', 'a', T0)
    expect(await store().deleteClosedBefore(T0)).toBe(1)
    expect(await store().get(old.id)).toBeNull()
    expect(await store().get(recent.id)).not.toBeNull()
    expect(await store().get(open.id)).not.toBeNull()
    expect(await store().deleteClosedBefore(T0)).toBe(0)
  })

  it('keeps one open detection under dozens of simultaneous sightings of a new key (several connections on PostgreSQL)', async () => {
    // PostgreSQL: several connections (instances); SQLite: simultaneous calls on one connection.
    const others =
      kind === 'postgres' ? await Promise.all(Array.from({ length: 3 }, () => suite.openAnother())) : []
    const stores = [store(), ...others.map((d) => new SqlDetectionStore(d.db))]
    const key = `k-${unique()}`
    const n = 30
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        stores[i % stores.length]!.record(sighting({ key, count: 1, at: T0 + i })),
      ),
    )
    expect(new Set(results.map((r) => r.detection.id)).size).toBe(1)
    expect(results.filter((r) => r.escalated)).toHaveLength(1)
    const [only] = await store().list({ status: 'open', kind: 'credential_stuffing' }, 10)
    expect(only).toMatchObject({ key, count: n, firstSeenAt: expect.any(Number), lastSeenAt: T0 + n - 1 })
  })
})
