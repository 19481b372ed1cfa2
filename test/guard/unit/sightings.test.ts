import { describe, expect, it } from 'vitest'
import { FLUSH_MS, type Sighting } from '../../../src/modules/guard/sightings.js'
import { useParts } from './harness.js'

/** The detections written behind: at once when one opens or its action rises, else every 2 s. */
describe('sightings (write-behind detections)', () => {
  const parts = useParts()
  const sighting = (over: Partial<Sighting> = {}): Sighting => ({
    kind: 'enumeration',
    scope: 'ip',
    key: 'ip:203.0.113.30',
    action: 'challenge',
    actionUntil: null,
    accountId: null,
    details: { distinct_identifiers: 5 },
    ...over,
  })
  it('writes a new detection at once, with its event and metric', async () => {
    const p = parts.current
    await p.sightings.record(sighting())
    const events = await p.detectionEvents()
    expect(events.map((e) => e.details)).toMatchObject([
      { kind: 'enumeration', action: 'challenge', count: 1 },
    ])
    expect(p.told).toEqual([['detection', 'enumeration', 'challenge']])
  })

  it(`sums sightings of the same action within FLUSH_MS (${FLUSH_MS} ms) until the flush`, async () => {
    const p = parts.current
    await p.sightings.record(sighting())
    p.clock.advance(FLUSH_MS - 1)
    await p.sightings.record(sighting({ details: { distinct_identifiers: 6 } }))
    await p.sightings.record(sighting({ details: { distinct_identifiers: 7 } }))
    // Only one event: the detection opened; the later sightings did not raise its action.
    expect(await p.detectionEvents()).toHaveLength(1)
    const [d] = await p.detections() // flushes
    expect(d).toMatchObject({ count: 3, details: { distinct_identifiers: 7 } })
    expect(await p.detectionEvents()).toHaveLength(1)
  })

  it('writes at once after FLUSH_MS, and at once when the action rises', async () => {
    const p = parts.current
    await p.sightings.record(sighting())
    p.clock.advance(FLUSH_MS)
    await p.sightings.record(sighting())
    await p.sightings.record(sighting({ action: 'block', actionUntil: p.clock.now() + 900_000 }))
    const events = await p.detectionEvents()
    expect(events.map((e) => [e.details.action, e.details.count])).toEqual([
      ['challenge', 1],
      ['block', 3],
    ])
    const [d] = await p.detections()
    expect(d).toMatchObject({ action: 'block', count: 3, actionUntil: p.clock.now() + 900_000 })
  })

  it('keeps the strongest action while summing: a weaker sighting does not lower it, nor speak for it', async () => {
    const p = parts.current
    await p.sightings.record(sighting({ action: 'block', details: { distinct_identifiers: 10 } }))
    // A sighting that raced the block (counted before it, recorded after it).
    await p.sightings.record(sighting({ action: 'challenge', details: { distinct_identifiers: 9 } }))
    const [d] = await p.detections()
    expect(d).toMatchObject({ action: 'block', count: 2, details: { distinct_identifiers: 10 } })
    // The same after FLUSH_MS, when the weaker sighting is written at once.
    p.clock.advance(FLUSH_MS)
    await p.sightings.record(sighting({ action: 'challenge', details: { distinct_identifiers: 8 } }))
    const [again] = await p.detections()
    expect(again).toMatchObject({ action: 'block', count: 3, details: { distinct_identifiers: 10 } })
  })

  it('drops what is summed for a lifted detection', async () => {
    const p = parts.current
    await p.sightings.record(sighting())
    await p.sightings.record(sighting())
    p.sightings.forget('enumeration', 'ip:203.0.113.30')
    const [d] = await p.detections()
    expect(d).toMatchObject({ count: 1 })
  })
})
