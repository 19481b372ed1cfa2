import { DAY } from '../../kernel/clock.js'
import type { Scope } from './authorize.js'

/** Risk flags of the access review; docs/admin.md describes each. */
export const REVIEW_FLAGS = [
  'unused_90d',
  'wildcard_scope',
  'admin_scope',
  'no_second_factor',
  'key_older_365d',
  'never_expires',
  'broad_scopes',
  'no_owner',
  'secret_older_365d',
  'no_mfa_required',
] as const
export type ReviewFlag = (typeof REVIEW_FLAGS)[number]

export const REVIEW_ACTIONS = ['revoke', 'rotate', 'set_expiry', 'enrol_factor', 'none'] as const
export type ReviewAction = (typeof REVIEW_ACTIONS)[number]

/** Scopes that administer access itself, accounts, where security events go, or where sign-ins are sent. */
export const ADMIN_SCOPES: readonly Scope[] = [
  'access:write',
  'accounts:write',
  'webhooks:write',
  'oidc_clients:write',
]

export const UNUSED_AFTER_MS = 90 * DAY
export const OLD_KEY_AFTER_MS = 365 * DAY

export const PRINCIPAL_KINDS = ['api_key', 'partner', 'oidc_client'] as const
export type PrincipalKind = (typeof PRINCIPAL_KINDS)[number]
export type PrincipalStatus = 'active' | 'rotating' | 'client_disabled' | 'revoked'

export interface ReviewEntry {
  /** `api_key:<id>`, `account:<id>` or `oidc_client:<client id>` */
  principalId: string
  kind: PrincipalKind
  /** The key's client name and prefix, the partner's username, or the application's name. */
  name: string
  clientId: string | null
  clientName: string | null
  keyPrefix: string | null
  accountId: string | null
  ownerAccountId: string | null
  scopes: string[]
  status: PrincipalStatus
  createdAt: number
  lastUsedAt: number | null
  lastUsedIp: string | null
  expiresAt: number | null
  flags: ReviewFlag[]
  action: ReviewAction
  reason: string
}

const days = (ms: number) => Math.floor(ms / DAY)

/** Flags of an API key. `ownerHasFactor` is whether the client's owner has a confirmed second factor. */
export const keyFlags = (
  k: { scopes: string[]; createdAt: number; lastUsedAt: number | null; expiresAt: number | null },
  ownerHasFactor: boolean,
  now: number,
): ReviewFlag[] => {
  const flags: ReviewFlag[] = []
  if (now - (k.lastUsedAt ?? k.createdAt) >= UNUSED_AFTER_MS) flags.push('unused_90d')
  if (k.scopes.includes('*')) flags.push('wildcard_scope')
  if (k.scopes.some((s) => (ADMIN_SCOPES as readonly string[]).includes(s))) flags.push('admin_scope')
  if (!ownerHasFactor) flags.push('no_second_factor')
  if (now - k.createdAt >= OLD_KEY_AFTER_MS) flags.push('key_older_365d')
  if (k.expiresAt === null) flags.push('never_expires')
  return flags
}

/** Flags of a partner account: it holds no key, so only use and the second factor count. */
export const partnerFlags = (
  p: { createdAt: number; lastUsedAt: number | null },
  hasFactor: boolean,
  now: number,
): ReviewFlag[] => {
  const flags: ReviewFlag[] = []
  if (now - (p.lastUsedAt ?? p.createdAt) >= UNUSED_AFTER_MS) flags.push('unused_90d')
  if (!hasFactor) flags.push('no_second_factor')
  return flags
}

/** What the review reads of an application (an OpenID Connect client). */
export interface ApplicationFacts {
  scopes: readonly string[]
  ownerAccountId: string | null
  requireAcr: string | null
  createdAt: number
  lastUsedAt: number | null
  secretCreatedAt: number | null
}

/** Scopes that reach contact data or outlive the sign-in (the OIDC module's SENSITIVE_SCOPES). */
const SENSITIVE_APPLICATION_SCOPES = ['email', 'phone', 'offline_access']

/**
 * Flags of an application: unused; broad scopes (four or more, or offline_access with email or
 * phone); no owner; a secret a year old; a sensitive scope without a second factor required.
 */
