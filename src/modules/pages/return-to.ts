/**
 * Where the account pages may send somebody after sign-in (`return_to`): only to an address under
 * one of the configured prefixes (GATEHOUSE_RETURN_URLS), compared after the URL parser has
 * resolved it exactly as a browser will, and answered in that resolved form — so what is checked is
 * what is followed. Anything else (another origin, a scheme that runs code, user information, a
 * path that only starts like an allowed one, control characters, backslashes) is ignored, never
 * followed: Gatehouse is not an open redirect.
 */

/** Longest `return_to` considered; longer ones are ignored. */
export const RETURN_TO_MAX = 2048

interface Prefix {
  origin: string
  /** The allowed path, with a trailing `/` unless it is exactly matched too. */
  path: string
}

const prefixOf = (allowed: string): Prefix => {
  const u = new URL(allowed)
  return { origin: u.origin, path: u.pathname }
}

/** Whether `path` is `allowed` itself or lies under it as a directory (`/app` allows `/app/x`, not `/apple`). */
const under = (path: string, allowed: string): boolean => {
  if (allowed.endsWith('/')) return path.startsWith(allowed)
  return path === allowed || path.startsWith(`${allowed}/`)
}

/** A checker for the configured prefixes: the URL to follow, resolved, or null. */
export const returnToChecker = (allowList: readonly string[]) => {
  const prefixes = allowList.map(prefixOf)
  return (raw: unknown): string | null => {
    if (typeof raw !== 'string' || raw.length === 0 || raw.length > RETURN_TO_MAX) return null
    // Whitespace, control characters and backslashes: parsers and browsers disagree on them.
    if (/[\s\p{Cc}\\]/u.test(raw)) return null
    let url: URL
    try {
      url = new URL(raw)
    } catch {
      return null
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null
    if (url.username !== '' || url.password !== '') return null
    const match = prefixes.some((p) => p.origin === url.origin && under(url.pathname, p.path))
    return match ? url.href : null
  }
}
