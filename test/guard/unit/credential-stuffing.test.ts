import { describe, expect, it } from 'vitest'
import {
  CredentialStuffingDetector,
  stuffingThreshold,
} from '../../../src/modules/guard/credential-stuffing.js'
import { ctxFrom, pastWindow, useParts } from './harness.js'

/** Credential stuffing from a source: failed logins on 4 distinct identifiers per address in 600 s. */
describe('credential stuffing detector (per source)', () => {
  const parts = useParts()
  const ctx = ctxFrom('203.0.113.9')
  const setup = () => {
    const p = parts.current
    const detector = new CredentialStuffingDetector({ state: p.state, marks: p.marks })
    const ip = p.state.address(ctx.ip)
    let n = 0
    const fail = async (count: number) => {
      let last: number[] = []
      for (let i = 0; i < count; i++) last = await detector.failedLogin(ctx, `id-${n++}`)
      return last[0]
    }
    const mark = async () => (await p.marks.read([ip]))[0]!.count
    return { p, ip, detector, fail, mark }
  }

  it('scales its threshold by the factor of a network', () => {
    expect(stuffingThreshold(4, { factor: 4 })).toBe(16)
  })

  it('does nothing below sourceIdentifiers (3 identifiers), nor for one identifier tried again', async () => {
    const { p, detector, fail, mark } = setup()
    for (let i = 0; i < 6; i++) await detector.failedLogin(ctx, 'one-identifier')
    expect(await fail(2)).toBe(3)
    expect(await mark()).toBe(0)
    expect(await p.detections()).toEqual([])
  })

  it('challenges the address at sourceIdentifiers (4): level 1, a detection and its event', async () => {
    const { p, ip, fail, mark } = setup()
    expect(await fail(4)).toBe(4)
    expect(await mark()).toBe(1)
    const [d] = await p.detections()
    expect(d).toMatchObject({ kind: 'credential_stuffing', scope: 'ip', key: ip.key, action: 'challenge' })
    expect(d!.details).toMatchObject({ failed_identifiers: 4, level: 1 })
    expect((await p.detectionEvents()).map((e) => e.details)).toMatchObject([
      { kind: 'credential_stuffing', scope: 'ip', action: 'challenge' },
    ])
  })

  it('shows the stuffing trait from one failure at an address, and from `factor` failures at a network', async () => {
    const { p, detector } = setup()
    const sources = p.state.sources('192.0.2.50')
    expect(await detector.trait(sources)).toBe(false)
    // Three addresses of the /24 fail once each: the /24 (factor 4) is still quiet for a newcomer.
    for (let i = 1; i <= 3; i++) await detector.failedLogin(ctxFrom(`192.0.2.${i}`), `x-${i}`)
    expect(await detector.trait(sources)).toBe(false)
    await detector.failedLogin(ctxFrom('192.0.2.4'), 'x-4')
    expect(await detector.trait(sources)).toBe(true)
    // One failure at an address (factor 1) in a quiet network is enough.
    const lone = p.state.sources('198.51.100.77')
    expect(await detector.trait(lone)).toBe(false)
    await detector.failedLogin(ctxFrom('198.51.100.77'), 'x-5')
    expect(await detector.trait(lone)).toBe(true)
  })

  it('starts counting again once the window has passed', async () => {
    const { p, fail } = setup()
    await fail(4)
    pastWindow(p, 600)
    expect(await fail(3)).toBe(3)
    expect((await p.detections())[0]!.count).toBe(1)
    expect(await fail(1)).toBe(4)
    expect((await p.detections())[0]!.count).toBe(2)
  })
})
