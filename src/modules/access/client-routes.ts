import { z } from 'zod'
import { noContent } from '../../http/no-content.js'
import { type HttpServer, requestContext } from '../../http/server.js'
import type { AccessRouteContext } from './route-context.js'
import { ACCESS_LIMITS } from './service.js'
import { actorOf, ClientParams, ClientView, clientView, Id, KeyView, keyView } from './views.js'

/** Register a client, list them, show one. */
export const clientRoutes = (
  app: HttpServer,
  { access, now: clock, read, write, common }: AccessRouteContext,
) => {
  app.post(
    '/v1/admin/clients',
    {
      ...write,
      schema: {
        ...common,
        summary: 'Register a client: a third-party app or partner that will hold admin API keys',
        body: z.strictObject({
          name: z.string().min(1).max(ACCESS_LIMITS.nameLength),
          owner_account_id: Id.describe('A staff (admin, responder, auditor) or partner account'),
          description: z.string().max(ACCESS_LIMITS.descriptionLength).nullable().optional(),
        }),
        response: { 201: ClientView },
      },
    },
    async (req, reply) => {
      const c = await access.createClient(
        { name: req.body.name, ownerAccountId: req.body.owner_account_id, description: req.body.description },
        actorOf(req),
        requestContext(req),
      )
      return reply.status(201).send(clientView(c))
    },
  )

  app.get(
    '/v1/admin/clients',
    {
      ...read,
      schema: {
        ...common,
        summary: 'Every client',
        response: { 200: z.object({ clients: z.array(ClientView) }) },
      },
    },
    async () => ({ clients: (await access.listClients()).map(clientView) }),
  )

  app.get(
    '/v1/admin/clients/:id',
    {
      ...read,
      schema: {
        ...common,
        summary: 'A client and every key it has had',
        params: ClientParams,
        response: { 200: ClientView.extend({ keys: z.array(KeyView) }) },
      },
    },
    async (req) => {
      const c = await access.getClient(req.params.id)
      const now = clock()
      return { ...clientView(c), keys: (await access.listKeys(c.id)).map((k) => keyView(k, now)) }
    },
  )
}

/** Change a client; disable it (and revoke its keys). */
export const clientChangeRoutes = (app: HttpServer, { access, write, common }: AccessRouteContext) => {
  app.patch(
    '/v1/admin/clients/:id',
    {
      ...write,
      schema: {
        ...common,
        summary: 'Rename a client, change its owner, or disable and enable it',
        description:
          'While disabled, every key of the client is refused (401); enabling it brings them back.',
        params: ClientParams,
        body: z.strictObject({
          name: z.string().min(1).max(ACCESS_LIMITS.nameLength).optional(),
          description: z.string().max(ACCESS_LIMITS.descriptionLength).nullable().optional(),
          owner_account_id: Id.optional(),
          disabled: z.boolean().optional(),
        }),
        response: { 200: ClientView },
      },
    },
    async (req) =>
      clientView(
        await access.updateClient(
          req.params.id,
          {
            name: req.body.name,
            description: req.body.description,
            ownerAccountId: req.body.owner_account_id,
            disabled: req.body.disabled,
          },
          actorOf(req),
          requestContext(req),
        ),
      ),
  )

  app.delete(
    '/v1/admin/clients/:id',
    {
      ...write,
      schema: {
        ...common,
        summary: 'Delete a client: it is disabled for good and every key it holds is revoked',
        params: ClientParams,
        response: noContent,
      },
    },
    async (req, reply) => {
      await access.deleteClient(req.params.id, actorOf(req), requestContext(req))
      return reply.status(204).send(null)
    },
  )
}
