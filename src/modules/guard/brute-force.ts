import type { RequestContext } from '../events/ports.js'
import type { Counters, CountReading, DetectionAction } from './ports.js'
import type { Background, GuardSettings } from './settings.js'
import type { Sightings } from './sightings.js'
import { type GuardState, levelOf } from './state.js'
import type { SlidingWindow } from './windows.js'

type BruteForceSettings = GuardSettings['bruteForce']

/**
 * How long each source waits before its next try on an identifier with `failures` failed logins
 * in the window: none below `delayAfter`, then 1 s, 2 s, 4 s … up to `maxDelaySeconds`.
 */
export const bruteForceDelay = (failures: number, bf: BruteForceSettings): number =>
  failures < bf.delayAfter
    ? 0
    : Math.min(bf.maxDelaySeconds, 2 ** Math.min(30, Math.floor(failures - bf.delayAfter)))

/**
 * The challenge level of an identifier with `failures` failed logins, for sources it has not
 * logged in from: none below `challengeAfter`, 1 there, one more at each doubling.
 */
export const bruteForceLevel = (failures: number, bf: BruteForceSettings): number =>
  failures < bf.challengeAfter ? 0 : levelOf(failures, bf.challengeAfter)

/**
 * Brute force: failed logins on one identifier as typed (the username, the email and the phone of
 * one account are three identifiers, each with its own count, so that none tells of the others).
 * From `delayAfter` failures each source waits before its next try on it; from `challengeAfter`
 * every source it has not logged in from must solve a challenge. Per account, the failures on any
 * of its identifiers are recorded for the administrators from `delayAfter` on, never answered.
 */
export class BruteForceDetector {
  readonly #idFailures: SlidingWindow
  readonly #accountFailures: SlidingWindow
  readonly #waits: Counters

  constructor(
    private readonly deps: {
      state: GuardState
      sightings: Sightings
      background: Background
    },
  ) {
    const { state } = deps
    const w = state.settings.windowSeconds
    this.#idFailures = state.window('guard:id_failures', w)
    this.#accountFailures = state.window('guard:account_failures', w)
    this.#waits = state.counters('guard:wait', state.settings.bruteForce.maxDelaySeconds)
  }

  /** The failed logins in the window on an identifier (`identifier:<key>`). */
  failures(key: string): Promise<number> {
    return this.#idFailures.read(key)
  }

  /** The wait of a source (`ip:<address>`) before its next try on an identifier. */
  wait(key: string, sourceKey: string): Promise<CountReading> {
    return this.#waits.get(`${key}|${sourceKey}`)
  }

  /** Counts a failed login on an identifier (`identifier:<key>`) from a source; returns the failures. */
  async failedLogin(ctx: RequestContext, key: string): Promise<number> {
    const { state, sightings } = this.deps
    const bf = state.settings.bruteForce
    const failures = await this.#idFailures.add(key)
    if (failures < bf.delayAfter) return failures
    if (await state.pardoned(key)) return failures
    const ip = state.address(ctx.ip)
    const delay = bruteForceDelay(failures, bf)
    await this.#waits.set(`${key}|${ip.key}`, 1, delay)
    state.remember(`${key}|${ip.key}`, delay)
    state.remember(key, state.settings.windowSeconds * 2)
    const action: DetectionAction = failures >= bf.challengeAfter ? 'challenge' : 'delay'
    await sightings.record({
      kind: 'brute_force',
      scope: 'identifier',
      key,
      action,
      actionUntil: null,
      accountId: null,
      details: { failures: Math.round(failures), delay_seconds: delay },
    })
    return failures
  }

  /**
   * Failed logins on one account, whichever of its identifiers was typed: a detection (scope
   * `account`) and its event for the administrators, never an answer. A name of nobody is counted
   * the same way under its own key, so that the request does the same work either way; the
   * detection is written apart from the request, which does not wait for it.
   */
  async accountFailure(accountId: string | null, idKey: string): Promise<number> {
    const { state, sightings } = this.deps
    const key = accountId ? `account:${accountId}` : `identifier:${idKey}`
    const failures = await this.#accountFailures.add(key)
    if (!accountId || failures < state.settings.bruteForce.delayAfter) return failures
    void this.deps.background('account failures', async () => {
      if (await state.pardoned(key)) return
      await sightings.record({
        kind: 'brute_force',
        scope: 'account',
        key,
        action: 'none',
        actionUntil: null,
        accountId,
        details: { failures: Math.round(failures), window_seconds: state.settings.windowSeconds },
      })
    })
    return failures
  }

  /** Forgets the failures on an identifier, or with `account`, on an account (a lift). */
  clear(key: string, scope: 'identifier' | 'account' = 'identifier'): Promise<void> {
    return (scope === 'account' ? this.#accountFailures : this.#idFailures).clear(key)
  }

  /** Ends a source's wait on an identifier (`<identifier key>|<source key>`). */
  endWait(waitKey: string): Promise<void> {
    return this.#waits.delete(waitKey)
  }
}
