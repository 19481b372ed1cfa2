import type { Config } from '../../config/index.js'
import type { HttpServer } from '../../http/server.js'
import type { Clock } from '../../kernel/clock.js'
import type { RequestContext } from '../../kernel/context.js'
import type { Notifier } from '../../kernel/notifier.js'
import type { Authorize } from '../access/authorize.js'
import type { AccountRecord } from '../accounts/ports.js'
import type { AccountLifecycle } from '../admin/lifecycle.js'
import type { AuditService } from '../audit/service.js'
import type { EventRecorder } from '../events/recorder.js'
import type { SessionsService } from '../sessions/service.js'
import type { DeletionStore } from './ports.js'
import { adminLifecycleRoutes, selfServiceRoutes } from './routes.js'
import { AccountDeletion } from './service.js'

export interface LifecycleModuleDeps {
  config: Pick<Config, 'accounts' | 'sessions'>
  store: DeletionStore
  accounts: { findById(id: string): Promise<AccountRecord | null> }
  events: EventRecorder
  audit: AuditService
  clock: Clock
  queued: Notifier
  onAccessEnded?: (accountId: string, reason: string, ctx: RequestContext) => Promise<void>
}

/**
 * Self-service account lifecycle: an account's export and its deletion after a grace period
 * (cancelled by the mailed link), the job that purges accounts whose grace has passed, and the
 * admin equivalents.
 */
export const createLifecycleModule = (deps: LifecycleModuleDeps) => {
  const now = () => deps.clock.now()
  const deletion = new AccountDeletion({
    store: deps.store,
    accounts: deps.accounts,
    events: deps.events,
    audit: deps.audit,
    now,
    queued: deps.queued,
    graceDays: deps.config.accounts.deletionGraceDays,
    ...(deps.onAccessEnded ? { onAccessEnded: deps.onAccessEnded } : {}),
  })
  return {
    deletion,
    /** The periodic job: purges the accounts whose deletion is due. */
    purgeDue: async (): Promise<void> => {
      await deletion.purgeDue()
    },
    routes: (
      http: HttpServer,
      with_: { sessions: SessionsService; authorize: Authorize; accountAdmin: AccountLifecycle },
    ) => {
      const routeDeps = {
        deletion,
        sessions: with_.sessions,
        accounts: deps.accounts,
        reauthMaxAgeMs: deps.config.sessions.reauthMaxAgeMs,
        now,
      }
      selfServiceRoutes(http, routeDeps)
      adminLifecycleRoutes(http, { ...routeDeps, ...with_ })
    },
  }
}
