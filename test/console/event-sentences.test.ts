import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { describeEvent, eventSentences, explainDetection } from '../../console/src/events.js'
import { securityEventTypes } from '../../src/modules/events/vocabulary.js'

/** A sample event's details for each type, with the fields docs/events.md lists for it. */
const samples: Record<keyof typeof securityEventTypes, Record<string, unknown>> = {
  account_created: {},
  account_signup_existing_email: {},
  account_email_verified: {},
  account_verification_resend: { outcome: 'capped' },
  account_phone_changed: { had_verified_phone: true, notice_queued: true, code_queued: true },
  account_phone_verified: {},
  account_phone_verify_fail: { reason: 'wrong_code', attempts: 2 },
  account_phone_removed: { was_verified: true },
  account_locale_changed: { from: null, to: 'de' },
  account_unverified_deleted: { count: 12 },
  authn_login_success: { session_id: 's1', second_factor: 'totp' },
  authn_login_fail: { reason: 'bad_password' },
  authn_password_rehashed: {},
  authn_password_change: {},
  authn_password_change_fail: { reason: 'wrong_current_password' },
  authn_password_change_required: { reason: 'below_policy' },
  session_logout: { session_id: 's1' },
  session_revoked: { count: 3, all_but_current: true },
  client_outdated: { version: '1.2.0' },
  authn_password_reset_requested: { channel: 'email' },
  'recovery.suppressed': { reason: 'recent_token', channel: 'email' },
  authn_password_reset_completed: { revoked_sessions: 2, notified: ['email', 'sms'] },
  authn_mfa_fail: { during: 'login', method: 'totp', attempts: 3 },
  authn_mfa_enabled: { method: 'totp', replaced_factors: 0 },
  authn_mfa_challenge: { methods: ['totp', 'recovery_code'] },
  authn_recovery_code_used: { remaining: 7 },
  authn_recovery_codes_regenerated: {},
  account_locked: {},
  'recovery.reset_lock_changed': { enabled: true, by: 'owner' },
  authn_reauth_fail: { during: 'reauth', method: 'password' },
  authn_reauth: { session_id: 's1', method: 'password' },
  authn_mfa_removed: { method: 'webauthn', remaining: 1 },
  account_email_change_requested: { outcome: 'link' },
  account_email_changed: {},
  account_password_reset_by_operator: { revoked_sessions: 4 },
  account_role_changed: { from: 'user', to: 'responder' },
  authn_mfa_enrolment_required: { session_id: 's1', role: 'admin' },
  authn_webauthn_fail: { during: 'login', factor_id: 'f1', reason: 'Unexpected origin' },
  authn_webauthn_counter_regressed: { factor_id: 'f1', stored: 12, presented: 3 },
  authn_passkey_login_fail: { reason: 'assertion' },
  authn_device_new: { device_id: 'd1', first_device: false, remembered: false },
  authn_device_remembered: { device_id: 'd1' },
  authn_devices_forgotten: { count: 2 },
  authn_mfa_skipped_remembered: {},
  authn_step_up: {},
  authn_otp_sent: { channel: 'sms' },
  authn_otp_send_capped: { channel: 'sms', budget: 'account_codes' },
  authn_login_notice_queued: { session_id: 's1', place: true },
  authn_login_notice_suppressed: { session_id: 's1' },
  authn_login_not_me: { session_id: 's1' },
  outbound_budget_exhausted: { budget: 'sms_global', channel: 'sms', stage: 'queue' },
  messages_dead_lettered: {
    count: 3,
    channels: { email: 2, sms: 1 },
    templates: ['recovery_email'],
    message_ids: ['m1', 'm2', 'm3'],
  },
  limiter_store_fallback: {},
  limiter_store_recovered: {},
  guard_detection: {
    detection_id: 4,
    kind: 'recovery_flood',
    scope: 'account',
    key: 'account:7ec7dfec-0000-4000-8000-000000000000',
    action: 'none',
    count: 25,
  },
  guard_detection_resolved: { detection_id: 4, kind: 'brute_force', lifted: true },
  guard_block_lifted: { detection_id: 5, kind: 'enumeration', scope: 'ip', key: 'ip:198.51.100.7' },
  guard_sources_lifted: {
    lift_id: 'l1',
    sources: '203.0.113.0/24',
    reason: 'console locked out',
    operator: 'ops@bastion',
  },
  guard_challenge_failed: { kind: 'pow', reason: 'stale' },
  webhook_created: { webhook_id: 'w1', host: 'siem.example', event_types: ['guard_detection'] },
  webhook_deleted: { webhook_id: 'w1' },
  campaign_password_reset_forced: { campaign_id: 'c1', incident_id: 'i1' },
  campaign_sessions_revoked: { campaign_id: 'c1', incident_id: 'i1' },
  campaign_mfa_enrolment_required: { campaign_id: 'c1', incident_id: null },
  campaign_reset_lock_set: { campaign_id: 'c1', incident_id: 'i1' },
  campaign_notice_queued: { campaign_id: 'c1', incident_id: 'i1', channel: 'email' },
  api_key_created: { key_id: 'k1', client_id: 'c1', prefix: 'abcd2345', scopes: ['audit:read'] },
  api_key_revoked: { key_id: 'k1', client_id: 'c1', prefix: 'abcd2345', via: 'client_deleted' },
  api_key_rotated: {
    key_id: 'k1',
    prefix: 'abcd2345',
    successor_id: 'k2',
    successor_prefix: 'efgh6789',
    overlap_seconds: 86_400,
  },
  api_key_refused: { key_id: 'k1', client_id: 'c1', prefix: 'abcd2345', reason: 'revoked' },
  account_access_revoked: { revoked_sessions: 2 },
  account_access_reinstated: {},
  account_created_by_staff: { role: 'user', fields: ['username', 'email'], by: 'account:a1' },
  account_changed_by_staff: { fields: ['email'], by: 'account:a1' },
  account_disabled: { revoked_sessions: 2, by: 'account:a1' },
  account_enabled: { by: 'cli' },
  account_deleted: { account_id: 'a2', role: 'user', by: 'api_key:k1' },
  account_data_exported: { by: 'holder' },
  account_deletion_scheduled: { due_at: '2026-12-01T12:00:00.000Z', by: 'account:a1', revoked_sessions: 2 },
  account_deletion_cancelled: { by: 'account:a1' },
  oidc_login: { client_id: 'ghc_x', acr: 'urn:gatehouse:acr:mfa', amr: ['pwd', 'otp', 'mfa'] },
  oidc_consent_given: { client_id: 'ghc_x', scopes: ['openid', 'email'] },
  oidc_consent_denied: { client_id: 'ghc_x' },
  oidc_token_reuse: { client_id: 'ghc_x', kind: 'refresh_token' },
  oidc_grants_revoked: { reason: 'password_reset', grants: 2, clients: ['ghc_x'] },
  oidc_client_grants_revoked: { client_id: 'ghc_x', grants: 12, reason: 'client_disabled' },
  oidc_client_auth_fail: { client_id: 'ghc_x', endpoint: 'token' },
  oidc_backchannel_logout_failed: { client_id: 'ghc_x', reason: 'timeout' },
  oidc_client_created: {
    client_id: 'ghc_abc',
    name: 'Wiki',
    public: false,
    scopes: ['openid', 'offline_access'],
    grant_types: ['authorization_code', 'refresh_token'],
  },
  oidc_client_changed: { client_id: 'ghc_abc', name: 'Wiki', fields: ['redirect_uris', 'require_acr'] },
  oidc_client_secret_rotated: { client_id: 'ghc_abc', name: 'Wiki' },
  oidc_client_disabled: { client_id: 'ghc_abc', name: 'Wiki', revoked_grants: 3 },
  oidc_client_enabled: { client_id: 'ghc_abc', name: 'Wiki' },
  oidc_client_deleted: { client_id: 'ghc_abc', name: 'Wiki', revoked_grants: 0 },
}

