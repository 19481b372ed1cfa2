import { z } from 'zod'
import { noContent } from '../../http/no-content.js'
import { type HttpServer, requestContext } from '../../http/server.js'
import { isoOrNull } from '../../kernel/clock.js'
import { SCOPES } from './authorize.js'
import type { AccessRouteContext } from './route-context.js'
import { ACCESS_LIMITS } from './service.js'
import {
  actorOf,
  ClientParams,
  ExpiresInDays,
  KeyParams,
  KeyView,
  keyView,
  Overlap,
  ScopeName,
} from './views.js'

/** Issue a key to a client; list its keys. */
export const keyIssueRoutes = (
  app: HttpServer,
  { access, now: clock, read, write, common }: AccessRouteContext,
) => {
  app.post(
    '/v1/admin/clients/:id/keys',
    {
      ...write,
      schema: {
        ...common,
        summary: 'Issue an admin API key to a client',
        description:
          'The key (`ghk_<prefix>_<secret>`) is in this answer only; Gatehouse keeps its SHA-256. ' +
          'Scopes are those of docs/admin.md, or `*` alone for every scope; the caller can grant only scopes it holds.',
        params: ClientParams,
        body: z.strictObject({
          scopes: z.array(ScopeName).min(1).max(SCOPES.length),
          expires_in_days: ExpiresInDays,
          description: z.string().max(ACCESS_LIMITS.descriptionLength).nullable().optional(),
        }),
        response: { 201: KeyView.extend({ key: z.string().describe('Shown once') }) },
      },
    },
    async (req, reply) => {
      const { record, key } = await access.createKey(
        req.params.id,
        {
          scopes: req.body.scopes,
          expiresInDays: req.body.expires_in_days,
          description: req.body.description,
        },
        actorOf(req),
        requestContext(req),
      )
      return reply.status(201).send({ ...keyView(record, clock()), key })
    },
  )

  app.get(
    '/v1/admin/clients/:id/keys',
    {
      ...read,
      schema: {
        ...common,
        summary: "A client's keys (never the keys themselves)",
        params: ClientParams,
        response: { 200: z.object({ keys: z.array(KeyView) }) },
      },
    },
    async (req) => {
      const now = clock()
      return { keys: (await access.listKeys(req.params.id)).map((k) => keyView(k, now)) }
    },
  )
}

/** Change a key's expiry, revoke it, rotate it. */
export const keyChangeRoutes = (
  app: HttpServer,
  { access, now: clock, write, common }: AccessRouteContext,
) => {
  app.patch(
    '/v1/admin/clients/:id/keys/:key_id',
    {
      ...write,
      schema: {
        ...common,
        summary: "Change a key's expiry (counted from now)",
        params: KeyParams,
        body: z.strictObject({ expires_in_days: ExpiresInDays }),
        response: { 200: KeyView },
      },
    },
    async (req) =>
      keyView(
        await access.setKeyExpiry(
          req.params.id,
          req.params.key_id,
          req.body.expires_in_days,
          actorOf(req),
          requestContext(req),
        ),
        clock(),
      ),
  )

  app.delete(
    '/v1/admin/clients/:id/keys/:key_id',
    {
      ...write,
      schema: { ...common, summary: 'Revoke a key: it is refused', params: KeyParams, response: noContent },
    },
    async (req, reply) => {
      await access.revokeKey(req.params.id, req.params.key_id, actorOf(req), requestContext(req))
      return reply.status(204).send(null)
    },
  )

  app.post(
    '/v1/admin/clients/:id/keys/:key_id/rotate',
    {
      ...write,
      schema: {
        ...common,
        summary: 'Replace a key by a successor with the same scopes and expiry policy',
        description:
          'The old key stops after `overlap_seconds` (default 0: at once; at most 7 days), so that the client can switch without a gap. ' +
          'The caller must hold every scope of the key.',
        params: KeyParams,
        body: z.strictObject({ overlap_seconds: Overlap }).optional(),
        response: {
          201: KeyView.extend({
            key: z.string().describe('Shown once'),
            previous: z.object({ id: z.string(), stops_at: z.string() }),
          }),
        },
      },
    },
    async (req, reply) => {
      const r = await access.rotateKey(
        req.params.id,
        req.params.key_id,
        { overlapSeconds: req.body?.overlap_seconds },
        actorOf(req),
        requestContext(req),
      )
      return reply.status(201).send({
        ...keyView(r.record, clock()),
        key: r.key,
        previous: { id: req.params.key_id, stops_at: isoOrNull(r.oldStopsAt)! },
      })
    },
  )
}
