import type { Authorize } from '../access/authorize.js'
import type { AuditService } from '../audit/service.js'
import type { AccountImports } from './imports/service.js'
import type { AccountLifecycle } from './lifecycle.js'
import type { AdminAccountTools, AdminStatsSource } from './ports.js'

export interface AdminRouteDeps extends AdminAccountTools {
  authorize: Authorize
  audit: AuditService
  stats: AdminStatsSource
  now: () => number
  accountAdmin: AccountLifecycle
  accountImports: AccountImports
  /** Largest account file an upload takes, in bytes. */
  importMaxBytes: number
}

/** The admin API takes a bearer token (session or API key) or the console's session cookie. */
export const security: Array<Record<string, string[]>> = [{ bearer: [] }, { cookie: [] }]
