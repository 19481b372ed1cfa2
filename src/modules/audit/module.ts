import type { HttpServer } from '../../http/server.js'
import type { Clock } from '../../kernel/clock.js'
import type { Authorize } from '../access/authorize.js'
import type { NameDirectory } from '../admin/names.js'
import type { AuditLog } from './ports.js'
import { auditRoutes } from './routes.js'
import { AuditService } from './service.js'

/** The audit chain of administrative actions: the service that appends to it and its routes. */
export const createAuditModule = (deps: { log: AuditLog; clock: Clock }) => {
  const audit = new AuditService({ log: deps.log, now: () => deps.clock.now() })
  return {
    audit,
    routes: (http: HttpServer, with_: { authorize: Authorize; names: NameDirectory }) =>
      auditRoutes(http, { authorize: with_.authorize, audit, log: deps.log, names: with_.names }),
  }
}
