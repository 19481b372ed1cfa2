import { describe, expect, it } from 'vitest'
import { LegacyClientDetector } from '../../../src/modules/guard/legacy-clients.js'
import { ctxFrom, pastWindow, useParts } from './harness.js'

/** Legacy clients: 3 refused requests from one address in 600 s; recorded only. */
describe('legacy client detector', () => {
  const parts = useParts()
  const ctx = ctxFrom('203.0.113.11')
  const setup = () => {
    const p = parts.current
    const detector = new LegacyClientDetector({ state: p.state, sightings: p.sightings })
    const refuse = async (count: number) => {
      let n = 0
      for (let i = 0; i < count; i++) n = await detector.refused(ctx, '0.9.1')
      return n
    }
    return { p, refuse }
  }

  it('does nothing below requests (2)', async () => {
    const { p, refuse } = setup()
    expect(await refuse(2)).toBe(2)
    expect(await p.detections()).toEqual([])
    expect(await p.detectionEvents()).toEqual([])
  })

  it('records a detection on the address at requests (3), and its event', async () => {
    const { p, refuse } = setup()
    expect(await refuse(3)).toBe(3)
    const [d] = await p.detections()
    expect(d).toMatchObject({ kind: 'legacy_client', scope: 'ip', key: 'ip:203.0.113.11', action: 'none' })
    expect(d!.details).toEqual({ requests: 3, client_version: '0.9.1', network: '203.0.113.0/24' })
    expect((await p.detectionEvents()).map((e) => e.details)).toMatchObject([
      { kind: 'legacy_client', scope: 'ip', action: 'none' },
    ])
  })

  it('starts counting again once the window has passed', async () => {
    const { p, refuse } = setup()
    await refuse(3)
    pastWindow(p, 600)
    expect(await refuse(2)).toBe(2)
    expect((await p.detections())[0]!.count).toBe(1)
    expect(await refuse(1)).toBe(3)
    expect((await p.detections())[0]!.count).toBe(2)
  })
})
