import { describe, expect, it } from 'vitest'
import { EnumerationDetector, enumerationThresholds } from '../../../src/modules/guard/enumeration.js'
import { BLOCKED } from '../../../src/modules/guard/marks.js'
import { ctxFrom, pastWindow, useParts } from './harness.js'

/** Enumeration: challengeDistinct 5, blockDistinct 10, subnet factor 4, window 600 s. */
describe('enumeration detector', () => {
  const parts = useParts()
  const ctx = ctxFrom('203.0.113.7')
  const setup = () => {
    const p = parts.current
    const detector = new EnumerationDetector({ state: p.state, marks: p.marks })
    const ip = p.state.address(ctx.ip)
    let n = 0
    /** Asks about `count` identifiers never asked about before; returns the address's distinct count. */
    const ask = async (count: number) => {
      let last: number[] = []
      for (let i = 0; i < count; i++) last = await detector.seen('recovery', ctx, `id-${n++}`)
      return last[0]
    }
    const mark = async () => (await p.marks.read([ip]))[0]!.count
    return { p, detector, ip, ask, mark }
  }

  it('scales its thresholds by the factor of a network', () => {
    expect(enumerationThresholds({ challengeDistinct: 5, blockDistinct: 10 }, { factor: 4 })).toEqual({
      challenge: 20,
      block: 40,
    })
  })

  it('does nothing below challengeDistinct (4 distinct identifiers)', async () => {
    const { p, ask, mark } = setup()
    expect(await ask(4)).toBe(4)
    expect(await mark()).toBe(0)
    expect(await p.detections()).toEqual([])
    expect(await p.detectionEvents()).toEqual([])
  })

  it('counts an identifier asked about twice once', async () => {
    const { detector, mark } = setup()
    for (let i = 0; i < 8; i++) await detector.seen('recovery', ctx, 'the-same')
    expect(await mark()).toBe(0)
  })

  it('challenges the address at challengeDistinct (5): level 1, a detection and its event', async () => {
    const { p, ask, mark, ip } = setup()
    expect(await ask(5)).toBe(5)
    expect(await mark()).toBe(1)
    const [d] = await p.detections()
    expect(d).toMatchObject({ kind: 'enumeration', scope: 'ip', key: ip.key, action: 'challenge', count: 1 })
    expect(d!.details).toMatchObject({ distinct_identifiers: 5, endpoint: 'recovery', level: 1 })
    expect(d!.actionUntil).toBe(p.clock.now() + 600_000)
    const events = await p.detectionEvents()
    expect(events.map((e) => e.details)).toEqual([
      { detection_id: d!.id, kind: 'enumeration', scope: 'ip', key: ip.key, action: 'challenge', count: 1 },
    ])
  })

  it('blocks the address at blockDistinct (10), not at 9', async () => {
    const { p, ask, mark } = setup()
    await ask(9)
    expect(await mark()).toBe(1)
    expect(p.told.filter(([m]) => m === 'block')).toEqual([])
    await ask(1)
    expect(await mark()).toBe(BLOCKED)
    expect(p.told).toContainEqual(['block', 'ip'])
    const [d] = await p.detections()
    expect(d).toMatchObject({ kind: 'enumeration', action: 'block', actionUntil: p.clock.now() + 900_000 })
    expect((await p.detectionEvents()).map((e) => e.details.action)).toEqual(['challenge', 'block'])
  })

  it('challenges a /24 at challengeDistinct × subnetFactor (20) spread over its addresses', async () => {
    const p = parts.current
    const detector = new EnumerationDetector({ state: p.state, marks: p.marks })
    const subnet = p.state.sources('198.51.100.1')[1]!
    // 19 addresses, one identifier each: no address and not the /24 reaches its threshold.
    for (let i = 1; i <= 19; i++) await detector.seen('recovery', ctxFrom(`198.51.100.${i}`), `id-${i}`)
    expect((await p.marks.read([subnet]))[0]!.count).toBe(0)
    await detector.seen('recovery', ctxFrom('198.51.100.20'), 'id-20')
    expect((await p.marks.read([subnet]))[0]!.count).toBe(1)
    expect(await p.detections()).toMatchObject([{ kind: 'enumeration', scope: 'subnet', key: subnet.key }])
  })

  it('starts counting again once the window has passed', async () => {
    const { p, ask } = setup()
    await ask(5)
    expect((await p.detections())[0]!.count).toBe(1)
    pastWindow(p, 600)
    expect(await ask(4)).toBe(4)
    // Below the threshold again: nothing counted against the detection.
    expect((await p.detections())[0]!.count).toBe(1)
    expect(await ask(1)).toBe(5)
    expect((await p.detections())[0]!.count).toBe(2)
  })
})
