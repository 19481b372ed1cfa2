import type { Config } from '../../config/index.js'
import type { HttpServer } from '../../http/server.js'
import type { Purge } from '../../kernel/housekeeping.js'
import type { Authorize } from '../access/authorize.js'
import type { NameDirectory } from '../admin/names.js'
import type { SessionsService } from '../sessions/service.js'
import type { SecurityEventLog } from './ports.js'
import { eventRoutes } from './routes.js'

/** The security-event log as read over HTTP (by its account, by staff), and its retention. */
export const createEventsModule = (deps: { config: Pick<Config, 'housekeeping'>; log: SecurityEventLog }) => {
  const retentionMs = deps.config.housekeeping.eventRetentionMs
  const purge: Purge = async (now) => ({
    deleted_security_events: await deps.log.deleteBefore(now - retentionMs),
  })
  return {
    purge,
    routes: (
      http: HttpServer,
      with_: { sessions: SessionsService; authorize: Authorize; names: NameDirectory },
    ) => eventRoutes(http, { ...with_, events: deps.log }),
  }
}
