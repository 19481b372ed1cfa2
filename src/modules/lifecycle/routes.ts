import type { FastifyReply } from 'fastify'
import { z } from 'zod'
import type { HttpServer } from '../../http/server.js'
import { requestContext } from '../../http/server.js'
import { iso } from '../../kernel/clock.js'
import { AppError } from '../../kernel/errors.js'
import type { Authorize } from '../access/authorize.js'
import type { AccountRecord } from '../accounts/ports.js'
import type { AccountLifecycle } from '../admin/lifecycle.js'
import { administratorOf } from '../admin/lifecycle-routes.js'
import { principalOf, requireRecentAuth, requireSession } from '../sessions/http-auth.js'
import type { SessionsService } from '../sessions/service.js'
import { AccountExport, at, atOrNull, exportDocument } from './export-document.js'
import type { AccountDeletion } from './service.js'

/** The download headers of an export: an attachment nobody caches. */
const asAttachment = (reply: FastifyReply, id: string, now: number) =>
  reply
    .header('cache-control', 'no-store')
    .header(
      'content-disposition',
      `attachment; filename="gatehouse-account-${id}-${iso(now).slice(0, 10)}.json"`,
    )

const bearerOrCookie: Record<string, string[]>[] = [{ bearer: [] }, { cookie: [] }]

const REAUTH =
  'Needs a proof of identity within the last 10 minutes (401 reauth_required; POST /v1/sessions/current/reauth).'

const Scheduled = z.object({
  status: z.literal('deletion_scheduled'),
  deletion_due_at: at.describe('When the account and its data will be deleted'),
})

export interface LifecycleRouteDeps {
  deletion: AccountDeletion
  sessions: SessionsService
  accounts: { findById(id: string): Promise<AccountRecord | null> }
  reauthMaxAgeMs: number
  now: () => number
}

const recentlyAuthenticated = (deps: LifecycleRouteDeps) => [
  requireSession(deps.sessions),
  requireRecentAuth(deps.sessions, deps.reauthMaxAgeMs, deps.now),
]

/** GET /v1/me/export: the holder's own export. */
const exportRoute = (app: HttpServer, deps: LifecycleRouteDeps) => {
  app.get(
    '/v1/me/export',
    {
      preHandler: recentlyAuthenticated(deps),
      schema: {
        summary: 'Download everything held about the signed-in account, as one JSON document',
        description:
          `${REAUTH} Profile, second factors (kinds and dates, never secrets), passkeys, devices, sessions, ` +
          'security history, exposures in incidents, applications and a pending deletion. An attachment, never cached; ' +
          'recorded as the security event account_data_exported.',
        tags: ['accounts'],
        security: bearerOrCookie,
        response: { 200: AccountExport },
      },
    },
    async (req, reply) => {
      const id = principalOf(req).account.id
      const data = await deps.deletion.export(id, `account:${id}`, requestContext(req))
      const now = deps.now()
      asAttachment(reply, id, now)
      return exportDocument(data, now)
    },
  )
}

/** DELETE /v1/me: the holder's deletion, after the grace period. */
const deleteRoute = (app: HttpServer, deps: LifecycleRouteDeps) => {
  app.delete(
    '/v1/me',
    {
      preHandler: recentlyAuthenticated(deps),
      schema: {
        summary: 'Delete the signed-in account after a grace period; a cancel link is mailed',
        description:
          `${REAUTH} Every session ends at once and, until the deletion is due (GATEHOUSE_ACCOUNT_DELETION_GRACE_DAYS, ` +
          'default 7), the account answers logins and recovery exactly as a disabled account does. The mail to its address ' +
          'carries a one-time token (link to /cancel-deletion?token=…) that POST /v1/account-deletion/cancel takes ' +
          'until then. Then the account and its personal data are deleted; the audit log keeps only its opaque id. ' +
          'Idempotent: while a deletion is pending the same date comes back and nothing is sent again. ' +
          '409 account_in_use while the account owns clients of the admin API.',
        tags: ['accounts'],
        security: bearerOrCookie,
        response: { 202: Scheduled },
      },
    },
    async (req, reply) => {
      const p = principalOf(req)
      const account = await deps.accounts.findById(p.account.id)
      if (!account) throw new AppError('unauthenticated')
      const r = await deps.deletion.schedule(account, `account:${account.id}`, requestContext(req))
      reply.header('cache-control', 'no-store')
      return reply.status(202).send({ status: 'deletion_scheduled' as const, deletion_due_at: iso(r.dueAt) })
    },
  )
}

