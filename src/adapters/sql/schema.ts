import type { Generated } from 'kysely'

/**
 * Row types of every table. Times are epoch milliseconds (bigint columns, read
 * back as numbers on both dialects); booleans are 0/1 integers.
 */
export interface AccountsTable {
  id: string
  username: string
  email: string
  email_norm: string
  phone: string | null
  phone_verified_at: number | null
  password_hash: string
  role: string
  email_verified_at: number | null
  must_change_password: number
  password_changed_at: number
  created_at: number
  updated_at: number
  reset_lock: Generated<number>
  locked_at: number | null
  /** Set by a force_password_reset campaign: no session opens until recovery sets a new password. */
  password_reset_required_at: number | null
  /** 1: set by a require_mfa_enrollment campaign: logins without a confirmed factor may only enrol one. */
  mfa_enrolment_required: Generated<number>
  /** The client a partner account belongs to (access review). */
  client_id: string | null
  /** An administrator revoked this external account's access: login stays locked until reinstated. */
  access_revoked_at: number | null
}

export interface OneTimeTokensTable {
  id: string
  token_hash: string
  account_id: string
  purpose: string
  expires_at: number
  used_at: number | null
  created_at: number
  attempts: Generated<number>
  channel: string | null
}

export interface SessionsTable {
  id: string
  token_hash: string
  account_id: string
  created_at: number
  last_seen_at: number
  expires_at: number
  idle_expires_at: number
  ip: string | null
  user_agent: string | null
  restricted: number
  revoked_at: number | null
  /** When the holder last proved who they are (password or factor); null for sessions older than this column. */
  authenticated_at: number | null
  /** 1: the account's role requires a second factor and it has none: the session may only enrol one. */
  mfa_enrolment: Generated<number>
}

export interface OutboxTable {
  id: string
  channel: string
  recipient: string
  template: string
  payload: string
  account_id: string | null
  dedupe_key: string | null
  /** What the outbound gate budgets the message as (null: queued before the gate recorded it). */
  kind: string | null
  destination: string | null
  region: string | null
  status: string
  attempts: number
  next_attempt_at: number
  locked_until: number | null
  last_error: string | null
  created_at: number
  sent_at: number | null
}

export interface UsernameReservationsTable {
  username: string
  expires_at: number
  created_at: number
  /** The sign-up's password hash (null for reservations made before it was kept). */
  password_hash: string | null
}

export interface SecurityEventsTable {
  id: Generated<number>
  type: string
  account_id: string | null
  ip: string | null
  subnet: string | null
  user_agent: string | null
  client_version: string | null
  request_id: string | null
  details: string
  created_at: number
}

export interface RecoveryRequestsTable {
  id: string
  /** What the caller typed, until processed; then blanked. */
  identifier: string
  channel: string
  mfa_code: string | null
  ip: string | null
  user_agent: string | null
  client_version: string | null
  request_id: string | null
  status: string
  outcome: string | null
  locked_until: number | null
  created_at: number
  processed_at: number | null
}

export interface RecoveryDigestsTable {
  account_id: string
  day: string
  suppressed: number
  send_after: number
  sent_at: number | null
}

export interface MfaFactorsTable {
  id: string
  account_id: string
  kind: string
  /** Encrypted at rest (AES-256-GCM). */
  secret: string | null
  last_used_step: number | null
  confirmed_at: number | null
  created_at: number
  /** Passkeys (kind `webauthn`): the credential id (base64url), COSE public key (base64url), signature counter. */
  credential_id: string | null
  public_key: string | null
  sign_count: number | null
  /** JSON array of transports the authenticator named. */
  transports: string | null
  name: string | null
  last_used_at: number | null
}

export interface WebauthnChallengesTable {
  id: string
  account_id: string | null
  purpose: string
  challenge: string
  login_challenge_id: string | null
  expires_at: number
  used_at: number | null
  created_at: number
}

export interface MfaChallengesTable {
  id: string
  account_id: string
  attempts: Generated<number>
  expires_at: number
  used_at: number | null
  ip: string | null
  user_agent: string | null
  created_at: number
}