export const applicationFlags = (a: ApplicationFacts, now: number): ReviewFlag[] => {
  const flags: ReviewFlag[] = []
  const has = (s: string) => a.scopes.includes(s)
  if (now - (a.lastUsedAt ?? a.createdAt) >= UNUSED_AFTER_MS) flags.push('unused_90d')
  if (a.scopes.length >= 4 || (has('offline_access') && (has('email') || has('phone'))))
    flags.push('broad_scopes')
  if (a.ownerAccountId === null) flags.push('no_owner')
  if (a.secretCreatedAt !== null && now - a.secretCreatedAt >= OLD_KEY_AFTER_MS)
    flags.push('secret_older_365d')
  if (
    (a.requireAcr === null || a.requireAcr === 'pwd') &&
    a.scopes.some((s) => SENSITIVE_APPLICATION_SCOPES.includes(s))
  )
    flags.push('no_mfa_required')
  return flags
}

/** Applications: unused → revoke (disable it); old secret → rotate; else say what to change. */
const recommendApplication = (
  status: PrincipalStatus,
  flags: readonly ReviewFlag[],
  unused: string,
  facts: { now: number; secretCreatedAt?: number | null },
): { action: ReviewAction; reason: string } => {
  const has = (f: ReviewFlag) => flags.includes(f)
  if (status === 'client_disabled') return { action: 'none', reason: 'disabled: it signs nobody in' }
  if (has('unused_90d')) return { action: 'revoke', reason: `${unused}: disable or delete the application` }
  if (has('secret_older_365d'))
    return {
      action: 'rotate',
      reason: `secret created ${days(facts.now - (facts.secretCreatedAt ?? facts.now))} days ago: rotate it`,
    }
  if (has('no_mfa_required'))
    return {
      action: 'none',
      reason: 'allowed contact data or offline access without a second factor: set require_acr to mfa',
    }
  if (has('no_owner')) return { action: 'none', reason: 'nobody answers for it: set an owner' }
  if (has('broad_scopes'))
    return { action: 'none', reason: 'broad scopes: check that the application needs them' }
  return { action: 'none', reason: 'no risk found' }
}

/**
 * The one action a reviewer should take first, and why. Keys: unused → revoke; `*` → revoke (after
 * issuing a key with only the scopes in use); older than a year → rotate; no expiry → set expiry;
 * owner without a second factor → enrol factor. Partners: no factor → enrol factor; unused → revoke.
 */
export const recommend = (
  kind: PrincipalKind,
  status: PrincipalStatus,
  flags: readonly ReviewFlag[],
  facts: { lastUsedAt: number | null; createdAt: number; now: number; secretCreatedAt?: number | null },
): { action: ReviewAction; reason: string } => {
  const has = (f: ReviewFlag) => flags.includes(f)
  const idle = days(facts.now - (facts.lastUsedAt ?? facts.createdAt))
  const unused =
    facts.lastUsedAt === null
      ? `never used in the ${idle} days since it was created`
      : `unused for ${idle} days`
  if (status === 'revoked') return { action: 'none', reason: 'access revoked: login locked until reinstated' }
  if (status === 'rotating') return { action: 'none', reason: 'rotated: stops working when the overlap ends' }
  if (kind === 'oidc_client') return recommendApplication(status, flags, unused, facts)
  if (kind === 'partner') {
    if (has('no_second_factor'))
      return { action: 'enrol_factor', reason: 'partner account without a confirmed second factor' }
    if (has('unused_90d')) return { action: 'revoke', reason: `${unused}: nobody depends on it` }
    return { action: 'none', reason: 'no risk found' }
  }
  if (has('unused_90d')) return { action: 'revoke', reason: `${unused}: nobody depends on it` }
  if (has('wildcard_scope'))
    return {
      action: 'revoke',
      reason: 'holds every scope (*): issue a key with only the scopes the client uses, then revoke this one',
    }
  if (has('key_older_365d'))
    return { action: 'rotate', reason: `created ${days(facts.now - facts.createdAt)} days ago` }
  if (has('never_expires')) return { action: 'set_expiry', reason: 'the key never expires' }
  if (has('no_second_factor'))
    return { action: 'enrol_factor', reason: "the client's owner has no confirmed second factor" }
  if (has('admin_scope'))
    return { action: 'none', reason: 'administrative scopes: check that the client still needs them' }
  return { action: 'none', reason: 'no risk found' }
}

