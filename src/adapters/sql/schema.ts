import type {
  AccountImportsTable,
  AccountsTable,
  EmailChangesTable,
  OneTimeTokensTable,
  UsernameReservationsTable,
} from './schema/accounts.js'
import type { AuditLogTable, AuditRefsTable } from './schema/audit.js'
import type { CampaignBatchesTable, CampaignsTable, CampaignTargetGroupsTable } from './schema/campaigns.js'
import type { ApiKeysTable, ClientsTable } from './schema/clients.js'
import type { SecurityEventsTable } from './schema/events.js'
import type { DetectionsTable, GuardLiftsTable } from './schema/guard.js'
import type { HealthChecksTable } from './schema/health.js'
import type { IncidentExposuresTable, IncidentImportsTable, IncidentsTable } from './schema/incidents.js'
import type {
  MfaChallengesTable,
  MfaFactorsTable,
  MfaRecoveryCodesTable,
  WebauthnChallengesTable,
} from './schema/mfa.js'
import type { OidcArtifactsTable, OidcClientsTable, OidcKeysTable } from './schema/oidc.js'
import type { OutboxTable } from './schema/outbox.js'
import type { RecoveryDigestsTable, RecoveryRequestsTable } from './schema/recovery.js'
import type { DevicesTable, LoginCodesTable, LoginNoticesTable, SessionsTable } from './schema/sessions.js'
import type { WebhookDeliveriesTable, WebhooksTable } from './schema/webhooks.js'

export type {
  AccountImportsTable,
  AccountsTable,
  EmailChangesTable,
  OneTimeTokensTable,
  UsernameReservationsTable,
} from './schema/accounts.js'
export type { AuditLogTable, AuditRefsTable } from './schema/audit.js'
export type { CampaignBatchesTable, CampaignsTable, CampaignTargetGroupsTable } from './schema/campaigns.js'
export type { ApiKeysTable, ClientsTable } from './schema/clients.js'
export type { SecurityEventsTable } from './schema/events.js'
export type { DetectionsTable, GuardLiftsTable } from './schema/guard.js'
export type { HealthChecksTable } from './schema/health.js'
export type { IncidentExposuresTable, IncidentImportsTable, IncidentsTable } from './schema/incidents.js'
export type {
  MfaChallengesTable,
  MfaFactorsTable,
  MfaRecoveryCodesTable,
  WebauthnChallengesTable,
} from './schema/mfa.js'
export type { OidcArtifactsTable, OidcClientsTable, OidcKeysTable } from './schema/oidc.js'
export type { OutboxTable } from './schema/outbox.js'
export type { RecoveryDigestsTable, RecoveryRequestsTable } from './schema/recovery.js'
export type { DevicesTable, LoginCodesTable, LoginNoticesTable, SessionsTable } from './schema/sessions.js'
export type { WebhookDeliveriesTable, WebhooksTable } from './schema/webhooks.js'

/**
 * Row types of every table, one file per area under schema/. Times are epoch milliseconds (bigint
 * columns, read back as numbers on both dialects); booleans are 0/1 integers.
 */
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
  account_imports: AccountImportsTable
  incident_exposures: IncidentExposuresTable
  audit_refs: AuditRefsTable
  campaigns: CampaignsTable
  campaign_target_groups: CampaignTargetGroupsTable
  campaign_batches: CampaignBatchesTable
  clients: ClientsTable
  api_keys: ApiKeysTable
  health_checks: HealthChecksTable
  guard_lifts: GuardLiftsTable
  oidc_clients: OidcClientsTable
  oidc_keys: OidcKeysTable
  oidc_artifacts: OidcArtifactsTable
}
