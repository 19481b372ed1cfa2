import { z } from 'zod'
import type { HttpServer } from '../../http/server.js'
import { requestContext } from '../../http/server.js'
import { isoOrNull } from '../../kernel/clock.js'
import { AppError } from '../../kernel/errors.js'
import { staffOf } from '../access/authorize.js'
import { classifyIdentifier } from '../accounts/identifiers.js'
import type { AccountRecord } from '../accounts/ports.js'
import { AccountSummary, summary } from './account-summary.js'
import { AllowedActions, allowedActions } from './lifecycle-routes.js'
import { type AdminRouteDeps, security } from './route-deps.js'

const AccountId = z.strictObject({ id: z.string().min(1).max(64) })

const lookupRoute = (app: HttpServer, deps: AdminRouteDeps) => {
  app.get(
    '/v1/admin/accounts',
    {
      preHandler: deps.authorize('accounts:read'),
      schema: {
        summary: 'Find an account by its username, email address or verified phone number',
        description:
          'Exact match on the normalised form, as login reads it (a phone number in +E.164). ' +
          'Every lookup is audit-logged (account.lookup) with the kind of identifier and whether it matched, never the identifier.',
        tags: ['admin'],
        security,
        querystring: z.strictObject({ q: z.string().trim().min(1).max(320) }),
        response: {
          200: z.object({
            kind: z.enum(['username', 'email', 'phone']),
            accounts: z.array(AccountSummary),
          }),
        },
      },
    },
    async (req) => {
      const staff = staffOf(req)
      const id = classifyIdentifier(req.query.q)
      if (!id) {
        await deps.audit.record(staff.actor, requestContext(req), 'account.lookup', null, {
          kind: 'invalid',
          found: false,
        })
        throw new AppError('invalid_request', {
          detail: 'Search by a username, an email address or a phone number in +E.164 form',
        })
      }
      const account =
        id.kind === 'username'
          ? await deps.accounts.findByUsername(id.value)
          : id.kind === 'email'
            ? await deps.accounts.findByEmail(id.value)
            : await deps.accounts.findByVerifiedPhone(id.value)
      await deps.audit.record(
        staff.actor,
        requestContext(req),
        'account.lookup',
        account ? `account:${account.id}` : null,
        { kind: id.kind, found: account !== null },
      )
      return { kind: id.kind, accounts: account ? [summary(account)] : [] }
    },
  )
}

/** One account as the admin tools show it. */
const AccountDetail = z.object({
  account: AccountSummary,
  allowed_actions: AllowedActions.describe('What the caller may do to this account (account administration)'),
  sessions: z.array(
    z.object({
      id: z.string(),
      device: z.string().nullable(),
      ip: z.string().nullable(),
      created_at: z.string(),
      last_seen_at: z.string(),
      expires_at: z.string(),
    }),
  ),
  factors: z.array(
    z.object({
      id: z.string(),
      kind: z.string(),
      confirmed: z.boolean(),
      created_at: z.string(),
    }),
  ),
  events: z.array(
    z.object({
      id: z.number(),
      type: z.string(),
      time: z.string(),
      ip: z.string().nullable(),
      details: z.record(z.string(), z.unknown()),
    }),
  ),
})

const detailRoute = (
  app: HttpServer,
  deps: AdminRouteDeps,
  found: (id: string) => Promise<AccountRecord>,
) => {
  app.get(
    '/v1/admin/accounts/:id',
    {
      preHandler: deps.authorize('accounts:read'),
      schema: {
        summary: 'One account: profile (contact data masked), live sessions, second factors, recent events',
        tags: ['admin'],
        security,
        params: AccountId,
        response: {
          200: AccountDetail,
        },
      },
    },
    async (req) => {
      const a = await found(req.params.id)
      const now = deps.now()
      const [sessions, factors, events] = await Promise.all([
        deps.sessions.listActive(a.id, now),
        deps.factors.listAll(a.id),
        deps.events.listForAccount(a.id, 50),
      ])
      return {
        account: summary(a),
        allowed_actions: allowedActions(req, a),
        sessions: sessions.map((s) => ({
          id: s.id,
          device: s.userAgent,
          ip: s.ip,
          created_at: isoOrNull(s.createdAt)!,
          last_seen_at: isoOrNull(s.lastSeenAt)!,
          expires_at: isoOrNull(s.expiresAt)!,
        })),
        factors: factors.map((f) => ({
          id: f.id,
          kind: f.kind,
          confirmed: f.confirmedAt !== null,
          created_at: isoOrNull(f.createdAt)!,
        })),
        events: events.map((e) => ({
          id: e.id,
          type: e.type,
          time: isoOrNull(e.at)!,
          ip: e.context.ip,
          details: e.details,
        })),
      }
    },
  )
}

const revokeSessionsRoute = (
  app: HttpServer,
  deps: AdminRouteDeps,
  found: (id: string) => Promise<AccountRecord>,
) => {
  app.post(
    '/v1/admin/accounts/:id/sessions/revoke',
    {
      preHandler: deps.authorize('accounts:write'),
      schema: {
        summary: 'End every session of the account (audit-logged as account.sessions_revoke)',
        tags: ['admin'],
        security,
        params: AccountId,
        response: { 200: z.object({ revoked: z.number() }) },
      },
    },
    async (req) => {
      const a = await found(req.params.id)
      const revoked = await deps.sessions.revokeAll(a.id, deps.now())
      const ctx = requestContext(req)
      await deps.audit.record(staffOf(req).actor, ctx, 'account.sessions_revoke', `account:${a.id}`, {
        revoked,
      })
      await deps.onAccessEnded?.(a.id, 'operator_sessions_revoked', ctx)
      return { revoked }
    },
  )
}

/** Find an account, show one, end its sessions. */
export const accountRoutes = (app: HttpServer, deps: AdminRouteDeps) => {
  const found = async (id: string): Promise<AccountRecord> => {
    const a = await deps.accounts.findById(id)
    if (!a) throw new AppError('not_found', { detail: 'No such account' })
    return a
  }
  lookupRoute(app, deps)
  detailRoute(app, deps, found)
  revokeSessionsRoute(app, deps, found)
}
