import { describe, expect, it } from 'vitest'
import {
  BruteForceDetector,
  bruteForceDelay,
  bruteForceLevel,
} from '../../../src/modules/guard/brute-force.js'
import { ctxFrom, pastWindow, testSettings, useParts } from './harness.js'

/** Brute force: a wait from 3 failures on an identifier (1 s, doubling, up to 60 s), a challenge from 6. */
describe('brute force detector', () => {
  const parts = useParts()
  const bf = testSettings().bruteForce
  const ctx = ctxFrom('203.0.113.10')
  const key = 'identifier:typed-name'
  const setup = () => {
    const p = parts.current
    const detector = new BruteForceDetector({
      state: p.state,
      sightings: p.sightings,
      background: p.background,
    })
    const ip = p.state.address(ctx.ip)
    const fail = async (count: number) => {
      let failures = 0
      for (let i = 0; i < count; i++) failures = await detector.failedLogin(ctx, key)
      return failures
    }
    const wait = () => detector.wait(key, ip.key)
    return { p, detector, fail, wait }
  }

  it('waits 1 s from delayAfter (3), doubling per failure up to maxDelaySeconds (60)', () => {
    expect(bruteForceDelay(2, bf)).toBe(0)
    expect(bruteForceDelay(3, bf)).toBe(1)
    expect(bruteForceDelay(4, bf)).toBe(2)
    expect(bruteForceDelay(8, bf)).toBe(32)
    expect(bruteForceDelay(9, bf)).toBe(60)
    expect(bruteForceDelay(1000, bf)).toBe(60)
  })

  it('challenges from challengeAfter (6): level 1, 2 at twice as many', () => {
    expect(bruteForceLevel(5, bf)).toBe(0)
    expect(bruteForceLevel(6, bf)).toBe(1)
    expect(bruteForceLevel(11, bf)).toBe(1)
    expect(bruteForceLevel(12, bf)).toBe(2)
  })

  it('does nothing below delayAfter (2 failures)', async () => {
    const { p, fail, wait } = setup()
    expect(await fail(2)).toBe(2)
    expect((await wait()).count).toBe(0)
    expect(await p.detections()).toEqual([])
    expect(await p.detectionEvents()).toEqual([])
  })

  it('makes the source wait at delayAfter (3): a delay detection and its event', async () => {
    const { p, fail, wait } = setup()
    expect(await fail(3)).toBe(3)
    const w = await wait()
    expect(w.count).toBe(1)
    expect(w.msLeft).toBeGreaterThan(0)
    expect(w.msLeft).toBeLessThanOrEqual(1000)
    const [d] = await p.detections()
    expect(d).toMatchObject({ kind: 'brute_force', scope: 'identifier', key, action: 'delay' })
    expect(d!.details).toEqual({ failures: 3, delay_seconds: 1 })
    expect((await p.detectionEvents()).map((e) => e.details)).toMatchObject([
      { kind: 'brute_force', scope: 'identifier', key, action: 'delay' },
    ])
  })

  it('raises the detection to a challenge at challengeAfter (6), not at 5', async () => {
    const { p, fail } = setup()
    await fail(5)
    expect((await p.detections())[0]!.action).toBe('delay')
    await fail(1)
    const [d] = await p.detections()
    expect(d).toMatchObject({ action: 'challenge' })
    expect(d!.details).toEqual({ failures: 6, delay_seconds: 8 })
    expect((await p.detectionEvents()).map((e) => e.details.action)).toEqual(['delay', 'challenge'])
  })

  it('starts counting again once the window has passed', async () => {
    const { p, detector, fail } = setup()
    await fail(3)
    pastWindow(p, 600)
    expect(await detector.failures(key)).toBe(0)
    expect(await fail(2)).toBe(2)
    expect((await p.detections())[0]!.count).toBe(1)
    expect(await fail(1)).toBe(3)
    expect((await p.detections())[0]!.count).toBe(2)
  })

  it('records failures on an account from delayAfter (3), never answering; a name of nobody is never recorded', async () => {
    const { p, detector } = setup()
    for (let i = 0; i < 2; i++) await detector.accountFailure('acc-1', `id-${i}`)
    await p.settled()
    expect(await p.detections()).toEqual([])
    expect(await detector.accountFailure('acc-1', 'id-2')).toBe(3)
    await p.settled()
    const [d] = await p.detections()
    expect(d).toMatchObject({
      kind: 'brute_force',
      scope: 'account',
      key: 'account:acc-1',
      action: 'none',
      accountId: 'acc-1',
    })
    expect(d!.details).toEqual({ failures: 3, window_seconds: 600 })
    const events = await p.detectionEvents()
    expect(events.map((e) => [e.accountId, e.details.kind, e.details.scope])).toEqual([
      ['acc-1', 'brute_force', 'account'],
    ])
    for (let i = 0; i < 5; i++) await detector.accountFailure(null, 'nobody')
    await p.settled()
    expect(await p.detections()).toHaveLength(1)
  })

  it('neither delays nor records a pardoned identifier (after a lift)', async () => {
    const { p, fail, wait } = setup()
    await p.state.pardon(key)
    expect(await fail(6)).toBe(6)
    expect((await wait()).count).toBe(0)
    expect(await p.detections()).toEqual([])
  })
})
