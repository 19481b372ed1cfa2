import { subnetOf } from '../../kernel/net.js'
import type { RequestContext } from '../events/ports.js'
import type { Sightings } from './sightings.js'
import type { GuardState } from './state.js'
import type { SlidingWindow } from './windows.js'

/**
 * Legacy clients: `legacyClients.requests` requests from one address in the window refused for a
 * client below the minimum version. Recorded only (the refusal is the answer), with the version
 * and the network, so that the administrators see who still runs an old client.
 */
export class LegacyClientDetector {
  readonly #refused: SlidingWindow

  constructor(
    private readonly deps: {
      state: GuardState
      sightings: Sightings
    },
  ) {
    this.#refused = deps.state.window('guard:legacy', deps.state.settings.windowSeconds)
  }

  /** Counts a refused request of `version` from the address; returns the refusals in the window. */
  async refused(ctx: RequestContext, version: string): Promise<number> {
    const { state, sightings } = this.deps
    const ip = state.address(ctx.ip)
    const n = await this.#refused.add(ip.key)
    if (n < state.settings.legacyClients.requests) return n
    await sightings.record({
      kind: 'legacy_client',
      scope: 'ip',
      key: ip.key,
      action: 'none',
      actionUntil: null,
      accountId: null,
      details: {
        requests: Math.round(n),
        client_version: version.slice(0, 32),
        network: subnetOf(ctx.ip),
      },
    })
    return n
  }
}
