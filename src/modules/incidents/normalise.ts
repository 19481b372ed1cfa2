import type { CountryCode } from 'libphonenumber-js'
import { isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max'
import { normalizeUsername, parseEmail } from '../accounts/identifiers.js'

/**
 * Identifiers from a leak, in the forms accounts store them: usernames after NFKC and lower-casing,
 * emails ASCII-lowercased (the lookup form), phones in E.164. Leaks are messy: values are trimmed,
 * and phones written nationally ("020 7946 0958", "(0)20 7946 0958") are read with a default region.
 * Null when the value cannot name an account.
 */
export const leakedUsername = (raw: string): string | null => {
  const t = raw.trim()
  if (t === '') return null
  const u = normalizeUsername(t)
  return u.ok ? u.value : null
}

export const leakedEmail = (raw: string): string | null => {
  const e = parseEmail(raw.trim())
  return e.ok ? e.value.norm : null
}

const CANONICAL = /^\+[1-9]\d{6,14}$/

export const leakedPhone = (raw: string, region: CountryCode | undefined): string | null => {
  const t = raw.trim()
  if (t === '' || t.length > 64) return null
  const p = parsePhoneNumberFromString(t, region ? { defaultCountry: region } : undefined)
  // Invalid numbers are kept in their E.164 form: they name nobody, since accounts only hold valid ones.
  const n = p?.number
  return n && CANONICAL.test(n) ? n : null
}

/** An ISO 3166 two-letter region libphonenumber knows, upper-cased; null otherwise. */
export const phoneRegion = (raw: string): CountryCode | null => {
  const r = raw.trim().toUpperCase()
  return /^[A-Z]{2}$/.test(r) && isSupportedCountry(r) ? (r as CountryCode) : null
}
