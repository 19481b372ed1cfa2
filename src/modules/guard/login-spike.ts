import type { Counters } from './ports.js'
import type { GuardSettings } from './settings.js'
import type { Sightings } from './sightings.js'
import type { GuardState } from './state.js'
import type { SlidingWindow } from './windows.js'

/** The logins counted everywhere: in the short window of the spike and in the last hour. */
export interface LoginCounts {
  shortAll: number
  shortFailed: number
  hourAll: number
  hourFailed: number
}

/** What a spike judge found: whether it is one, and the shares it compared. */
export interface SpikeVerdict {
  spike: boolean
  ratio: number
  /** The failure share of the hour before the short window, when it saw enough logins. */
  baseline: number | null
}

const SPIKE_KEY = 'global:login_spike'
/** The key of the global spike's detection (and of its pardon). */
export const GLOBAL_LOGIN = 'global:login'

/**
 * Whether the counts make a spike: at least `spikeMinFailures` failed logins in the short window,
 * and a failure share of at least `spikeRatio` when the hour before the short window saw fewer
 * than `baselineLogins` logins, or otherwise at least `spikeJump` times that hour's share (and at
 * least `spikeFloor`).
 */
export const judgeSpike = (c: LoginCounts, st: GuardSettings['stuffing']): SpikeVerdict => {
  const ratio = c.shortAll > 0 ? c.shortFailed / c.shortAll : 0
  const beforeAll = c.hourAll - c.shortAll
  const beforeFailed = Math.max(0, c.hourFailed - c.shortFailed)
  const baseline = beforeAll >= st.baselineLogins ? beforeFailed / beforeAll : null
  if (c.shortFailed < st.spikeMinFailures) return { spike: false, ratio, baseline }
  const needed = baseline === null ? st.spikeRatio : Math.max(st.spikeFloor, st.spikeJump * baseline)
  return { spike: ratio >= needed, ratio, baseline }
}

/**
 * Credential stuffing everywhere: a spike of failed logins over all sources. While it holds
 * (`spikeHoldSeconds`), every source that has not opened a session and shows what stuffing looks
 * like must solve a challenge.
 */
export class LoginSpikeDetector {
  readonly #short: SlidingWindow
  readonly #hour: SlidingWindow
  readonly #flags: Counters
  #cache: { until: number; on: boolean } = { until: 0, on: false }

  constructor(
    private readonly deps: {
      state: GuardState
      sightings: Sightings
    },
  ) {
    const { state } = deps
    const st = state.settings.stuffing
    this.#short = state.window('guard:logins_short', st.spikeWindowSeconds)
    this.#hour = state.window('guard:logins_hour', 3600)
    this.#flags = state.counters('guard:flag', st.spikeHoldSeconds)
  }

  /** Counts a login (failed or not) and returns the counts after it. */
  async login(failed: boolean): Promise<LoginCounts> {
    const [shortAll, shortFailed, hourAll, hourFailed] = await Promise.all([
      this.#short.add('all'),
      failed ? this.#short.add('failed') : this.#short.read('failed'),
      this.#hour.add('all'),
      failed ? this.#hour.add('failed') : this.#hour.read('failed'),
    ])
    return { shortAll, shortFailed, hourAll, hourFailed }
  }

  /** Judges the counts after a failed login: a spike raises the flag and records the detection. */
  async judge(counts: LoginCounts): Promise<boolean> {
    const { state, sightings } = this.deps
    const st = state.settings.stuffing
    if (counts.shortFailed < st.spikeMinFailures) return false
    const { spike, ratio, baseline } = judgeSpike(counts, st)
    if (!spike) return false
    if (await state.pardoned(GLOBAL_LOGIN)) return false
    await this.#flags.set(SPIKE_KEY, 1, st.spikeHoldSeconds)
    this.#cache = { until: 0, on: true }
    await sightings.record({
      kind: 'credential_stuffing',
      scope: 'global',
      key: GLOBAL_LOGIN,
      action: 'challenge',
      actionUntil: state.now() + st.spikeHoldSeconds * 1000,
      accountId: null,
      details: {
        failed_logins: Math.round(counts.shortFailed),
        failure_ratio: Math.round(ratio * 100) / 100,
        baseline_ratio: baseline === null ? null : Math.round(baseline * 100) / 100,
        window_seconds: st.spikeWindowSeconds,
      },
    })
    return true
  }

  /** Whether a spike holds: read from the store at most once a second per instance. */
  async on(): Promise<boolean> {
    const now = this.deps.state.now()
    if (now < this.#cache.until) return this.#cache.on
    const on = (await this.#flags.get(SPIKE_KEY)).count > 0
    this.#cache = { until: now + 1000, on }
    return on
  }

  /** Ends the spike's hold (a lift). */
  async end(): Promise<void> {
    await this.#flags.delete(SPIKE_KEY)
    this.#cache = { until: 0, on: false }
  }
}
