import { describe, expect, it } from 'vitest'
import { SignupRefusalDetector, signupRefusalThreshold } from '../../../src/modules/guard/signup-refusals.js'
import { ctxFrom, pastWindow, useParts } from './harness.js'

/** Sign-up refusals: 4 per address in the window of 600 s, times the factor of a network. */
describe('sign-up refusal detector', () => {
  const parts = useParts()
  const ctx = ctxFrom('203.0.113.8')
  const setup = () => {
    const p = parts.current
    const detector = new SignupRefusalDetector({ state: p.state, marks: p.marks })
    const ip = p.state.address(ctx.ip)
    const refuse = async (count: number) => {
      let last: number[] = []
      for (let i = 0; i < count; i++) last = await detector.refused(ctx, 'username_taken')
      return last[0]
    }
    const mark = async () => (await p.marks.read([ip]))[0]!.count
    return { p, ip, refuse, mark }
  }

  it('scales its threshold by the factor of a network', () => {
    expect(signupRefusalThreshold(4, { factor: 1 })).toBe(4)
    expect(signupRefusalThreshold(4, { factor: 16 })).toBe(64)
  })

  it('does nothing below signupRefusals (3 refusals)', async () => {
    const { p, refuse, mark } = setup()
    expect(await refuse(3)).toBe(3)
    expect(await mark()).toBe(0)
    expect(await p.detections()).toEqual([])
    expect(await p.detectionEvents()).toEqual([])
  })

  it('challenges the address at signupRefusals (4): level 1, a detection and its event', async () => {
    const { p, ip, refuse, mark } = setup()
    expect(await refuse(4)).toBe(4)
    expect(await mark()).toBe(1)
    const [d] = await p.detections()
    expect(d).toMatchObject({ kind: 'signup_refusals', scope: 'ip', key: ip.key, action: 'challenge' })
    expect(d!.details).toMatchObject({ refusals: 4, last_code: 'username_taken', level: 1 })
    expect((await p.detectionEvents()).map((e) => e.details)).toMatchObject([
      { kind: 'signup_refusals', action: 'challenge', key: ip.key },
    ])
  })

  it('raises the level at each doubling: 2 at 8 refusals, not at 7', async () => {
    const { refuse, mark } = setup()
    await refuse(7)
    expect(await mark()).toBe(1)
    await refuse(1)
    expect(await mark()).toBe(2)
  })

  it('starts counting again once the window has passed', async () => {
    const { p, refuse } = setup()
    await refuse(4)
    pastWindow(p, 600)
    expect(await refuse(3)).toBe(3)
    expect((await p.detections())[0]!.count).toBe(1)
    expect(await refuse(1)).toBe(4)
    expect((await p.detections())[0]!.count).toBe(2)
  })
})
