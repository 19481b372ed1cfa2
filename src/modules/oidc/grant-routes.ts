import { z } from 'zod'
import { type HttpServer, requestContext } from '../../http/server.js'
import { AppError } from '../../kernel/errors.js'
import { type Authorize, staffOf } from '../access/authorize.js'
import type { AuditService } from '../audit/service.js'
import type { OidcGrants } from './grants.js'
import type { OidcClientRepository } from './ports.js'

const security: Array<Record<string, string[]>> = [{ bearer: [] }, { cookie: [] }]

/**
 * `POST /v1/admin/oidc/clients/:id/revoke-grants`: the incident kit's answer to a compromised
 * application: every grant of the client ends, for every account, with every code and token
 * issued under it, and the application is told per account by back-channel logout. Audited as
 * `oidc.client_grants_revoke`; the event `oidc_client_grants_revoked` says how many.
 */
export const grantRoutes = (
  app: HttpServer,
  deps: {
    grants: OidcGrants
    clients: Pick<OidcClientRepository, 'find'>
    authorize: Authorize
    audit: AuditService
  },
) => {
  app.post(
    '/v1/admin/oidc/clients/:id/revoke-grants',
    {
      preHandler: deps.authorize('campaigns:write'),
      schema: {
        summary: 'End every grant of one application, for every account (audit-logged)',
        tags: ['admin'],
        security,
        params: z.strictObject({ id: z.string().min(1).max(200) }),
        response: { 200: z.object({ client_id: z.string(), grants_revoked: z.number() }) },
      },
    },
    async (req) => {
      const { id } = req.params
      if (!(await deps.clients.find(id))) throw new AppError('not_found', { detail: 'No such application' })
      const ctx = requestContext(req)
      const revoked = await deps.grants.revokeClient(id, ctx, 'operator_revoked')
      await deps.audit.record(staffOf(req).actor, ctx, 'oidc.client_grants_revoke', `oidc_client:${id}`, {
        grants: revoked,
      })
      return { client_id: id, grants_revoked: revoked }
    },
  )
}
