import type { Logger } from 'pino'
import type { SqlDatabase } from './adapters/sql/database.js'
import type { SqlStore } from './adapters/sql/store.js'
import type { Config } from './config/index.js'
import type { MetricsListener } from './http/metrics-server.js'
import type { HttpServer } from './http/server.js'
import type { Clock } from './kernel/clock.js'
import type { Metrics } from './metrics.js'
import type { AccessService } from './modules/access/service.js'
import type { AccountsService } from './modules/accounts/service.js'
import type { AccountImports } from './modules/admin/imports/service.js'
import type { AccountLifecycle } from './modules/admin/lifecycle.js'
import type { AuditService } from './modules/audit/service.js'
import type { CampaignsService } from './modules/campaigns/service.js'
import type { CampaignWorker } from './modules/campaigns/worker.js'
import type { Guard } from './modules/guard/guard.js'
import type { GuardLiftService } from './modules/guard/lifts.js'
import type { DetectionStore, LimiterStore } from './modules/guard/ports.js'
import type { IncidentsService } from './modules/incidents/service.js'
import type { AccountDeletion } from './modules/lifecycle/service.js'
import type { OutboxWorker } from './modules/mail/worker.js'
import type { PasskeyService } from './modules/mfa/passkeys.js'
import type { MfaService } from './modules/mfa/service.js'
import type { OidcClients } from './modules/oidc/clients.js'
import type { OidcGrants } from './modules/oidc/grants.js'
import type { OidcKeys } from './modules/oidc/keys.js'
import type { RecoveryService } from './modules/recovery/service.js'
import type { RecoveryWorker } from './modules/recovery/worker.js'
import type { IncidentReports } from './modules/reports/service.js'
import type { SessionCheckFastPath } from './modules/sessions/fast-check.js'
import type { SessionsService } from './modules/sessions/service.js'

/** A running Gatehouse instance, as `createApp` (src/app.ts) returns it. */
export interface App {
  readonly config: Config
  readonly http: HttpServer
  readonly store: SqlStore
  readonly database: SqlDatabase
  readonly metrics: Metrics
  readonly logger: Logger
  readonly clock: Clock
  readonly services: {
    accounts: AccountsService
    sessions: SessionsService
    recovery: RecoveryService
    mfa: MfaService
    passkeys: PasskeyService
    campaigns: CampaignsService
  }
  readonly workers: { outbox: OutboxWorker; recovery: RecoveryWorker; campaigns: CampaignWorker }
  /** Answers most `GET /v1/sessions/current` requests before Fastify routes them. */
  readonly sessionCheck: SessionCheckFastPath
  readonly limiter: LimiterStore
  readonly guard: Guard
  readonly detections: DetectionStore
  /** Operators' lifts of the guard (`gatehouse guard lift`), applied by every running server. */
  readonly guardLifts: GuardLiftService
  readonly audit: AuditService
  /** External parties: clients, admin API keys, partner accounts, the access review. */
  readonly access: AccessService
  /** Applications that sign users in through Gatehouse (OpenID Connect clients). */
  readonly oidcClients: OidcClients
  readonly incidents: IncidentsService
  /** The OpenID Connect provider's signing keys and the grants the incident kit ends. */
  readonly oidc: { signingKeys: OidcKeys; grants: OidcGrants; rotateKeys(): Promise<string[]> }
  /** Incident reports (security briefs) from what was recorded. */
  readonly reports: IncidentReports
  /** Account administration: create, edit, disable, enable, delete (the admin API and the command line). */
  readonly accountAdmin: AccountLifecycle
  /** Accounts' exports and their deletion after a grace period; `purgeDue()` is the periodic job. */
  readonly accountDeletion: AccountDeletion
  readonly accountImports: AccountImports
  /**
   * Starts the metrics listener (GATEHOUSE_METRICS_HOST/PORT): Prometheus text at `GET /metrics`,
   * never on the public API. Null when GATEHOUSE_METRICS_PORT is off.
   */
  listenMetrics(): Promise<MetricsListener | null>
  /** Starts background work (outbox delivery, housekeeping, loading the password lists). */
  startWorkers(): void
  /**
   * Starts draining: `/readyz` answers 503 and answers carry `Connection: close`, while requests are
   * still served; resolves after `ms`. `close()` follows.
   */
  drain(ms: number): Promise<void>
  /** Stops taking work, lets requests in flight finish, releases claimed messages, closes the database. */
  close(): Promise<void>
}
