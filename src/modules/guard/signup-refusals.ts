import { subnetOf } from '../../kernel/net.js'
import type { RequestContext } from '../events/ports.js'
import type { SourceMarks } from './marks.js'
import { type GuardState, levelOf, networkDetails, type Source } from './state.js'
import type { SlidingWindow } from './windows.js'

/** Refused sign-ups in the window at which a source must solve a challenge (level 1; one more per doubling). */
export const signupRefusalThreshold = (refusals: number, src: Pick<Source, 'factor'>): number =>
  refusals * src.factor

/**
 * Sign-up refusals: a sign-up refused for what was typed (a taken username, a password the policy
 * rejects, an invalid address …) costs strength checks or a lookup, so a source that collects
 * `signupRefusals` of them in the window (times the factor of a network) must solve challenges.
 */
export class SignupRefusalDetector {
  readonly #refusals: SlidingWindow

  constructor(
    private readonly deps: {
      state: GuardState
      marks: SourceMarks
    },
  ) {
    this.#refusals = deps.state.window('guard:signup_refusals', deps.state.settings.windowSeconds)
  }

  /** Counts a refusal with `code` at each source of the address; returns the counts, in order. */
  async refused(ctx: RequestContext, code: string): Promise<number[]> {
    const { state, marks } = this.deps
    const sources = state.sources(ctx.ip)
    const counts = await this.#refusals.addMany(sources.map((src) => src.key))
    await Promise.all(
      sources.map(async (src, i) => {
        const refusals = counts[i]!
        const threshold = signupRefusalThreshold(state.settings.signupRefusals, src)
        if (refusals < threshold) return
        if (await state.pardoned(src.key)) return
        await marks.challenge(src, 'signup_refusals', levelOf(refusals, threshold), {
          refusals: Math.round(refusals),
          last_code: code,
          ...networkDetails(src, subnetOf(ctx.ip)),
        })
      }),
    )
    return counts
  }

  /** Forgets a source's count (a lift). */
  clear(sourceKey: string): Promise<void> {
    return this.#refusals.clear(sourceKey)
  }
}