/** POST /v1/account-deletion/cancel: the mail's token restores the account. */
const cancelRoute = (app: HttpServer, deps: LifecycleRouteDeps) => {
  app.post(
    '/v1/account-deletion/cancel',
    {
      schema: {
        summary: "Cancel a pending deletion with the mail's token: the account is restored",
        description:
          'The token is one-time and dies when the deletion is due. 400 invalid_token alike for unknown, used and expired ' +
          'tokens. After it the account logs in again as before (its sessions stay ended).',
        tags: ['accounts'],
        body: z.strictObject({ token: z.string().max(512) }),
        response: { 200: z.object({ status: z.literal('deletion_cancelled') }) },
      },
    },
    async (req) => {
      await deps.deletion.cancelWithToken(req.body.token, requestContext(req))
      return { status: 'deletion_cancelled' as const }
    },
  )
}

/** GET /v1/me/export, DELETE /v1/me and POST /v1/account-deletion/cancel. */
export const selfServiceRoutes = (app: HttpServer, deps: LifecycleRouteDeps) => {
  exportRoute(app, deps)
  deleteRoute(app, deps)
  cancelRoute(app, deps)
}

const AccountId = z.strictObject({ id: z.string().min(1).max(64) })
const security = bearerOrCookie

const RANKING =
  'Staff act only on accounts whose role ranks at most as high as theirs (admin > responder > auditor > partner > user; ' +
  'an API key ranks as a responder): 403 role_above_caller otherwise.'

type AdminDeps = LifecycleRouteDeps & { authorize: Authorize; accountAdmin: AccountLifecycle }

const adminExportRoute = (app: HttpServer, deps: AdminDeps) => {
  app.get(
    '/v1/admin/accounts/:id/export',
    {
      preHandler: deps.authorize('accounts:read'),
      schema: {
        summary:
          "An account's export, as GET /v1/me/export gives its holder (audit-logged as account.export)",
        description: RANKING,
        tags: ['admin'],
        security,
        params: AccountId,
        response: { 200: AccountExport },
      },
    },
    async (req, reply) => {
      const by = administratorOf(req)
      const account = await deps.accountAdmin.target(by, req.params.id)
      const data = await deps.deletion.export(account.id, by.actor, requestContext(req))
      const now = deps.now()
      asAttachment(reply, account.id, now)
      return exportDocument(data, now)
    },
  )
}

const adminScheduleRoute = (app: HttpServer, deps: AdminDeps) => {
  app.post(
    '/v1/admin/accounts/:id/deletion',
    {
      preHandler: deps.authorize('accounts:write'),
      schema: {
        summary:
          "Schedule an account's deletion after the grace period, or delete it now (audit-logged as account.deletion_schedule or account.delete)",
        description:
          'Scheduled: as DELETE /v1/me — the account is disabled, its sessions end, its address gets the cancel link; ' +
          'idempotent while one is pending. immediate: the account and its data go at once, by the same purge ' +
          `(409 account_in_use while it owns clients of the admin API). Staff cannot delete their own account. ${RANKING}`,
        tags: ['admin'],
        security,
        params: AccountId,
        body: z.strictObject({ immediate: z.boolean().default(false) }).optional(),
        response: {
          200: z.object({
            status: z.enum(['deletion_scheduled', 'deleted']),
            deletion_due_at: atOrNull.describe('Null once deleted'),
          }),
        },
      },
    },
    async (req) => {
      const by = administratorOf(req)
      const ctx = requestContext(req)
      if (req.body?.immediate) {
        await deps.accountAdmin.delete(by, req.params.id, ctx)
        return { status: 'deleted' as const, deletion_due_at: null }
      }
      const account = await deps.accountAdmin.target(by, req.params.id)
      if (by.accountId === account.id) {
        throw new AppError('invalid_request', { detail: 'Staff cannot delete their own account' })
      }
      const r = await deps.deletion.schedule(account, by.actor, ctx)
      return { status: 'deletion_scheduled' as const, deletion_due_at: iso(r.dueAt) }
    },
  )
}

const adminCancelRoute = (app: HttpServer, deps: AdminDeps) => {
  app.delete(
    '/v1/admin/accounts/:id/deletion',
    {
      preHandler: deps.authorize('accounts:write'),
      schema: {
        summary: "Cancel an account's pending deletion (audit-logged as account.deletion_cancel)",
        description: `The account is enabled again unless staff had disabled it. ${RANKING}`,
        tags: ['admin'],
        security,
        params: AccountId,
        response: { 200: z.object({ changed: z.boolean().describe('False when no deletion was pending') }) },
      },
    },
    async (req) => {
      const by = administratorOf(req)
      const account = await deps.accountAdmin.target(by, req.params.id)
      return { changed: await deps.deletion.cancelByStaff(account.id, by.actor, requestContext(req)) }
    },
  )
}

/** The admin equivalents: an account's export, and scheduling or cancelling its deletion. */
export const adminLifecycleRoutes = (app: HttpServer, deps: AdminDeps) => {
  adminExportRoute(app, deps)
  adminScheduleRoute(app, deps)
  adminCancelRoute(app, deps)
}
