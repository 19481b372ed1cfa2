import { describe, expect, it } from 'vitest'
import { GLOBAL_LOGIN, judgeSpike, LoginSpikeDetector } from '../../../src/modules/guard/login-spike.js'
import { pastWindow, testSettings, useParts } from './harness.js'

/**
 * The global spike: at least 10 failed logins in 300 s, with a failure share of at least 50 %
 * without a baseline (fewer than 50 logins in the hour before), or of at least max(20 %, 3 × the
 * hour before's share) with one.
 */
describe('login spike detector', () => {
  const parts = useParts()
  const st = testSettings().stuffing
  const setup = () => {
    const p = parts.current
    const detector = new LoginSpikeDetector({ state: p.state, sightings: p.sightings })
    /** Counts logins, judging after each failed one as Guard.loginOutcome does; returns the last verdict. */
    const logins = async (failed: number, succeeded = 0) => {
      for (let i = 0; i < succeeded; i++) await detector.login(false)
      let spike = false
      for (let i = 0; i < failed; i++) spike = await detector.judge(await detector.login(true))
      return spike
    }
    return { p, detector, logins }
  }

  it('needs spikeMinFailures (10) failed logins: 9 are no spike, even all failing', () => {
    expect(judgeSpike({ shortAll: 9, shortFailed: 9, hourAll: 9, hourFailed: 9 }, st).spike).toBe(false)
    expect(judgeSpike({ shortAll: 10, shortFailed: 10, hourAll: 10, hourFailed: 10 }, st).spike).toBe(true)
  })

  it('without a baseline, needs a failure share of spikeRatio (50 %)', () => {
    const at = (all: number) =>
      judgeSpike({ shortAll: all, shortFailed: 10, hourAll: all, hourFailed: 10 }, st)
    expect(at(21)).toMatchObject({ spike: false, baseline: null })
    expect(at(20)).toMatchObject({ spike: true, ratio: 0.5, baseline: null })
  })

  it('with a baseline of baselineLogins (50) logins, needs spikeJump (3) times its share', () => {
    // The hour before: 80 logins, 10 failed (12.5 %): a spike from 37.5 %.
    const at = (shortAll: number) =>
      judgeSpike({ shortAll, shortFailed: 15, hourAll: 80 + shortAll, hourFailed: 25 }, st)
    expect(at(41)).toMatchObject({ spike: false, baseline: 0.125 })
    expect(at(40)).toMatchObject({ spike: true, ratio: 0.375, baseline: 0.125 })
    // 49 logins before are no baseline: the share alone (50 %) counts.
    expect(judgeSpike({ shortAll: 50, shortFailed: 15, hourAll: 99, hourFailed: 15 }, st).baseline).toBe(null)
  })

  it('with a quiet baseline, needs at least spikeFloor (20 %)', () => {
    // The hour before: 100 logins, 2 failed (2 %; 3 × 2 % = 6 %): the floor of 20 % holds.
    const at = (shortAll: number) =>
      judgeSpike({ shortAll, shortFailed: 10, hourAll: 100 + shortAll, hourFailed: 12 }, st)
    expect(at(51).spike).toBe(false)
    expect(at(50).spike).toBe(true)
  })

  it('raises no flag below spikeMinFailures (9 failed logins)', async () => {
    const { p, detector, logins } = setup()
    expect(await logins(9)).toBe(false)
    expect(await detector.on()).toBe(false)
    expect(await p.detections()).toEqual([])
    expect(await p.detectionEvents()).toEqual([])
  })

  it('raises the flag at spikeMinFailures (10): a global challenge held spikeHoldSeconds, and its event', async () => {
    const { p, detector, logins } = setup()
    expect(await logins(10)).toBe(true)
    expect(await detector.on()).toBe(true)
    const [d] = await p.detections()
    expect(d).toMatchObject({
      kind: 'credential_stuffing',
      scope: 'global',
      key: GLOBAL_LOGIN,
      action: 'challenge',
      actionUntil: p.clock.now() + 900_000,
    })
    expect(d!.details).toEqual({
      failed_logins: 10,
      failure_ratio: 1,
      baseline_ratio: null,
      window_seconds: 300,
    })
    expect((await p.detectionEvents()).map((e) => e.details)).toMatchObject([
      { kind: 'credential_stuffing', scope: 'global', key: GLOBAL_LOGIN, action: 'challenge' },
    ])
  })

  it('raises no flag when successful logins keep the share below spikeRatio', async () => {
    const { detector, logins } = setup()
    expect(await logins(10, 11)).toBe(false)
    expect(await detector.on()).toBe(false)
  })

  it('starts counting again once the short window has passed', async () => {
    const { p, logins } = setup()
    await logins(10)
    pastWindow(p, 300)
    expect(await logins(9)).toBe(false)
    expect((await p.detections())[0]!.count).toBe(1)
    expect(await logins(1)).toBe(true)
  })

  it('raises no flag for a pardoned spike (after a lift), and ends the hold on end()', async () => {
    const { p, detector, logins } = setup()
    await logins(10)
    await detector.end()
    expect(await detector.on()).toBe(false)
    await p.state.pardon(GLOBAL_LOGIN)
    expect(await logins(5)).toBe(false)
    expect(await detector.on()).toBe(false)
  })
})
