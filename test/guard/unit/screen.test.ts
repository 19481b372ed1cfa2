import { describe, expect, it } from 'vitest'
import { AppError } from '../../../src/kernel/errors.js'
import type { GuardedEndpoint } from '../../../src/modules/guard/guard.js'
import { parseSourceRange } from '../../../src/modules/guard/lifts.js'
import { POW_HEADER, solvePuzzle } from '../../../src/modules/guard/pow.js'
import { ctxFrom, useParts } from './harness.js'

interface Answer {
  answer: string
  difficulty?: number
  puzzle?: string
  retryAfter?: number
}

/** The screen before the work, over the detectors' marks: thresholds as in harness.ts. */
describe('guard screen', () => {
  const parts = useParts()
  const setup = () => {
    const p = parts.current
    const guard = p.guard()
    /** The screen's answer: 'pass', or the error code with its difficulty or Retry-After. */
    const screen = async (
      ip: string,
      more: { endpoint?: GuardedEndpoint; identifier?: string; deviceToken?: string; pow?: string } = {},
    ): Promise<Answer> => {
      try {
        await guard.screen({
          endpoint: more.endpoint ?? 'login',
          ctx: ctxFrom(ip),
          ...(more.identifier !== undefined ? { identifier: more.identifier, accountId: null } : {}),
          ...(more.deviceToken !== undefined ? { deviceToken: more.deviceToken } : {}),
          headers: more.pow ? { [POW_HEADER]: more.pow } : {},
        })
        return { answer: 'pass' }
      } catch (err) {
        if (!(err instanceof AppError)) throw err
        const challenge = err.extensions.challenge as
          | { pow: { difficulty: number; puzzle: string } }
          | undefined
        return {
          answer: err.code,
          ...(challenge ? { difficulty: challenge.pow.difficulty, puzzle: challenge.pow.puzzle } : {}),
          ...(err.headers['retry-after'] ? { retryAfter: Number(err.headers['retry-after']) } : {}),
        }
      }
    }
    const refuse = async (ip: string, n: number) => {
      for (let i = 0; i < n; i++) await guard.signupRefused(ctxFrom(ip), 'username_taken')
    }
    const failLogins = async (
      ip: string,
      identifier: string,
      n: number,
      deviceToken: string | null = null,
    ) => {
      for (let i = 0; i < n; i++)
        await guard.loginOutcome(ctxFrom(ip), { identifier, deviceToken, accountId: null }, 'failure')
    }
    return { p, guard, screen, refuse, failLogins }
  }

  it('lets a source without marks through', async () => {
    const { screen } = setup()
    expect(await screen('203.0.113.20')).toEqual({ answer: 'pass' })
  })

  it('asks for a puzzle of baseDifficulty (8) at level 1, two bits more per level, up to maxDifficulty (12)', async () => {
    const { screen, refuse } = setup()
    await refuse('203.0.113.21', 3)
    expect(await screen('203.0.113.21')).toEqual({ answer: 'pass' })
    await refuse('203.0.113.21', 1)
    expect(await screen('203.0.113.21')).toMatchObject({ answer: 'challenge_required', difficulty: 8 })
    await refuse('203.0.113.21', 4)
    expect(await screen('203.0.113.21')).toMatchObject({ answer: 'challenge_required', difficulty: 10 })
    await refuse('203.0.113.21', 24)
    expect(await screen('203.0.113.21')).toMatchObject({ answer: 'challenge_required', difficulty: 12 })
  })

  it('lets a solved puzzle through, once', async () => {
    const { p, screen, refuse } = setup()
    await refuse('203.0.113.22', 4)
    const asked = await screen('203.0.113.22')
    const solved = `${asked.puzzle}:${solvePuzzle(asked.puzzle!, asked.difficulty!)}`
    expect(await screen('203.0.113.22', { pow: solved })).toEqual({ answer: 'pass' })
    expect(await screen('203.0.113.22', { pow: solved })).toMatchObject({ answer: 'challenge_required' })
    expect(p.told.filter(([m]) => m === 'challenge')).toEqual([
      ['challenge', 'pow', 'issued'],
      ['challenge', 'pow', 'solved'],
      ['challenge', 'pow', 'failed'],
      ['challenge', 'pow', 'issued'],
    ])
  })

  it('refuses a blocked source with rate_limited for the block (blockSeconds 900), puzzle or not', async () => {
    const { p, guard, screen } = setup()
    for (let i = 0; i < 10; i++) await guard.identifierSeen('recovery', ctxFrom('203.0.113.23'), `id-${i}`)
    expect(await screen('203.0.113.23', { endpoint: 'recovery' })).toEqual({
      answer: 'rate_limited',
      retryAfter: 900,
    })
    expect(p.told).toContainEqual(['refused', 'blocked'])
  })

  it('makes a source wait on an identifier from delayAfter (3) failures; others and known devices are not held', async () => {
    const { p, guard, screen, failLogins } = setup()
    await failLogins('203.0.113.24', 'victim', 2)
    expect(await screen('203.0.113.24', { identifier: 'victim' })).toEqual({ answer: 'pass' })
    await failLogins('203.0.113.24', 'victim', 1)
    expect(await screen('203.0.113.24', { identifier: 'victim' })).toEqual({
      answer: 'rate_limited',
      retryAfter: 1,
    })
    expect(p.told).toContainEqual(['refused', 'delayed'])
    // Another address, another identifier: no wait.
    expect(await screen('203.0.113.25', { identifier: 'victim' })).toEqual({ answer: 'pass' })
    expect(await screen('203.0.113.24', { identifier: 'someone-else' })).toEqual({ answer: 'pass' })
    // A device that opened a session on the account the identifier names is exempt.
    await guard.sessionOpened(ctxFrom('203.0.113.24'), 'acc-1', 'device-1')
    const exempt = await guard.screen({
      endpoint: 'login',
      ctx: ctxFrom('203.0.113.24'),
      identifier: 'victim',
      accountId: 'acc-1',
      deviceToken: 'device-1',
      headers: {},
    })
    expect(exempt).toBeUndefined()
  })

  it('challenges every new source on an identifier from challengeAfter (6) failures, not at 5', async () => {
    const { screen, failLogins } = setup()
    // Failures from several addresses, so that none of them reaches credential stuffing.
    for (let i = 1; i <= 5; i++) await failLogins(`198.51.100.${i}`, 'victim', 1)
    expect(await screen('192.0.2.99', { identifier: 'victim' })).toEqual({ answer: 'pass' })
    await failLogins('198.51.100.6', 'victim', 1)
    expect(await screen('192.0.2.99', { identifier: 'victim' })).toMatchObject({
      answer: 'challenge_required',
      difficulty: 8,
    })
    // Not the sources without the identifier.
    expect(await screen('192.0.2.99', { identifier: 'another' })).toEqual({ answer: 'pass' })
  })

  it('during a spike, challenges a failing source at login, not a known one nor a quiet newcomer', async () => {
    const { guard, screen, failLogins } = setup()
    // spikeMinFailures (10) failed logins, all failing, from ten addresses of one /24.
    for (let i = 1; i <= 10; i++) await failLogins(`198.51.100.${i}`, `id-${i}`, 1)
    await guard.sessionOpened(ctxFrom('198.51.100.2'), 'acc-2', null)
    expect(await screen('198.51.100.1')).toMatchObject({ answer: 'challenge_required', difficulty: 8 })
    expect(await screen('198.51.100.2')).toEqual({ answer: 'pass' })
    expect(await screen('192.0.2.1')).toEqual({ answer: 'pass' })
    // Only logins: the spike does not touch recovery.
    expect(await screen('198.51.100.1', { endpoint: 'recovery' })).toEqual({ answer: 'pass' })
  })

  it("lets an operator's lifted range through for one window", async () => {
    const { guard, screen, refuse } = setup()
    await refuse('203.0.113.26', 4)
    expect(await screen('203.0.113.26')).toMatchObject({ answer: 'challenge_required' })
    await guard.applyLift(parseSourceRange('203.0.113.0/24'), parts.current.clock.now())
    expect(await screen('203.0.113.26')).toEqual({ answer: 'pass' })
  })

  it('lets everything through when disabled', async () => {
    const p = parts.current
    const { screen, refuse } = setup()
    await refuse('203.0.113.27', 4)
    p.settings.enabled = false
    expect(await screen('203.0.113.27')).toEqual({ answer: 'pass' })
  })
})
