import type { AccessRepository } from '../../modules/access/ports.js'
import type { AccountImportRepository } from '../../modules/admin/imports/ports.js'
import type { AccountLifecycleRepository } from '../../modules/admin/lifecycle-ports.js'
import type { NameDirectory } from '../../modules/admin/names.js'
import type { AdminStatsSource } from '../../modules/admin/ports.js'
import type { AuditLog } from '../../modules/audit/ports.js'
import type { CampaignRepository } from '../../modules/campaigns/ports.js'
import type {
  DeviceRepository,
  LoginCodeRepository,
  LoginNoticeRepository,
} from '../../modules/devices/ports.js'
import type { EventRecorder } from '../../modules/events/recorder.js'
import type { GuardLiftStore } from '../../modules/guard/lifts.js'
import type { DetectionStore } from '../../modules/guard/ports.js'
import type { IncidentRepository } from '../../modules/incidents/ports.js'
import type {
  MfaChallengeRepository,
  MfaFactorRepository,
  PasskeyRepository,
  RecoveryCodeRepository,
  WebauthnChallengeRepository,
} from '../../modules/mfa/ports.js'
import type { OidcArtifactStore, OidcClientRepository, OidcKeyRepository } from '../../modules/oidc/ports.js'
import type { ExposureFacts } from '../../modules/reports/service.js'
import type { WebhookRepository } from '../../modules/webhooks/ports.js'
import { SqlAccessRepository } from './access-repository.js'
import { SqlAccountImports } from './account-imports-repository.js'
import { SqlAccountLifecycle } from './account-lifecycle-repository.js'
import { SqlAdminStatsSource } from './admin-stats-repository.js'
import { SqlAuditLog } from './audit-repository.js'
import { SqlCampaignRepository } from './campaigns-repository.js'
import type { SqlDatabase } from './database.js'
import { SqlDetectionStore } from './detections-repository.js'
import { SqlDeviceRepository, SqlLoginCodes, SqlLoginNotices } from './devices-repository.js'
import { SqlGuardLiftStore } from './guard-lifts-repository.js'
import { SqlIncidentRepository } from './incidents-repository.js'
import {
  SqlMfaChallenges,
  SqlMfaFactorRepository,
  SqlPasskeyRepository,
  SqlRecoveryCodes,
  SqlWebauthnChallenges,
} from './mfa-repository.js'
import { SqlNameDirectory } from './names-repository.js'
import { SqlOidcArtifactStore, SqlOidcClientRepository, SqlOidcKeyRepository } from './oidc-repository.js'
import { SqlReportFacts } from './reports-repository.js'
import { SqlWebhookRepository } from './webhooks-repository.js'

/** The repositories the modules are given, beside the store's (accounts, sessions, outbox, …). */
export interface Repositories {
  mfaFactors: MfaFactorRepository
  loginChallenges: MfaChallengeRepository
  recoveryCodes: RecoveryCodeRepository
  passkeys: PasskeyRepository
  webauthnChallenges: WebauthnChallengeRepository
  devices: DeviceRepository
  loginCodes: LoginCodeRepository
  loginNotices: LoginNoticeRepository
  detections: DetectionStore
  auditLog: AuditLog
  guardLifts: GuardLiftStore
  webhooks: WebhookRepository
  campaigns: CampaignRepository
  incidents: IncidentRepository
  access: AccessRepository
  names: NameDirectory
  adminStats: AdminStatsSource
  accountLifecycle: AccountLifecycleRepository
  accountImports: AccountImportRepository
  reportFacts: { exposureFacts(incidentId: string): Promise<ExposureFacts> }
  oidcClients: OidcClientRepository
  oidcKeys: OidcKeyRepository
  oidcArtifacts: OidcArtifactStore
}

/** Every SQL implementation of the modules' ports, over one database. */
export const createSqlRepositories = (database: SqlDatabase, events: EventRecorder): Repositories => ({
  mfaFactors: new SqlMfaFactorRepository(database.db),
  loginChallenges: new SqlMfaChallenges(database.db),
  recoveryCodes: new SqlRecoveryCodes(database.db),
  passkeys: new SqlPasskeyRepository(database.db),
  webauthnChallenges: new SqlWebauthnChallenges(database.db),
  devices: new SqlDeviceRepository(database.db),
  loginCodes: new SqlLoginCodes(database.db),
  loginNotices: new SqlLoginNotices(database.db),
  detections: new SqlDetectionStore(database.db),
  auditLog: new SqlAuditLog(database.db, database.dialect),
  guardLifts: new SqlGuardLiftStore(database.db),
  webhooks: new SqlWebhookRepository(database.db),
  campaigns: new SqlCampaignRepository(database.db, database.dialect, events),
  incidents: new SqlIncidentRepository(database.db, database.dialect, database.maintain),
  access: new SqlAccessRepository(database.db),
  names: new SqlNameDirectory(database.db),
  adminStats: new SqlAdminStatsSource(database.db),
  accountLifecycle: new SqlAccountLifecycle(database.db),
  accountImports: new SqlAccountImports(database.db, database.dialect, database.maintain),
  reportFacts: new SqlReportFacts(database.db),
  oidcClients: new SqlOidcClientRepository(database.db),
  oidcKeys: new SqlOidcKeyRepository(database.db),
  oidcArtifacts: new SqlOidcArtifactStore(database.db),
})
