import type Provider from 'oidc-provider'
import type { Clock } from '../../kernel/clock.js'
import type { KeySet } from './keys.js'

/** How often an instance looks for keys another one rotated. */
const KEY_CHECK_MS = 60_000

export interface Built {
  provider: Provider
  callback: ReturnType<Provider['callback']>
  version: string
}

/**
 * The provider, built on first use and rebuilt when the stored keys changed (looked at once a
 * minute at most, or at once after this instance rotated them).
 */
export const providerHolder = (deps: {
  clock: Clock
  keys: { current(): Promise<KeySet>; version(): Promise<string> }
  build: (keys: KeySet) => Promise<Provider>
}) => {
  let current: Built | null = null
  let building: Promise<Built> | null = null
  let checkedAt = Number.NEGATIVE_INFINITY

  const rebuild = async (now: number): Promise<Built> => {
    checkedAt = now
    if (current && (await deps.keys.version()) === current.version) return current
    const set = await deps.keys.current()
    const provider = await deps.build(set)
    current = { provider, callback: provider.callback(), version: set.version }
    return current
  }

  return {
    ready: (): Promise<Built> => {
      const now = deps.clock.now()
      if (current && now - checkedAt < KEY_CHECK_MS) return Promise.resolve(current)
      if (building) return building
      const pending = rebuild(now).finally(() => {
        building = null
      })
      building = pending
      return pending
    },
    /** The next use looks at the stored keys again. */
    stale: (): void => {
      checkedAt = Number.NEGATIVE_INFINITY
    },
  }
}
