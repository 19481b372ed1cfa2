/*
 * What the pages need to know of this Gatehouse: branding, languages, the password rules, which
 * factors it offers, the CAPTCHA when one is configured, and whether the `return_to` of this visit
 * is one the service allows (GET /v1/pages/config). The pages follow only the `return_to` the
 * server answered, never the one in the address bar.
 */
import { api, data } from './api'

export interface PagesConfig {
  product_name: string
  logo_url: string | null
  accent: string
  support_url: string | null
  terms_url: string | null
  privacy_url: string | null
  default_locale: string
  locales: string[]
  password: { min_length: number; max_length: number; min_score: number; policy: string }
  passkeys: boolean
  sms: boolean
  captcha: { provider: string; site_key: string } | null
  /** The visit's `return_to`, when allowed; null otherwise. */
  return_to: string | null
}

export const loadConfig = async (returnTo: string | null): Promise<PagesConfig> =>
  (await data(
    api.GET(
      '/v1/pages/config' as never,
      {
        params: { query: returnTo ? { return_to: returnTo } : {} },
      } as never,
    ),
  )) as PagesConfig

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
