import type { Counters, CountReading, DetectionKind } from './ports.js'
import type { GuardMetrics } from './settings.js'
import type { Sightings } from './sightings.js'
import type { GuardState, Source } from './state.js'

/** The source state of a blocked source (challenge levels are small numbers). */
export const BLOCKED = 1_000_000

/**
 * The responses a source earns: a challenge level (for one window; a higher level means a harder
 * puzzle) or a block (for `blockSeconds`, even with solved challenges). One key per source, so
 * that a screen reads all of them in one command.
 */
export class SourceMarks {
  /** Per source: the challenge level it has earned, or BLOCKED. */
  readonly #state: Counters

  constructor(
    private readonly deps: {
      state: GuardState
      sightings: Sightings
      metrics: Pick<GuardMetrics, 'block'>
    },
  ) {
    const s = deps.state.settings
    this.#state = deps.state.counters('guard:source', Math.max(s.windowSeconds, s.blockSeconds))
  }

  /** The marks of the sources, in order. */
  read(sources: readonly Source[]): Promise<CountReading[]> {
    return this.#state.getMany(sources.map((src) => src.key))
  }

  /** Raises the source's challenge level to `level` (for one window) and records the detection. */
  async challenge(
    src: Source,
    kind: DetectionKind,
    level: number,
    details: Record<string, unknown>,
  ): Promise<void> {
    const { state, sightings } = this.deps
    const window = state.settings.windowSeconds
    const current = await this.#state.get(src.key)
    // A block stays a block until it ends.
    if (current.count >= BLOCKED) return
    if (current.count < level) {
      await this.#state.set(src.key, level, window)
      state.remember(src.key, window)
    }
    const actionUntil = state.now() + Math.max(current.msLeft, window * 1000)
    await sightings.record({
      kind,
      scope: src.scope,
      key: src.key,
      action: 'challenge',
      actionUntil,
      accountId: null,
      details: { ...details, level },
    })
  }

  /** Blocks the source for `blockSeconds` (a block running already keeps its end) and records the detection. */
  async block(src: Source, kind: DetectionKind, details: Record<string, unknown>): Promise<void> {
    const { state, sightings, metrics } = this.deps
    const seconds = state.settings.blockSeconds
    const current = await this.#state.get(src.key)
    const already = current.count >= BLOCKED
    if (!already) {
      await this.#state.set(src.key, BLOCKED, seconds)
      state.remember(src.key, seconds)
      metrics.block(src.scope)
    }
    const actionUntil = state.now() + (already ? current.msLeft : seconds * 1000)
    await sightings.record({
      kind,
      scope: src.scope,
      key: src.key,
      action: 'block',
      actionUntil,
      accountId: null,
      details,
    })
  }

  /** Ends the source's challenge level or block. */
  clear(key: string): Promise<void> {
    return this.#state.delete(key)
  }
}
