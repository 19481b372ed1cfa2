/*
 * What the pages need to know of this Gatehouse: branding, languages, the password rules, which
 * factors it offers, the CAPTCHA when one is configured, and whether the `return_to` of this visit
 * is one the service allows (GET /v1/pages/config). The pages follow only the `return_to` the
 * server answered, never the one in the address bar.
 */
import type { paths } from '@gatehouse/client'
import { api, data } from './api'

export type PagesConfig = paths['/v1/pages/config']['get']['responses'][200]['content']['application/json']

export const loadConfig = (returnTo: string | null): Promise<PagesConfig> =>
  data(api.GET('/v1/pages/config', { params: { query: returnTo ? { return_to: returnTo } : {} } }))

/**
 * The one-time values a link carried (`token`), taken from the address at start and removed from
 * it at once (history.replaceState), so that they are neither kept in history nor sent on.
 */
const taken: Record<string, string> = {}
export const takeFromUrl = (): void => {
  const url = new URL(location.href)
  let changed = false
  for (const name of ['token']) {
    const v = url.searchParams.get(name)
    if (v !== null) {
      taken[name] = v
      url.searchParams.delete(name)
      changed = true
    }
  }
  if (changed) history.replaceState(history.state, '', url.pathname + url.search + url.hash)
}
/** A value taken from the address at start (`token`), or null. */
export const linkValue = (name: 'token'): string | null => taken[name] ?? null
