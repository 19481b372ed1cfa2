import { subnetOf } from '../../kernel/net.js'
import type { RequestContext } from '../events/ports.js'
import type { SourceMarks } from './marks.js'
import { type GuardState, levelOf, networkDetails, type Source } from './state.js'
import type { SlidingWindow } from './windows.js'

/** Distinct identifiers with failed logins at which a source must solve a challenge (level 1; one more per doubling). */
export const stuffingThreshold = (sourceIdentifiers: number, src: Pick<Source, 'factor'>): number =>
  sourceIdentifiers * src.factor

/**
 * Credential stuffing from a source: failed logins across `stuffing.sourceIdentifiers` distinct
 * identifiers in the window (times the factor of a network) earn the source challenges. The same
 * counts tell, during a global spike, whether a source shows what stuffing looks like.
 */
export class CredentialStuffingDetector {
  readonly #failedIds: SlidingWindow

  constructor(
    private readonly deps: {
      state: GuardState
      marks: SourceMarks
    },
  ) {
    this.#failedIds = deps.state.window('guard:failed_ids', deps.state.settings.windowSeconds)
  }

  /** Counts a failed login on the keyed identifier at each source; returns the distinct counts, in order. */
  async failedLogin(ctx: RequestContext, idKey: string): Promise<number[]> {
    const { state, marks } = this.deps
    const sources = state.sources(ctx.ip)
    const spreads = await this.#failedIds.addDistinctMany(
      state.seen,
      sources.map((src) => `fail:${src.key}`),
      idKey,
    )
    await Promise.all(
      sources.map(async (src, i) => {
        const spread = spreads[i]!
        const threshold = stuffingThreshold(state.settings.stuffing.sourceIdentifiers, src)
        if (spread < threshold) return
        if (await state.pardoned(src.key)) return
        await marks.challenge(src, 'credential_stuffing', levelOf(spread, threshold), {
          failed_identifiers: Math.round(spread),
          ...networkDetails(src, subnetOf(ctx.ip)),
        })
      }),
    )
    return spreads
  }

  /**
   * During a global spike, whether a source that has not opened a session shows what stuffing
   * looks like: failed logins in the window from the address (one is enough) or from one of its
   * networks (as many as the network's factor). A newcomer from a quiet network logs in without a
   * puzzle; each further address of a botnet gets at most its first pair checked (see docs/guard.md).
   */
  async trait(sources: readonly Source[]): Promise<boolean> {
    const counts = await this.#failedIds.readMany(sources.map((src) => `fail:${src.key}`))
    return counts.some((n, i) => n >= sources[i]!.factor)
  }

  /** Forgets a source's count (a lift). */
  clear(sourceKey: string): Promise<void> {
    return this.#failedIds.clear(`fail:${sourceKey}`)
  }
}