/** What a sentence must never show: a value that was not there, an object, a template left as is, a snake_case name (key prefixes `ghk_` aside). */
const RAW = /undefined|null|NaN|\[object|\$\{|\bnone\b|\b(?!ghk_|ghc_)[a-z]+_[a-z_]+/

const documented = readFileSync(join(process.cwd(), 'docs', 'events.md'), 'utf8')
  .split('\n')
  .map((l) => /^\| `([^`]+)` \|/.exec(l)?.[1])
  .filter((t): t is string => t !== undefined)

describe('event sentences', () => {
  const vocabulary = Object.keys(securityEventTypes)

  it('has a sentence for every event type of the vocabulary and of docs/events.md, and no other', () => {
    expect(documented.length).toBeGreaterThan(50)
    for (const type of [...vocabulary, ...documented])
      expect(Object.hasOwn(eventSentences, type), `no sentence for ${type}`).toBe(true)
    expect(Object.keys(eventSentences).sort()).toEqual([...vocabulary].sort())
    expect(Object.keys(samples).sort()).toEqual([...vocabulary].sort())
  })

  it.each(vocabulary)('renders %s in words for a sample event and for one without details', (type) => {
    const sample = samples[type as keyof typeof samples]
    for (const [details, ctx] of [
      [sample, { account: 'alice' }],
      [sample, {}],
      [{}, {}],
    ] as const) {
      const s = describeEvent(type, details, ctx)
      expect(s.length, type).toBeGreaterThan(8)
      expect(s, `${type}: ${s}`).not.toMatch(RAW)
      expect(s).not.toContain(type)
    }
  })

  it('reads the known fields, and names the account of a detection key', () => {
    expect(describeEvent('recovery.suppressed', samples['recovery.suppressed'])).toBe(
      'Password reset requested by email — suppressed: a recovery link sent moments ago is still valid. Nothing was sent',
    )
    expect(describeEvent('guard_detection', samples.guard_detection, { account: 'alice' })).toBe(
      'Detection #4: recovery flood from account alice — recorded only, 25 requests counted',
    )
    expect(describeEvent('messages_dead_lettered', samples.messages_dead_lettered)).toBe(
      '3 messages could not be delivered and were kept as dead letters (2 email, 1 text message)',
    )
    expect(describeEvent('api_key_rotated', samples.api_key_rotated)).toBe(
      'API key ghk_abcd2345… replaced by ghk_efgh6789…; the old key works 1 day more',
    )
    expect(describeEvent('guard_sources_lifted', samples.guard_sources_lifted)).toBe(
      "The guard's challenges, delays and blocks were lifted from the command line for 203.0.113.0/24 by ops@bastion (reason: console locked out)",
    )
    expect(describeEvent('guard_sources_lifted', { sources: 'all' })).toBe(
      "The guard's challenges, delays and blocks were lifted from the command line for every source",
    )
    expect(describeEvent('some_future_event', {})).toBe('some future event')
  })

  it("explains a detection's counts from its details", () => {
    expect(
      explainDetection({
        kind: 'recovery_flood',
        scope: 'account',
        count: 9,
        details: { requests: 25, sources: 25, window_seconds: 900 },
      }),
    ).toBe('25 recovery requests from 25 addresses in 15 min; 9 requests counted while open')
    expect(
      explainDetection({
        kind: 'brute_force',
        scope: 'account',
        count: 4,
        details: { failures: 9, window_seconds: 900 },
      }),
    ).toBe('9 failed logins on the account in 15 min; 4 requests counted while open')
    expect(
      explainDetection({
        kind: 'credential_stuffing',
        scope: 'global',
        count: 40,
        details: { failed_logins: 300, failure_ratio: 0.8, baseline_ratio: 0.1, window_seconds: 120 },
      }),
    ).toBe(
      '300 failed logins in 2 min, 80 % of all logins, against 10 % before; 40 requests counted while open',
    )
    expect(explainDetection({ kind: 'enumeration', scope: 'ip', count: 1, details: {} })).toBe(
      '1 request counted while open',
    )
    for (const kind of ['enumeration', 'signup_refusals', 'legacy_client', 'credential_stuffing'])
      expect(
        explainDetection({
          kind,
          scope: 'ip',
          count: 2,
          details: {
            distinct_identifiers: 6,
            endpoint: 'login',
            refusals: 5,
            last_code: 'username_taken',
            requests: 7,
            client_version: '1.0.0',
            failed_identifiers: 8,
          },
        }),
      ).not.toMatch(RAW)
  })
})
