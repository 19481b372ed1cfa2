/*
 * Security events in plain words: one sentence per event type of the vocabulary (docs/events.md),
 * built from the event's details. A test (test/console/event-sentences.test.ts) fails when a type
 * of the vocabulary has no sentence here, or when a sentence shows a raw placeholder.
 *
 * Plain TypeScript (no DOM, no React): the console renders these, and tests import them directly.
 */

export type Details = Record<string, unknown>

/** What a sentence may know beyond the details: the display name of the event's account. */
export interface SentenceContext {
  /** The account's username (or "deleted account"), when the event has one. */
  account?: string | null
}

type Sentence = (d: Details, ctx: SentenceContext) => string

/** A scalar detail as text; null for a missing value or for an object. */
const text = (v: unknown): string | null => {
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
const words = (v: unknown): string | null => text(v)?.replaceAll('_', ' ') ?? null
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)
/** `3 sessions`, `1 session`; null without a number. */
const count = (v: unknown, one: string, many = `${one}s`): string | null => {
  const n = num(v)
  return n === null ? null : `${n} ${n === 1 ? one : many}`
}
/** Joins the parts that are there. */
const join = (sep: string, ...parts: Array<string | null | false | undefined>): string =>
  parts.filter((p): p is string => typeof p === 'string' && p.length > 0).join(sep)
/** ` (text)` when there is a text, else nothing. */
const paren = (s: string | null | undefined): string => (s ? ` (${s})` : '')
const yes = (v: unknown): boolean => v === true