export interface MfaRecoveryCodesTable {
  id: string
  account_id: string
  /** HMAC-SHA256 of the code under the server's secret key. */
  code_hash: string
  used_at: number | null
  created_at: number
}

export interface EmailChangesTable {
  id: string
  account_id: string
  new_email: string
  new_email_norm: string
  token_hash: string
  expires_at: number
  used_at: number | null
  created_at: number
}

export interface DevicesTable {
  id: string
  account_id: string
  /** SHA-256 of the device token (the `gh_device` cookie or `X-Gatehouse-Device` header). */
  device_hash: string
  user_agent: string | null
  ip: string | null
  created_at: number
  last_seen_at: number
  /** Until then, logins from this device skip the second factor (never the password). */
  remembered_until: number | null
}

export interface LoginCodesTable {
  id: string
  challenge_id: string
  account_id: string
  channel: string
  /** HMAC-SHA256 of the code under the server's secret key. */
  code_hash: string
  expires_at: number
  used_at: number | null
  created_at: number
}

export interface LoginNoticesTable {
  id: string
  account_id: string
  session_id: string
  token_hash: string
  expires_at: number
  used_at: number | null
  created_at: number
}

export interface DetectionsTable {
  id: Generated<number>
  kind: string
  scope: string
  key: string
  /** open, resolved or lifted */
  status: string
  /** none, challenge or block: the strongest response taken so far */
  action: string
  first_seen_at: number
  last_seen_at: number
  count: number
  details: string
  /** When the challenge or block ends (absent for none). */
  action_until: number | null
  account_id: string | null
  closed_at: number | null
  closed_by: string | null
}

export interface WebhooksTable {
  id: string
  url: string
  description: string | null
  /** JSON array of security event types. */
  event_types: string
  /** The signing secret, sealed (AES-256-GCM, bound to the webhook id); blanked when the webhook is deleted. */
  secret_sealed: string
  /** The administrator who added it. */
  created_by: string | null
  created_at: number
  /** Deleted: nothing more is sent to it. */
  disabled_at: number | null
}

export interface WebhookDeliveriesTable {
  id: string
  webhook_id: string
  /** The id of the message (the `gatehouse-webhook-id` header), the same on every retry. */
  message_id: string
  event_type: string
  /** 1 for the first try. */
  attempt: number
  /** The receiver's HTTP status; null when no answer came (network error, timeout). */
  status_code: number | null
  error: string | null
  duration_ms: number
  delivered_at: number
}

export interface AuditLogTable {
  /** 1, 2, 3 … with no gaps: a missing number is a removed entry. */
  seq: number
  at: number
  actor: string
  actor_ip: string | null
  request_id: string | null
  action: string
  target: string | null
  details: string
  previous_hash: string
  hash: string
}

export interface IncidentsTable {
  id: string
  title: string
  summary: string
  /** low, medium, high, critical */
  severity: string
  /** open, closed */
  status: string
  risks: string
  mitigations: string
  created_by: string
  created_at: number
  updated_at: number
  closed_at: number | null
}

export interface IncidentImportsTable {
  id: string
  incident_id: string
  /** The uploaded file's name or the CLI's path. */
  source_name: string
  /** csv, jsonl */
  format: string
  /** JSON: which column or key holds username, email, phone, location. */
  mapping: string
  /** running, done, failed */
  status: string
  rows_read: number
  rows_matched: number
  rows_unparseable: number
  accounts_matched: number
  error: string | null
  /** JSON: the first unparseable rows as {line, reason}. */
  problems: string
  created_by: string
  started_at: number
  finished_at: number | null
  /** When the instance running it last wrote that it is alive (running imports). */
  heartbeat_at: number | null
}

export interface IncidentExposuresTable {
  incident_id: string
  account_id: string
  /** Sorted, comma-separated: username, email, phone, location. */
  fields: string
  rows: number
  first_import_id: string
  first_seen_at: number
  last_import_id: string
}