export const REVIEW_SORTS = ['risk', 'name', 'kind', 'created_at', 'last_used_at'] as const
export type ReviewSort = (typeof REVIEW_SORTS)[number]

const ACTION_WEIGHT: Record<ReviewAction, number> = {
  revoke: 4,
  rotate: 3,
  enrol_factor: 2,
  set_expiry: 1,
  none: 0,
}

export const filterAndSort = (
  entries: ReviewEntry[],
  q: {
    flags?: readonly ReviewFlag[]
    kind?: PrincipalKind
    action?: ReviewAction
    sort?: ReviewSort
    order?: 'asc' | 'desc'
  },
): ReviewEntry[] => {
  const kept = entries.filter(
    (e) =>
      (!q.kind || e.kind === q.kind) &&
      (!q.action || e.action === q.action) &&
      (q.flags ?? []).every((f) => e.flags.includes(f)),
  )
  const sort = q.sort ?? 'risk'
  const order = q.order ?? (sort === 'risk' ? 'desc' : 'asc')
  const key = (e: ReviewEntry): number | string => {
    switch (sort) {
      case 'risk':
        return ACTION_WEIGHT[e.action] * 100 + e.flags.length
      case 'name':
        return e.name.toLowerCase()
      case 'kind':
        return e.kind
      case 'created_at':
        return e.createdAt
      case 'last_used_at':
        // Never used sorts as the oldest use.
        return e.lastUsedAt ?? 0
    }
  }
  const sign = order === 'asc' ? 1 : -1
  return kept.sort((a, b) => {
    const x = key(a)
    const y = key(b)
    if (x < y) return -sign
    if (x > y) return sign
    return a.principalId < b.principalId ? -1 : a.principalId > b.principalId ? 1 : 0
  })
}

export const CSV_COLUMNS = [
  'principal_id',
  'kind',
  'name',
  'status',
  'client_id',
  'client_name',
  'key_prefix',
  'account_id',
  'owner_account_id',
  'scopes',
  'created_at',
  'last_used_at',
  'last_used_ip',
  'expires_at',
  'flags',
  'recommended_action',
  'reason',
] as const

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, quote or line break, quotes doubled. A
 * cell that a spreadsheet would read as a formula (starting with = + - @, tab or carriage return)
 * is prefixed with a single quote, so that it shows as text.
 */
export const csvCell = (value: string): string => {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
}

const iso = (t: number | null) => (t === null ? '' : new Date(t).toISOString())

export const toCsv = (entries: readonly ReviewEntry[]): string => {
  const rows = entries.map((e) =>
    [
      e.principalId,
      e.kind,
      e.name,
      e.status,
      e.clientId ?? '',
      e.clientName ?? '',
      e.keyPrefix ?? '',
      e.accountId ?? '',
      e.ownerAccountId ?? '',
      e.scopes.join(' '),
      iso(e.createdAt),
      iso(e.lastUsedAt),
      e.lastUsedIp ?? '',
      iso(e.expiresAt),
      e.flags.join(' '),
      e.action,
      e.reason,
    ]
      .map(csvCell)
      .join(','),
  )
  return `${[CSV_COLUMNS.join(','), ...rows].join('\r\n')}\r\n`
}

/** The review as a fixed-width text table, for the terminal. */
export const toTable = (entries: readonly ReviewEntry[], now: number): string => {
  const ago = (t: number | null) => (t === null ? 'never' : `${days(now - t)}d ago`)
  const head = ['PRINCIPAL', 'KIND', 'NAME', 'STATUS', 'LAST USE', 'FLAGS', 'ACTION', 'REASON']
  const rows = entries.map((e) => [
    e.principalId,
    e.kind,
    e.name,
    e.status,
    ago(e.lastUsedAt),
    e.flags.join(',') || '-',
    e.action,
    e.reason,
  ])
  // Names come from administrators and partners: no control characters reach the terminal.
  const clean = (s: string) => [...s].map((ch) => (/\p{Cc}/u.test(ch) ? '?' : ch)).join('')
  const cells = [head, ...rows].map((r) => r.map(clean))
  const widths = head.map((_, i) => Math.min(60, Math.max(...cells.map((r) => r[i]!.length))))
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.slice(0, widths[i]!).padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()
  return `${cells.map(line).join('\n')}\n${entries.length} principal${entries.length === 1 ? '' : 's'}\n`
}
