import { sourceOf } from '../../kernel/net.js'
import type { RequestContext } from '../events/ports.js'
import type { Sightings } from './sightings.js'
import type { GuardState } from './state.js'
import type { SlidingWindow } from './windows.js'

/**
 * Recovery flood: `recoveryFlood.requests` recovery requests reaching one account in its own
 * window (`recoveryFlood.windowSeconds`). Recorded only, with the number of distinct addresses
 * they came from: the per-account caps of recovery hold the mail.
 */
export class RecoveryFloodDetector {
  readonly #requests: SlidingWindow
  readonly #sources: SlidingWindow

  constructor(
    private readonly deps: {
      state: GuardState
      sightings: Sightings
    },
  ) {
    const seconds = deps.state.settings.recoveryFlood.windowSeconds
    this.#requests = deps.state.window('guard:recovery_flood', seconds)
    this.#sources = deps.state.window('guard:recovery_flood_sources', seconds)
  }

  /** Counts a recovery request that reached the account; returns the requests in the window. */
  async requested(ctx: RequestContext, accountId: string): Promise<number> {
    const { state, sightings } = this.deps
    const rf = state.settings.recoveryFlood
    const [requests, sources] = await Promise.all([
      this.#requests.add(accountId),
      this.#sources.addDistinct(state.seen, `rf:${accountId}`, sourceOf(ctx.ip).address),
    ])
    if (requests < rf.requests) return requests
    await sightings.record({
      kind: 'recovery_flood',
      scope: 'account',
      key: `account:${accountId}`,
      action: 'none',
      actionUntil: null,
      accountId,
      details: {
        requests: Math.round(requests),
        sources: Math.round(sources),
        window_seconds: rf.windowSeconds,
      },
    })
    return requests
  }
}