/** Which audit entries concern what (`incident:<id>` …): targets, and `<kind>_id` members of details. */
export interface AuditRefsTable {
  ref: string
  seq: number
}

export interface CampaignsTable {
  id: string
  incident_id: string | null
  /** JSON: the selector as given. */
  selector: string
  /** force_password_reset, revoke_sessions, require_mfa_enrollment, reset_lock, notify */
  action: string
  /** JSON: the action's parameters (for notify: channel, subject, text). */
  params: string
  /** running, paused, completed, cancelled */
  status: string
  total: number
  done: number
  failed: number
  skipped: number
  /** Live sessions the campaign revoked (force_password_reset, revoke_sessions). */
  sessions_revoked: number
  /** Pacing: no batch starts before this time (notify). */
  not_before: number
  created_by: string
  created_at: number
  updated_at: number
  finished_at: number | null
}

export interface CampaignTargetsTable {
  campaign_id: string
  account_id: string
  /** pending, done, skipped, failed */
  status: string
  /** Batches that failed with this target in them. */
  attempts: number
  handled_at: number | null
}

export interface CampaignBatchesTable {
  campaign_id: string
  at: number
  done: number
  skipped: number
  failed: number
  sessions_revoked: number
}

export interface Database {
  accounts: AccountsTable
  one_time_tokens: OneTimeTokensTable
  sessions: SessionsTable
  outbox: OutboxTable
  username_reservations: UsernameReservationsTable
  security_events: SecurityEventsTable
  recovery_requests: RecoveryRequestsTable
  recovery_digests: RecoveryDigestsTable
  mfa_factors: MfaFactorsTable
  mfa_challenges: MfaChallengesTable
  mfa_recovery_codes: MfaRecoveryCodesTable
  email_changes: EmailChangesTable
  webauthn_challenges: WebauthnChallengesTable
  devices: DevicesTable
  login_codes: LoginCodesTable
  login_notices: LoginNoticesTable
  detections: DetectionsTable
  audit_log: AuditLogTable
  webhooks: WebhooksTable
  webhook_deliveries: WebhookDeliveriesTable
  incidents: IncidentsTable
  incident_imports: IncidentImportsTable
  incident_exposures: IncidentExposuresTable
  audit_refs: AuditRefsTable
  campaigns: CampaignsTable
  campaign_targets: CampaignTargetsTable
  campaign_batches: CampaignBatchesTable
  clients: ClientsTable
  api_keys: ApiKeysTable
  health_checks: HealthChecksTable
  guard_lifts: GuardLiftsTable
}

/** One row per readiness write probe: its time of last success. */
export interface HealthChecksTable {
  name: string
  checked_at: number
}

/** A third-party app or partner that holds admin API keys. */
export interface ClientsTable {
  id: string
  name: string
  description: string | null
  /** A staff or partner account answerable for the client. */
  owner_account_id: string
  created_by: string
  created_at: number
  updated_at: number
  /** Its keys are refused while set. */
  disabled_at: number | null
}

export interface ApiKeysTable {
  id: string
  client_id: string
  /** The displayable part of the key (`ghk_<prefix>_…`). */
  prefix: string
  /** Hex SHA-256 of the whole key; the key itself is never stored. */
  key_hash: string
  /** JSON array of scopes (`*` for every scope). */
  scopes: string
  description: string | null
  /** The expiry policy a rotation carries over; null: never expires. */
  expires_in_days: number | null
  expires_at: number | null
  created_by: string
  created_at: number
  /** Written at most once a minute per key. */
  last_used_at: number | null
  last_used_ip: string | null
  /** When the key stops (or stopped) working; in the future while a rotation's overlap runs. */
  revoked_at: number | null
  /** The successor issued by a rotation. */
  replaced_by: string | null
}

/** Operators' lifts of the guard, read by every server (src/modules/guard/lifts.ts). */
export interface GuardLiftsTable {
  id: Generated<number>
  sources: string | null
  reason: string | null
  operator: string
  created_at: number
}
