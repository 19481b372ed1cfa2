import { parsePhoneNumberFromString } from 'libphonenumber-js/max'

/**
 * Identifier rules. Usernames are ASCII after NFKC and lower-casing, which makes
 * look-alikes (Cyrillic "а", dotless "ı", "ß", zero-width characters) invalid
 * rather than a second account that looks the same. Emails are matched by an
 * ASCII-lowercased form and mail only ever goes to the address as stored.
 */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string }

const USERNAME = /^[a-z0-9_.]{3,32}$/

export const normalizeUsername = (raw: string): Parsed<string> => {
  if (raw.length > 256 || !raw.isWellFormed()) return { ok: false, reason: 'must be 3 to 32 characters' }
  const v = raw.normalize('NFKC').toLowerCase()
  if (!USERNAME.test(v)) {
    return { ok: false, reason: 'must be 3 to 32 characters: letters a-z, digits, underscore and dot' }
  }
  return { ok: true, value: v }
}

// RFC 5321-sized, ASCII-only address: dot-atom local part, a domain with at least one dot.
const LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/
const LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/

export interface Email {
  /** As given; the address mail goes to. */
  address: string
  /** Lookup key: ASCII-lowercased (no Unicode case folding). */
  norm: string
}

export const asciiLower = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase())

export const parseEmail = (raw: string): Parsed<Email> => {
  const bad = { ok: false as const, reason: 'must be an email address such as name@example.com' }
  if (raw.length > 254) return { ok: false, reason: 'must be at most 254 characters' }
  if (/[\r\n]/.test(raw)) return { ok: false, reason: 'must not contain line breaks' }
  const at = raw.lastIndexOf('@')
  if (at < 1) return bad
  const local = raw.slice(0, at)
  const domain = raw.slice(at + 1)
  if (local.length > 64 || !LOCAL.test(local)) return bad
  const labels = domain.split('.')
  if (
    labels.length < 2 ||
    !labels.every((l) => LABEL.test(l)) ||
    !/^[A-Za-z]{2,}$|^xn--/.test(labels.at(-1)!)
  ) {
    return bad
  }
  return { ok: true, value: { address: raw, norm: asciiLower(raw) } }
}

/** A phone number in E.164 (`+` and country code), as libphonenumber-js judges it valid. */
export const parsePhone = (raw: string): Parsed<string> => {
  const bad = {
    ok: false as const,
    reason: 'must be a valid phone number in E.164 form, such as +14155550123',
  }
  if (!/^\+[1-9]\d{6,14}$/.test(raw)) return bad
  const p = parsePhoneNumberFromString(raw)
  if (!p?.isValid()) return bad
  return { ok: true, value: p.number }
}

export type Identifier =
  | { kind: 'username'; value: string }
  | { kind: 'email'; value: string }
  | { kind: 'phone'; value: string }

/**
 * What a login or recovery identifier is, or null when it cannot name any
 * account. Callers treat null exactly like an unknown account.
 */
export const classifyIdentifier = (raw: string): Identifier | null => {
  if (raw.includes('@')) {
    const e = parseEmail(raw)
    return e.ok ? { kind: 'email', value: e.value.norm } : null
  }
  if (raw.startsWith('+')) {
    const p = parsePhone(raw.replace(/[\s().-]/g, ''))
    return p.ok ? { kind: 'phone', value: p.value } : null
  }
  const u = normalizeUsername(raw)
  return u.ok ? { kind: 'username', value: u.value } : null
}
