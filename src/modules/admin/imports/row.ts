import { isLocale } from '../../../kernel/locale.js'
import { isRole, ROLE_RANK } from '../../../kernel/roles.js'
import { normalizeUsername, parseEmail, parsePhone } from '../../accounts/identifiers.js'
import type { ImportedHash } from '../../accounts/legacy/index.js'
import type { ImportField } from './ports.js'

/** A row that passed validation: its normalised fields, before the batch's lookup. */
export interface CandidateRow {
  line: number
  externalId: string | null
  username: string
  email: string
  emailNorm: string
  emailVerified: boolean
  phone: string | null
  phoneVerified: boolean
  role: string
  locale: string | null
  createdAt: number | null
  hash: ImportedHash
  totpSecret: string | null
}

const HASH_FORMATS = new Set([
  'bcrypt',
  'argon2',
  'scrypt',
  'firebase-scrypt',
  'pbkdf2',
  'md5',
  'sha1',
  'sha256',
])
const TRUE = new Set(['true', '1', 'yes', 't', 'y'])
const FALSE = new Set(['false', '0', 'no', 'f', 'n', ''])
const BASE32 = /^[A-Z2-7]+=*$/
/** Earliest time a created-at may name (2000-01-01); later than now is refused too. */
const EARLIEST = Date.UTC(2000, 0, 1)

const flag = (v: string | undefined): boolean | null => {
  const t = (v ?? '').trim().toLowerCase()
  if (TRUE.has(t)) return true
  if (FALSE.has(t)) return false
  return null
}

/** ISO 8601, or epoch seconds (up to 11 digits) or milliseconds. */
const instant = (v: string, now: number): number | null => {
  const t = v.trim()
  let at: number
  if (/^\d{1,15}$/.test(t)) at = t.length <= 11 ? Number(t) * 1000 : Number(t)
  else if (/^\d{4}-\d\d-\d\d/.test(t)) at = Date.parse(t)
  else return null
  return Number.isFinite(at) && at >= EARLIEST && at <= now + 86_400_000 ? at : null
}

/** A TOTP secret as base32 (spaces and case ignored), 80 to 512 bits. */
const totpSecret = (v: string): string | null => {
  const s = v.replace(/\s+/g, '').toUpperCase()
  if (!BASE32.test(s)) return null
  const bits = s.replace(/=+$/, '').length * 5
  return bits >= 80 && bits <= 512 ? s : null
}

export interface RowRules {
  /** The importing staff member's rank: a row giving a role above it is bad. */
  rank: number
  /** The format of every row's hash when the file has no format column. */
  hashFormat: string | undefined
  hashParams: Record<string, string | number> | undefined
  now: number
}

/**
 * Validates one row with the rules of account creation; returns the candidate or the reason it is
 * bad (a reason names the field, never its value).
 */
export const readRow = (
  line: number,
  v: Partial<Record<ImportField, string>>,
  rules: RowRules,
): CandidateRow | string => {
  if (v.username === undefined) return 'no username'
  const username = normalizeUsername(v.username)
  if (!username.ok) return `the username ${username.reason}`
  if (v.email === undefined) return 'no email address'
  const email = parseEmail(v.email.trim())
  if (!email.ok) return `the email address ${email.reason}`
  const emailVerified = flag(v.email_verified)
  if (emailVerified === null) return 'email_verified must be true or false'
  let phone: string | null = null
  if (v.phone !== undefined) {
    const p = parsePhone(v.phone.trim())
    if (!p.ok) return `the phone number ${p.reason}`
    phone = p.value
  }
  const phoneVerified = flag(v.phone_verified)
  if (phoneVerified === null) return 'phone_verified must be true or false'
  const role = (v.role ?? 'user').trim().toLowerCase()
  if (!isRole(role)) return 'unknown role'
  if (ROLE_RANK[role] > rules.rank) return `the role ${role} ranks above the importing staff member's`
  const locale = v.locale === undefined ? null : v.locale.trim()
  if (locale !== null && !isLocale(locale)) return 'unknown locale'
  let createdAt: number | null = null
  if (v.created_at !== undefined) {
    createdAt = instant(v.created_at, rules.now)
    if (createdAt === null) return 'created_at must be an ISO 8601 time or epoch seconds or milliseconds'
  }
  if (v.password_hash === undefined) return 'no password hash'
  const format = (v.password_format ?? rules.hashFormat ?? '').trim().toLowerCase()
  if (format === '') return 'no password hash format'
  if (!HASH_FORMATS.has(format)) return 'unknown password hash format'
  let totp: string | null = null
  if (v.totp_secret !== undefined) {
    totp = totpSecret(v.totp_secret)
    if (totp === null) return 'the TOTP secret must be base32 of 80 to 512 bits'
  }
  const externalId = v.external_id?.trim() || null
  if (externalId !== null && externalId.length > 256) return 'the external id is longer than 256 characters'
  return {
    line,
    externalId,
    username: username.value,
    email: email.value.address,
    emailNorm: email.value.norm,
    emailVerified,
    phone,
    phoneVerified: phone !== null && phoneVerified,
    role,
    locale,
    createdAt,
    hash: {
      format: format as ImportedHash['format'],
      hash: v.password_hash.trim(),
      ...(v.salt !== undefined ? { salt: v.salt } : {}),
      ...(rules.hashParams ? { params: rules.hashParams } : {}),
    },
    totpSecret: totp,
  }
}
