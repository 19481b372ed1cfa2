import type { FastifyRequest } from 'fastify'
import { z } from 'zod'
import { noContent } from '../../http/no-content.js'
import { type HttpServer, requestContext } from '../../http/server.js'
import { type Authorize, staffOf } from '../access/authorize.js'
import {
  inputOf,
  NewOidcClientBody,
  OidcClientChangeBody,
  OidcClientParams,
  OidcClientView,
  OidcClientWithSecret,
  oidcClientView,
} from './client-views.js'
import type { NewOidcClient, OidcActor, OidcClients } from './clients.js'

const BASE = '/v1/admin/oidc/clients'

/**
 * The admin API of applications (OpenID Connect clients): register one (its secret in that answer
 * only), list, show, change, rotate its secret, delete. `oidc_clients:read` reads,
 * `oidc_clients:write` changes; each change is audited with its actor.
 */
export const oidcClientRoutes = (
  app: HttpServer,
  deps: { clients: OidcClients; authorize: Authorize; now: () => number },
): void => {
  const { clients } = deps
  const read = { preHandler: deps.authorize('oidc_clients:read') }
  const write = { preHandler: deps.authorize('oidc_clients:write') }
  const common: Common = {
    tags: ['admin'],
    security: [{ bearer: [] }, { cookie: [] }],
  }
  const by = (req: FastifyRequest): OidcActor => ({ actor: staffOf(req).actor })

  app.post(
    BASE,
    {
      ...write,
      schema: {
        ...common,
        summary: 'Register an application that signs users in through Gatehouse',
        description:
          'A confidential application gets its `client_secret` in this answer only; a public one (`public: true`) has none.',
        body: NewOidcClientBody,
        response: { 201: OidcClientWithSecret },
      },
    },
    async (req, reply) => {
      const input: NewOidcClient = { ...inputOf(req.body), name: req.body.name, public: req.body.public }
      const { client, secret } = await clients.create(input, by(req), requestContext(req))
      return reply.status(201).send({ ...oidcClientView(client), client_secret: secret })
    },
  )

  app.get(
    BASE,
    {
      ...read,
      schema: {
        ...common,
        summary: 'Every application, oldest first',
        response: { 200: z.object({ clients: z.array(OidcClientView) }) },
      },
    },
    async () => ({ clients: (await clients.list()).map(oidcClientView) }),
  )

  app.get(
    `${BASE}/:id`,
    {
      ...read,
      schema: {
        ...common,
        summary: 'An application',
        params: OidcClientParams,
        response: { 200: OidcClientView },
      },
    },
    async (req) => oidcClientView(await clients.get(req.params.id)),
  )
  oidcClientChangeRoutes(app, { clients, write, common, by })
}

type Write = { preHandler: ReturnType<Authorize> }
type Common = { tags: string[]; security: Record<string, string[]>[] }

/** Change, disable and enable, rotate the secret, delete. */
const oidcClientChangeRoutes = (
  app: HttpServer,
  {
    clients,
    write,
    common,
    by,
  }: { clients: OidcClients; write: Write; common: Common; by: (req: FastifyRequest) => OidcActor },
): void => {
  app.patch(
    `${BASE}/:id`,
    {
      ...write,
      schema: {
        ...common,
        summary: "Change an application's settings, or disable and enable it",
        description:
          'The settings must hold together after the change. Disabling ends every grant and token the application holds and tells it by back-channel logout.',
        params: OidcClientParams,
        body: OidcClientChangeBody,
        response: { 200: OidcClientView },
      },
    },
    async (req) => {
      const ctx = requestContext(req)
      const { id } = req.params
      const { disabled, ...rest } = req.body
      let c = await clients.update(id, inputOf(rest), by(req), ctx)
      if (disabled === true) c = await clients.disable(id, by(req), ctx)
      if (disabled === false) c = await clients.enable(id, by(req), ctx)
      return oidcClientView(c)
    },
  )

  app.post(
    `${BASE}/:id/secret`,
    {
      ...write,
      schema: {
        ...common,
        summary:
          "Rotate an application's secret: the new one is in this answer only, the old one stops at once",
        params: OidcClientParams,
        response: { 200: OidcClientWithSecret.extend({ client_secret: z.string() }) },
      },
    },
    async (req) => {
      const { client, secret } = await clients.rotateSecret(req.params.id, by(req), requestContext(req))
      return { ...oidcClientView(client), client_secret: secret }
    },
  )

  app.delete(
    `${BASE}/:id`,
    {
      ...write,
      schema: {
        ...common,
        summary: 'Delete an application: every grant and token it holds ends first',
        params: OidcClientParams,
        response: noContent,
      },
    },
    async (req, reply) => {
      await clients.delete(req.params.id, by(req), requestContext(req))
      return reply.status(204).send(null)
    },
  )
}
