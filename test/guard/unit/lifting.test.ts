import { describe, expect, it } from 'vitest'
import { GLOBAL_LOGIN } from '../../../src/modules/guard/login-spike.js'
import { ctxFrom, useParts } from './harness.js'

/** Lifts end the responses before they expire, and the detectors leave the key alone for one window. */
describe('guard lifts', () => {
  const parts = useParts()

  it("an administrator's lift of a source's detection ends its mark and pardons it for one window", async () => {
    const p = parts.current
    const guard = p.guard()
    const ctx = ctxFrom('203.0.113.40')
    const ip = p.state.address(ctx.ip)
    for (let i = 0; i < 4; i++) await guard.signupRefused(ctx, 'username_taken')
    expect((await p.marks.read([ip]))[0]!.count).toBe(1)
    const [d] = await p.detections()
    await guard.lift(d!)
    expect((await p.marks.read([ip]))[0]!.count).toBe(0)
    expect(await p.state.pardoned(ip.key)).toBe(true)
    // Counted from zero, and pardoned: no new mark.
    for (let i = 0; i < 8; i++) await guard.signupRefused(ctx, 'username_taken')
    expect((await p.marks.read([ip]))[0]!.count).toBe(0)
  })

  it("an operator's lift of every source ends the spike and the identifiers' challenges", async () => {
    const p = parts.current
    const guard = p.guard()
    for (let i = 1; i <= 10; i++) {
      await guard.loginOutcome(
        ctxFrom(`198.51.100.${i}`),
        { identifier: 'victim', deviceToken: null, accountId: null },
        'failure',
      )
    }
    const kinds = (await p.detections()).map((d) => `${d.kind}:${d.scope}`)
    expect(kinds).toContain('credential_stuffing:global')
    expect(kinds).toContain('brute_force:identifier')
    await guard.applyLift(null, p.clock.now())
    expect(await p.state.pardoned(GLOBAL_LOGIN)).toBe(true)
    await expect(
      guard.screen({ endpoint: 'login', ctx: ctxFrom('198.51.100.1'), identifier: 'victim', headers: {} }),
    ).resolves.toBeUndefined()
  })
})
