/**
 * The languages Gatehouse writes in (account pages, mails and texts), and how a request names the
 * one it wants: `Accept-Language` (RFC 9110, 12.5.4), read as the first language Gatehouse has in
 * the order of the caller's q-values.
 */

/** Languages with a complete catalog for the account pages, mails and texts. */
export const LOCALES = ['en', 'de'] as const
export type Locale = (typeof LOCALES)[number]

export const isLocale = (v: unknown): v is Locale =>
  typeof v === 'string' && (LOCALES as readonly string[]).includes(v)

/** Longest `Accept-Language` value read; a longer one is cut there (never a reason to fail a request). */
const MAX_HEADER = 1024
/** Most language ranges looked at. */
const MAX_RANGES = 32

const RANGE = /^(?:\*|[a-z]{1,8}(?:-[a-z0-9]{1,8})*)$/
const QVALUE = /^(?:0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)$/

/**
 * The language ranges of an `Accept-Language` value, best first: by q-value, ties in the order
 * given. Malformed ranges and parameters are skipped; `q=0` ("not this one") is left out.
 */
export const languageRanges = (header: string): string[] => {
  const ranges: Array<{ range: string; q: number; index: number }> = []
  const parts = header.slice(0, MAX_HEADER).split(',').slice(0, MAX_RANGES)
  for (const [index, part] of parts.entries()) {
    const [rawRange, ...params] = part.split(';')
    const range = (rawRange ?? '').trim().toLowerCase()
    if (!RANGE.test(range)) continue
    let q = 1
    let valid = true
    for (const param of params) {
      const [name, value] = param.split('=').map((s) => s.trim())
      if (name?.toLowerCase() !== 'q') continue
      if (value === undefined || !QVALUE.test(value)) {
        valid = false
        break
      }
      q = Number(value)
    }
    if (!valid || q <= 0) continue
    ranges.push({ range, q, index })
  }
  return ranges.sort((a, b) => b.q - a.q || a.index - b.index).map((r) => r.range)
}

/**
 * The first of Gatehouse's languages the header asks for, in the caller's order of preference: a
 * range names a language by its primary subtag (`de-AT` is `de`); `*` names none in particular (the
 * caller takes anything, so the default applies). Null when none is named.
 */
export const localeFromAcceptLanguage = (header: string | string[] | undefined): Locale | null => {
  const value = Array.isArray(header) ? header.join(',') : header
  if (!value) return null
  for (const range of languageRanges(value)) {
    const primary = range.split('-')[0]
    if (isLocale(primary)) return primary
  }
  return null
}
