import type { Configuration } from 'oidc-provider'

type Fetch = NonNullable<Configuration['fetch']>

/**
 * How the provider reaches applications (back-channel logout tokens). By default through the
 * provider's own dispatcher, which refuses loopback, private and other special-use addresses.
 * GATEHOUSE_WEBHOOK_ALLOW_PRIVATE=true (development and tests only, as for webhooks) lifts that.
 */
export const outgoingFetch =
  (allowPrivate: boolean): Fetch =>
  (url, options) => {
    if (!allowPrivate) return globalThis.fetch(url, options)
    const { dispatcher: _ssrfChecked, ...rest } = options as RequestInit & { dispatcher?: unknown }
    return globalThis.fetch(url, rest)
  }