const CHANNELS: Record<string, string> = { email: 'email', sms: 'text message', phone: 'text message' }
const channel = (v: unknown): string | null => {
  const t = text(v)
  return t === null ? null : (CHANNELS[t] ?? t.replaceAll('_', ' '))
}
const METHODS: Record<string, string> = {
  totp: 'an authenticator app (TOTP)',
  webauthn: 'a passkey',
  passkey: 'a passkey',
  email: 'email codes',
  sms: 'text-message codes',
  recovery_code: 'a recovery code',
  password: 'the password',
}
const method = (v: unknown): string | null => {
  if (Array.isArray(v)) {
    const all = v.map(method).filter((x): x is string => x !== null)
    return all.length > 0 ? all.join(' or ') : null
  }
  const t = text(v)
  return t === null ? null : (METHODS[t] ?? t.replaceAll('_', ' '))
}
const KINDS: Record<string, string> = {
  enumeration: 'account enumeration',
  recovery_flood: 'recovery flood',
  credential_stuffing: 'credential stuffing',
  brute_force: 'brute force',
  legacy_client: 'outdated clients',
  signup_refusals: 'refused sign-ups',
}
const kind = (v: unknown): string => {
  const t = text(v)
  return t === null ? 'a detector' : (KINDS[t] ?? t.replaceAll('_', ' '))
}
const ACTIONS: Record<string, string> = {
  none: 'recorded only',
  delay: 'slowed down',
  challenge: 'challenged',
  block: 'blocked',
}
/** A detection key (`ip:…`, `account:…`) as a person reads it; the event's account names itself. */
const source = (key: unknown, ctx: SentenceContext): string | null => {
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
const prefix = (v: unknown): string => {
  const t = text(v)
  return t === null ? 'An API key' : `API key ghk_${t}…`
}
const duration = (seconds: unknown): string | null => {
  const s = num(seconds)
  if (s === null) return null
  if (s % 86_400 === 0 && s >= 86_400) return count(s / 86_400, 'day')
  if (s % 3600 === 0 && s >= 3600) return count(s / 3600, 'hour')
  if (s % 60 === 0 && s >= 60) return `${s / 60} min`
  return `${s} s`
}
/** `{ email: 2, sms: 1 }` → `2 email, 1 text message`. */
const perChannel = (v: unknown): string | null => {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return text(v)
  const parts = Object.entries(v as Record<string, unknown>)
    .filter(([, n]) => num(n) !== null)
    .map(([c, n]) => `${n} ${channel(c)}`)
  return parts.length > 0 ? parts.join(', ') : null
}
const campaign = (what: string) => (d: Details) =>
  `${what}, by a campaign${paren(join(', ', text(d.campaign_id) && `campaign ${shortId(d.campaign_id)}`, text(d.incident_id) && `incident ${shortId(d.incident_id)}`))}`
const shortId = (v: unknown): string => {
  const t = text(v) ?? ''
  return t.length > 12 ? `${t.slice(0, 8)}…` : t
}

const LOGIN_FAILURES: Record<string, string> = {
  unknown_identifier: 'no account has that identifier',
  bad_password: 'wrong password',
  unverified: 'the email address is not verified yet',
  locked: 'the account is locked',
  reset_required: 'a password reset is required first',
  access_revoked: 'access was revoked',
}
const SUPPRESSIONS: Record<string, (d: Details) => string> = {
  cap: (d) => `the outbound budget${paren(words(d.budget))} is spent`,
  recent_token: () => 'a recovery link sent moments ago is still valid',
  reset_lock: () => 'the reset lock asks for a second-factor code first',
  staff: () => 'a staff account without a TOTP factor or passkey is reset only by an operator',
}

/** The sentence of each event type, from its details. */
export const eventSentences: Record<string, Sentence> = {
  account_created: () => 'Account registered; the email address is not verified yet',
  account_signup_existing_email: () =>
    "Someone tried to sign up with this account's email address; the owner was told",
  account_email_verified: () => 'Email address verified by the holder',
  account_verification_resend: (d) =>
    d.outcome === 'sent'
      ? 'A new verification mail was asked for and sent'
      : d.outcome === 'capped'
        ? 'A new verification mail was asked for — not sent: the resend limit was reached'
        : 'A new verification mail was asked for — nothing sent (unknown or already verified address)',
  account_phone_changed: (d) =>
    join(
      '; ',
      'Phone number set, unverified until its code is entered',
      yes(d.had_verified_phone) && 'it replaced a verified number',
      yes(d.notice_queued) && 'a notice went to the old number',
      d.code_queued === false && 'the code could not be sent',
    ),
  account_phone_verified: () =>
    'Phone number verified: it now identifies the account for login and SMS recovery',
  account_phone_verify_fail: (d) =>
    `Phone verification failed: ${
      d.reason === 'wrong_code'
        ? `wrong code${num(d.attempts) !== null ? ` (attempt ${d.attempts} of 5)` : ''}`
        : d.reason === 'no_code'
          ? 'no code was pending'
          : d.reason === 'phone_taken'
            ? 'the number is verified on another account'
            : (words(d.reason) ?? 'the code did not match')
    }`,
  account_phone_removed: (d) =>
    `Phone number removed${d.was_verified === undefined ? '' : d.was_verified ? ' (it was verified)' : ' (it was never verified)'}`,
  account_unverified_deleted: (d) =>
    `${count(d.count, 'account') ?? 'Accounts'} whose email was never verified removed after the retention period`,
  authn_login_success: (d) =>
    `Signed in ${
      d.method === 'passkey'
        ? 'with a passkey'
        : text(d.second_factor)
          ? `with the password and ${method(d.second_factor)}`
          : 'with the password'
    }`,
  authn_login_fail: (d) =>
    `Login failed: ${LOGIN_FAILURES[text(d.reason) ?? ''] ?? words(d.reason) ?? 'refused'}`,
  authn_password_rehashed: () => 'Password hash upgraded to the current parameters at login',
  authn_password_change: () => 'Password changed by the holder',
  authn_password_change_fail: (d) =>
    `Password change refused: ${d.reason === 'wrong_current_password' ? 'wrong current password' : (words(d.reason) ?? 'the new password does not meet the policy')}`,
  authn_password_change_required: () =>
    'Signed in with a password shorter than the policy now asks: it must be changed before anything else',
  session_logout: () => 'Signed out',
  session_revoked: (d) =>
    yes(d.all_but_current)
      ? `${count(d.count, 'other session') ?? 'Every other session'} ended by the holder`
      : 'A session was ended by the holder from another session',
  client_outdated: (d) =>
    `Request refused: client version ${text(d.version) ?? '(unknown)'} is below the minimum`,
  authn_password_reset_requested: (d) =>
    `Password reset requested — a link was sent${channel(d.channel) ? ` by ${channel(d.channel)}` : ''}`,
  'recovery.suppressed': (d) =>
    `Password reset requested${channel(d.channel) ? ` by ${channel(d.channel)}` : ''} — suppressed: ${
      SUPPRESSIONS[text(d.reason) ?? '']?.(d) ?? words(d.reason) ?? 'refused'
    }. Nothing was sent`,
  authn_password_reset_completed: (d) =>
    join(
      '; ',
      'Password reset with a recovery link',
      count(d.revoked_sessions, 'session') && `${count(d.revoked_sessions, 'session')} ended`,
      text(d.notified) && `${text(d.notified)} told`,
    ),
  authn_mfa_fail: (d) =>
    d.reason === 'account_limit'
      ? "Second-factor code refused: the account's attempt budget is spent"
      : `Wrong second-factor code${text(d.during) ? ` at ${words(d.during)}` : ''}${paren(join(', ', method(d.method), num(d.attempts) !== null && `attempt ${d.attempts}`))}`,
  authn_mfa_enabled: (d) =>
    `Second factor added: ${method(d.method) ?? 'a new factor'}${num(d.replaced_factors) ? ` (replacing ${count(d.replaced_factors, 'factor')})` : ''}`,
  authn_mfa_challenge: (d) =>
    `Right password; a second factor was asked for${method(d.methods) ? ` (${method(d.methods)})` : ''}`,
  authn_recovery_code_used: (d) =>
    `A recovery code was used in place of the second factor${num(d.remaining) !== null ? `; ${d.remaining} left` : ''}`,
  authn_recovery_codes_regenerated: () => 'New recovery codes replaced the old ones',
  account_locked: () => '"This wasn\'t me" link used: sessions ended, login blocked until recovery',
  'recovery.reset_lock_changed': (d) =>
    `Reset lock turned ${d.enabled === false ? 'off' : 'on'}${text(d.by) ? ` by the ${words(d.by)}` : ''}${num(d.accounts) !== null ? ` for ${count(d.accounts, 'account')}` : ''}`,
  authn_reauth_fail: (d) =>
    d.reason === 'account_limit'
      ? "Re-authentication refused: the account's budget of tries is spent. Nothing changed"
      : `Re-authentication failed${method(d.method) ? ` with ${method(d.method)}` : ''}. Nothing changed`,
  authn_reauth: (d) =>
    `Re-authenticated${method(d.method) ? ` with ${method(d.method)}` : ''} before a sensitive change`,
  authn_mfa_removed: (d) =>
    `Second factor removed: ${method(d.method) ?? 'a factor'}${num(d.remaining) !== null ? `; ${d.remaining} left` : ''}`,
  account_email_change_requested: (d) =>
    d.outcome === 'address_in_use'
      ? 'Email change requested to an address another account holds: no link was sent, its owner was told'
      : 'Email change requested: a link went to the new address and a notice to the old one',
  account_email_changed: () => 'Email address changed through its link; the old address was told',
  account_password_reset_by_operator: (d) =>
    join(
      '; ',
      'Password reset by an operator: a one-time password to change at the next login',
      count(d.revoked_sessions, 'session') && `${count(d.revoked_sessions, 'session')} ended`,
    ),
  account_role_changed: (d) =>
    `Role changed from ${text(d.from) ?? '(unknown)'} to ${text(d.to) ?? '(unknown)'}`,
  authn_mfa_enrolment_required: (d) =>
    `Signed in without the second factor ${text(d.role) ? `the ${text(d.role)} role` : 'the role'} requires: the session may only enrol one`,
  authn_webauthn_fail: (d) =>
    `Passkey ${d.during === 'register' ? 'registration' : 'sign-in'} did not verify${text(d.reason) ? `: ${text(d.reason)}` : ''}. Nothing changed`,
  authn_webauthn_counter_regressed: (d) =>
    `Passkey refused: its signature counter went back${num(d.stored) !== null && num(d.presented) !== null ? ` (stored ${d.stored}, presented ${d.presented})` : ''} — a cloned authenticator or a replay`,
  authn_passkey_login_fail: (d) =>
    `Passkey sign-in failed${text(d.reason) ? `: ${LOGIN_FAILURES[text(d.reason) ?? ''] ?? words(d.reason)}` : ''}`,
  authn_device_new: (d) =>
    join(
      '; ',
      `Signed in from a new device${yes(d.first_device) ? ' (the first of this account)' : ''}`,
      yes(d.remembered) && 'it is remembered',
    ),
  authn_device_remembered: () => 'Device remembered: logins from it skip the second factor for a while',
  authn_devices_forgotten: (d) =>
    `${count(d.count, 'remembered device') ?? 'Remembered devices'} must give the second factor again (password reset or change)`,
  authn_mfa_skipped_remembered: () =>
    'Second factor skipped on a remembered device (the password was checked)',
  authn_step_up: () => 'Right password from an unrecognised device: an emailed one-time code was asked for',
  authn_otp_sent: (d) => `One-time login code sent${channel(d.channel) ? ` by ${channel(d.channel)}` : ''}`,
  authn_otp_send_capped: (d) =>
    `One-time login code not sent${channel(d.channel) ? ` by ${channel(d.channel)}` : ''}: ${words(d.budget) ? `the ${words(d.budget)} budget` : 'a budget'} is spent`,
  authn_login_notice_queued: (d) =>
    `New-sign-in notice sent to the account's address${yes(d.place) ? ', with the place' : ''}`,
  authn_login_notice_suppressed: () =>
    'New-sign-in notice not sent: its budget for this account and address is spent',
  authn_login_not_me: () =>
    '"This wasn\'t me" used on a new-sign-in notice: sessions ended, login blocked, recovery started',
  outbound_budget_exhausted: (d) =>
    `Text message refused: ${words(d.budget) ? `the ${words(d.budget)} budget` : 'a global SMS budget'} is spent${text(d.stage) ? ` (at ${words(d.stage)})` : ''}`,
  messages_dead_lettered: (d) =>
    `${count(d.count, 'message') ?? 'Messages'} could not be delivered and were kept as dead letters${paren(perChannel(d.channels))}`,
  limiter_store_fallback: () =>
    'The shared limiter store (Redis) is unreachable: limits fall back to per-instance memory',
  limiter_store_recovered: () => 'The shared limiter store (Redis) answers again',
  guard_detection: (d, ctx) =>
    join(
      ' — ',
      `Detection${num(d.detection_id) !== null ? ` #${d.detection_id}` : ''}: ${kind(d.kind)}${source(d.key, ctx) ? ` from ${source(d.key, ctx)}` : ''}`,
      join(
        ', ',
        ACTIONS[text(d.action) ?? ''] ?? words(d.action),
        count(d.count, 'request') && `${count(d.count, 'request')} counted`,
      ),
    ),
  guard_detection_resolved: (d) =>
    `Detection${num(d.detection_id) !== null ? ` #${d.detection_id}` : ''} (${kind(d.kind)}) resolved${yes(d.lifted) ? ' and its response lifted' : ''}`,
  guard_block_lifted: (d, ctx) =>
    `The response to ${kind(d.kind)}${source(d.key, ctx) ? ` from ${source(d.key, ctx)}` : ''} was lifted${num(d.detection_id) !== null ? ` (detection #${d.detection_id})` : ''}`,
  guard_sources_lifted: (d) =>
    `The guard's challenges, delays and blocks were lifted from the command line for ${text(d.sources) === 'all' ? 'every source' : text(d.sources) ? text(d.sources) : 'some sources'}${text(d.operator) ? ` by ${text(d.operator)}` : ''}${text(d.reason) ? ` (reason: ${text(d.reason)})` : ''}`,
  guard_challenge_failed: (d) =>
    `A ${d.kind === 'captcha' ? 'CAPTCHA' : 'proof-of-work'} solution did not verify${text(d.reason) ? ` (${words(d.reason)})` : ''}; answered as if no solution was sent`,
  webhook_created: (d) =>
    `Webhook added${text(d.host) ? ` for ${text(d.host)}` : ''}${words(d.event_types) ? `: ${words(d.event_types)}` : ''}`,
  webhook_deleted: (d) => `Webhook${text(d.webhook_id) ? ` ${shortId(d.webhook_id)}` : ''} removed`,
  campaign_password_reset_forced: campaign('Password reset forced: sessions ended, one-time tokens killed'),
  campaign_sessions_revoked: campaign('Every session revoked'),
  campaign_mfa_enrolment_required: campaign('A second factor is now required at the next login'),
  campaign_reset_lock_set: campaign('Reset lock turned on'),
  campaign_notice_queued: (d) =>
    campaign(`Notice sent${channel(d.channel) ? ` by ${channel(d.channel)}` : ''}`)(d),
  api_key_created: (d) => `${prefix(d.prefix)} issued${text(d.scopes) ? ` (scopes ${text(d.scopes)})` : ''}`,
  api_key_revoked: (d) =>
    `${prefix(d.prefix)} revoked${d.via === 'client_deleted' ? ' with its client' : ''}`,
  api_key_rotated: (d) =>
    join(
      '; ',
      `${prefix(d.prefix)} replaced${text(d.successor_prefix) ? ` by ghk_${text(d.successor_prefix)}…` : ''}`,
      duration(d.overlap_seconds) && `the old key works ${duration(d.overlap_seconds)} more`,
    ),
  api_key_refused: (d) => `${prefix(d.prefix)} refused${text(d.reason) ? `: ${words(d.reason)}` : ''}`,
  account_access_revoked: (d) =>
    join(
      '; ',
      'Access revoked by an administrator: login locked until reinstated',
      count(d.revoked_sessions, 'session') && `${count(d.revoked_sessions, 'session')} ended`,
    ),
  account_access_reinstated: () => 'Access reinstated by an administrator: login is open again',
}

/** The sentence for an event; an unknown type reads as its name in words. */
export const describeEvent = (
  type: string,
  details: Details | null | undefined,
  ctx: SentenceContext = {},
) => {
  const s = Object.hasOwn(eventSentences, type) ? eventSentences[type] : undefined
  return s ? s(details ?? {}, ctx) : (words(type) ?? type)
}

/**
 * What a detection's figures mean, from its kind and details: "25 recovery requests from 25
 * addresses in 15 min; 25 requests counted while open".
 */
export const explainDetection = (d: {
  kind: string
  scope: string
  count: number
  details: Details
}): string => {
  const x = d.details ?? {}
  const window = duration(x.window_seconds)
  const inWindow = window ? ` in ${window}` : ''
  let what: string | null = null
  switch (d.kind) {
    case 'recovery_flood':
      what = join(
        ' ',
        count(x.requests, 'recovery request'),
        count(x.sources, 'address', 'addresses') && `from ${count(x.sources, 'address', 'addresses')}`,
      )
      if (what) what += inWindow
      break
    case 'brute_force':
      what = count(x.failures, 'failed login')
      if (what)
        what += `${d.scope === 'account' ? ' on the account' : ' on the identifier'}${inWindow}${
          num(x.delay_seconds) !== null
            ? `; each source now waits ${duration(x.delay_seconds)} between tries`
            : ''
        }`
      break
    case 'credential_stuffing':
      what =
        d.scope === 'global'
          ? join(
              ', ',
              count(x.failed_logins, 'failed login') &&
                `${count(x.failed_logins, 'failed login')}${inWindow}`,
              num(x.failure_ratio) !== null && `${Math.round(Number(x.failure_ratio) * 100)} % of all logins`,
              num(x.baseline_ratio) !== null &&
                `against ${Math.round(Number(x.baseline_ratio) * 100)} % before`,
            )
          : count(x.failed_identifiers, 'identifier') &&
            `${count(x.failed_identifiers, 'identifier')} failed from this source`
      break
    case 'enumeration':
      what =
        count(x.distinct_identifiers, 'distinct identifier') &&
        `${count(x.distinct_identifiers, 'distinct identifier')} tried${text(x.endpoint) ? ` on ${words(x.endpoint)}` : ''}`
      break
    case 'signup_refusals':
      what =
        count(x.refusals, 'refused sign-up') &&
        `${count(x.refusals, 'refused sign-up')}${text(x.last_code) ? ` (last: ${words(x.last_code)})` : ''}`
      break
    case 'legacy_client':
      what =
        count(x.requests, 'request') &&
        `${count(x.requests, 'request')} from an outdated client${text(x.client_version) ? ` (version ${text(x.client_version)})` : ''}`
      break
  }
  const counted = `${count(d.count, 'request')} counted while open`
  return what ? `${what}; ${counted}` : counted
}
