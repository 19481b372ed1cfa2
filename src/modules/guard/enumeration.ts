import { subnetOf } from '../../kernel/net.js'
import type { RequestContext } from '../events/ports.js'
import type { SourceMarks } from './marks.js'
import type { GuardedEndpoint, GuardSettings } from './settings.js'
import { type GuardState, levelOf, networkDetails, type Source } from './state.js'
import type { SlidingWindow } from './windows.js'

/** The thresholds of enumeration for one source: distinct identifiers in the window. */
export interface EnumerationThresholds {
  /** A challenge at this many (level 1; one level more at each doubling). */
  challenge: number
  /** A block at this many, even with solved challenges. */
  block: number
}

/** An address's thresholds times the source's factor (a network's budget is wider). */
export const enumerationThresholds = (
  settings: GuardSettings['enumeration'],
  src: Pick<Source, 'factor'>,
): EnumerationThresholds => ({
  challenge: settings.challengeDistinct * src.factor,
  block: settings.blockDistinct * src.factor,
})

/**
 * Enumeration: a source that asks about many distinct identifiers (recovery, verification resend,
 * refused sign-ups, failed logins) in the window. Only the number of distinct identifiers per
 * source counts: never whether they name accounts. Challenges from `challengeDistinct`, a block
 * from `blockDistinct` (times the factor of a network).
 */
export class EnumerationDetector {
  readonly #distinct: SlidingWindow

  constructor(
    private readonly deps: {
      state: GuardState
      marks: SourceMarks
    },
  ) {
    this.#distinct = deps.state.window('guard:distinct', deps.state.settings.windowSeconds)
  }

  #thresholds(src: Source): EnumerationThresholds {
    return enumerationThresholds(this.deps.state.settings.enumeration, src)
  }

  /**
   * Counts the keyed identifier `idKey` asked about on `endpoint` at each source of the address,
   * judges each source, and returns the distinct counts, in the order of the sources.
   */
  async seen(endpoint: GuardedEndpoint, ctx: RequestContext, idKey: string): Promise<number[]> {
    const sources = this.deps.state.sources(ctx.ip)
    const counts = await this.#distinct.addDistinctMany(
      this.deps.state.seen,
      sources.map((src) => src.key),
      `${endpoint}:${idKey}`,
    )
    await Promise.all(
      sources.map(async (src, i) => {
        const distinct = counts[i]!
        const t = this.#thresholds(src)
        if (distinct < Math.min(t.challenge, t.block)) return
        await this.#judge(src, ctx, distinct, endpoint)
      }),
    )
    return counts
  }

  async #judge(src: Source, ctx: RequestContext, distinct: number, endpoint: GuardedEndpoint): Promise<void> {
    if (await this.deps.state.pardoned(src.key)) return
    const t = this.#thresholds(src)
    const details = {
      distinct_identifiers: Math.round(distinct),
      endpoint,
      ...networkDetails(src, subnetOf(ctx.ip)),
    }
    if (distinct >= t.block) {
      await this.deps.marks.block(src, 'enumeration', details)
      return
    }
    if (distinct < t.challenge) return
    await this.deps.marks.challenge(src, 'enumeration', levelOf(distinct, t.challenge), details)
  }

  /** Forgets a source's count (a lift). */
  clear(sourceKey: string): Promise<void> {
    return this.#distinct.clear(sourceKey)
  }
}
