import { describe, expect, it } from 'vitest'
import { RecoveryFloodDetector } from '../../../src/modules/guard/recovery-flood.js'
import { ctxFrom, pastWindow, useParts } from './harness.js'

/** Recovery flood: 5 recovery requests reaching one account in 3600 s; recorded only. */
describe('recovery flood detector', () => {
  const parts = useParts()
  const setup = () => {
    const p = parts.current
    const detector = new RecoveryFloodDetector({ state: p.state, sightings: p.sightings })
    let n = 0
    /** Requests from `count` addresses in turn (two requests per address). */
    const request = async (count: number) => {
      let requests = 0
      for (let i = 0; i < count; i++) {
        requests = await detector.requested(ctxFrom(`192.0.2.${1 + (n++ >> 1)}`), 'acc-7')
      }
      return requests
    }
    return { p, request }
  }

  it('does nothing below requests (4)', async () => {
    const { p, request } = setup()
    expect(await request(4)).toBe(4)
    expect(await p.detections()).toEqual([])
    expect(await p.detectionEvents()).toEqual([])
  })

  it('records a detection on the account at requests (5), with its sources, and its event', async () => {
    const { p, request } = setup()
    expect(await request(5)).toBe(5)
    const [d] = await p.detections()
    expect(d).toMatchObject({
      kind: 'recovery_flood',
      scope: 'account',
      key: 'account:acc-7',
      action: 'none',
      accountId: 'acc-7',
    })
    expect(d!.details).toEqual({ requests: 5, sources: 3, window_seconds: 3600 })
    const events = await p.detectionEvents()
    expect(events.map((e) => [e.accountId, e.details.kind, e.details.action])).toEqual([
      ['acc-7', 'recovery_flood', 'none'],
    ])
    // No response: the guard's marks are untouched.
    expect(p.told.filter(([m]) => m === 'block')).toEqual([])
  })

  it('starts counting again once its window (3600 s) has passed', async () => {
    const { p, request } = setup()
    await request(5)
    pastWindow(p, 3600)
    expect(await request(4)).toBe(4)
    expect((await p.detections())[0]!.count).toBe(1)
    expect(await request(1)).toBe(5)
    expect((await p.detections())[0]!.count).toBe(2)
  })
})
