import type { Authorize } from './authorize.js'
import type { AccessService } from './service.js'

type PreHandler = ReturnType<Authorize>

/** What the access API's route groups share: the service, the clock, the scope checks, the docs. */
export interface AccessRouteContext {
  access: AccessService
  now: () => number
  /** Requires `access:read`. */
  read: { preHandler: PreHandler }
  /** Requires `access:write`. */
  write: { preHandler: PreHandler }
  /** OpenAPI tags and security of every route. */
  common: { tags: string[]; security: Record<string, string[]>[] }
}
