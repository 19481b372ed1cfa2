/* Helpers the event sentences share: details as text, counts, channels, methods, detection sources. */

export type Details = Record<string, unknown>

/** What a sentence may know beyond the details: the display name of the event's account. */
export interface SentenceContext {
  /** The account's username (or "deleted account"), when the event has one. */
  account?: string | null
}

export type Sentence = (d: Details, ctx: SentenceContext) => string

/** A scalar detail as text; null for a missing value or for an object. */
export const text = (v: unknown): string | null => {
  if (typeof v === 'string') return v.length > 0 ? v : null
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : null
  if (typeof v === 'boolean') return v ? 'yes' : 'no'
  if (Array.isArray(v)) {
    const items = v.map(text).filter((x): x is string => x !== null)
    return items.length > 0 ? items.join(', ') : null
  }
  return null
}
/** `wrong_code` → `wrong code`. */
export const words = (v: unknown): string | null => text(v)?.replaceAll('_', ' ') ?? null
export const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)
/** `3 sessions`, `1 session`; null without a number. */
export const count = (v: unknown, one: string, many = `${one}s`): string | null => {
  const n = num(v)
  return n === null ? null : `${n} ${n === 1 ? one : many}`
}
/** Joins the parts that are there. */
export const join = (sep: string, ...parts: Array<string | null | false | undefined>): string =>
  parts.filter((p): p is string => typeof p === 'string' && p.length > 0).join(sep)
/** ` (text)` when there is a text, else nothing. */
export const paren = (s: string | null | undefined): string => (s ? ` (${s})` : '')
export const yes = (v: unknown): boolean => v === true

export const CHANNELS: Record<string, string> = { email: 'email', sms: 'text message', phone: 'text message' }
export const channel = (v: unknown): string | null => {
  const t = text(v)
  return t === null ? null : (CHANNELS[t] ?? t.replaceAll('_', ' '))
}
export const METHODS: Record<string, string> = {
  totp: 'an authenticator app (TOTP)',
  webauthn: 'a passkey',
  passkey: 'a passkey',
  email: 'email codes',
  sms: 'text-message codes',
  recovery_code: 'a recovery code',
  password: 'the password',
}
export const method = (v: unknown): string | null => {
  if (Array.isArray(v)) {
    const all = v.map(method).filter((x): x is string => x !== null)
    return all.length > 0 ? all.join(' or ') : null
  }
  const t = text(v)
  return t === null ? null : (METHODS[t] ?? t.replaceAll('_', ' '))
}
export const KINDS: Record<string, string> = {
  enumeration: 'account enumeration',
  recovery_flood: 'recovery flood',
  credential_stuffing: 'credential stuffing',
  brute_force: 'brute force',
  legacy_client: 'outdated clients',
  signup_refusals: 'refused sign-ups',
}
export const kind = (v: unknown): string => {
  const t = text(v)
  return t === null ? 'a detector' : (KINDS[t] ?? t.replaceAll('_', ' '))
}
export const ACTIONS: Record<string, string> = {
  none: 'recorded only',
  delay: 'slowed down',
  challenge: 'challenged',
  block: 'blocked',
}
/** A detection key (`ip:…`, `account:…`) as a person reads it; the event's account names itself. */
export const source = (key: unknown, ctx: SentenceContext): string | null => {
  const k = text(key)
  if (k === null) return null
  const at = k.indexOf(':')
  const scope = at < 0 ? '' : k.slice(0, at)
  const value = at < 0 ? k : k.slice(at + 1)
  switch (scope) {
    case 'ip':
      return `address ${value}`
    case 'subnet':
      return `network ${value}`
    case 'identifier':
      return 'one identifier as typed'
    case 'account':
      return ctx.account ? `account ${ctx.account}` : 'one account'
    case 'global':
      return 'all logins'
    default:
      return k
  }
}
export const prefix = (v: unknown): string => {
  const t = text(v)
  return t === null ? 'An API key' : `API key ghk_${t}…`
}
export const duration = (seconds: unknown): string | null => {
  const s = num(seconds)
  if (s === null) return null
  if (s % 86_400 === 0 && s >= 86_400) return count(s / 86_400, 'day')
  if (s % 3600 === 0 && s >= 3600) return count(s / 3600, 'hour')
  if (s % 60 === 0 && s >= 60) return `${s / 60} min`
  return `${s} s`
}
/** `{ email: 2, sms: 1 }` → `2 email, 1 text message`. */
export const perChannel = (v: unknown): string | null => {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return text(v)
  const parts = Object.entries(v as Record<string, unknown>)
    .filter(([, n]) => num(n) !== null)
    .map(([c, n]) => `${n} ${channel(c)}`)
  return parts.length > 0 ? parts.join(', ') : null
}
export const campaign = (what: string) => (d: Details) =>
  `${what}, by a campaign${paren(join(', ', text(d.campaign_id) && `campaign ${shortId(d.campaign_id)}`, text(d.incident_id) && `incident ${shortId(d.incident_id)}`))}`
export const shortId = (v: unknown): string => {
  const t = text(v) ?? ''
  return t.length > 12 ? `${t.slice(0, 8)}…` : t
}
