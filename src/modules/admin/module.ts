import type { Logger } from 'pino'
import type { Config } from '../../config/index.js'
import type { HttpServer } from '../../http/server.js'
import type { Clock } from '../../kernel/clock.js'
import type { SecretBox } from '../../kernel/secret-box.js'
import { heldFor } from '../../metrics.js'
import type { Authorize } from '../access/authorize.js'
import { PasswordHasher } from '../accounts/password-hasher.js'
import type { AuditService } from '../audit/service.js'
import type { EventRecorder } from '../events/recorder.js'
import type { AccountImportRepository } from './imports/ports.js'
import { AccountImports } from './imports/service.js'
import { AccountLifecycle } from './lifecycle.js'
import type { AccountLifecycleRepository } from './lifecycle-ports.js'
import type { AdminAccountTools, AdminStatsSource } from './ports.js'
import { adminRoutes } from './routes.js'

export interface AdminModuleDeps extends AdminAccountTools {
  stats: AdminStatsSource
  clock: Clock
  config: Pick<Config, 'passwords' | 'incidents'>
  audit: AuditService
  recorder: EventRecorder
  accountLifecycle: AccountLifecycleRepository
  accountImports: AccountImportRepository
  /** Seals imported TOTP secrets as second factors' secrets are sealed. */
  box: SecretBox
  logger: Logger
}

/**
 * The admin console's API: its figures and account tools (the built single-page app is served
 * apart), and account administration (create, edit, disable, enable, delete), which the command
 * line uses too.
 */
export const createAdminModule = (deps: AdminModuleDeps) => {
  const now = () => deps.clock.now()
  const source = deps.stats
  // The imported hashes left cost a scan of what is left (millions just after an import): counted
  // at most once a minute, however many consoles refresh their overview.
  const stats: AdminStatsSource = {
    countSeries: (range) => source.countSeries(range),
    openDetectionsByKind: () => source.openDetectionsByKind(),
    importedHashes: heldFor(60_000, now, () => source.importedHashes()),
  }
  const hasher = new PasswordHasher(deps.config.passwords.hasher)
  const accountAdmin = new AccountLifecycle({
    accounts: deps.accounts,
    lifecycle: deps.accountLifecycle,
    hasher,
    events: deps.recorder,
    audit: deps.audit,
    now,
    ...(deps.onAccessEnded ? { onAccessEnded: deps.onAccessEnded } : {}),
  })
  const accountImports = new AccountImports({
    repo: deps.accountImports,
    hasher,
    sealTotp: (secret, accountId) => deps.box.seal(secret, accountId),
    audit: deps.audit,
    now,
    importedHashesLeft: () => source.importedHashes(),
  })
  /** Account imports whose process died while running them are marked interrupted (each instance looks). */
  const sweepImports = async (): Promise<void> => {
    try {
      const stopped = await accountImports.sweepInterrupted()
      if (stopped > 0) deps.logger.warn({ imports: stopped }, 'account imports interrupted by a lost process')
    } catch (err) {
      deps.logger.error({ err }, 'sweeping interrupted account imports failed')
    }
  }
  return {
    accountAdmin,
    accountImports,
    sweepImports,
    routes: (http: HttpServer, with_: { authorize: Authorize; audit: AuditService }) =>
      adminRoutes(http, {
        ...deps,
        ...with_,
        stats,
        now,
        accountAdmin,
        accountImports,
        importMaxBytes: deps.config.incidents.importMaxBytes,
      }),
  }
}
