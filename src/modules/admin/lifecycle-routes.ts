import type { FastifyRequest } from 'fastify'
import { z } from 'zod'
import { noContent } from '../../http/no-content.js'
import type { HttpServer } from '../../http/server.js'
import { requestContext } from '../../http/server.js'
import { LOCALES } from '../../kernel/locale.js'
import { ROLE_RANK, ROLES } from '../../kernel/roles.js'
import { granted, staffOf } from '../access/authorize.js'
import type { AccountRecord } from '../accounts/ports.js'
import { AccountSummary, summary } from './account-summary.js'
import type { AccountFields, Administrator } from './lifecycle.js'
import { type AdminRouteDeps, security } from './route-deps.js'

const AccountId = z.strictObject({ id: z.string().min(1).max(64) })

const Fields = {
  username: z.string().min(1).max(64),
  email: z.string().min(1).max(320),
  email_verified: z.boolean(),
  phone: z.string().min(1).max(32).nullable().describe('+E.164; null removes it'),
  phone_verified: z.boolean(),
  role: z.enum(ROLES),
  locale: z.enum(LOCALES).nullable(),
}

const Edit = z.strictObject({
  username: Fields.username.optional(),
  email: Fields.email.optional(),
  email_verified: Fields.email_verified.optional(),
  phone: Fields.phone.optional(),
  phone_verified: Fields.phone_verified.optional(),
  role: Fields.role.optional(),
  locale: Fields.locale.optional(),
})

const Create = Edit.extend({
  username: Fields.username,
  email: Fields.email,
  email_verified: Fields.email_verified.default(true),
  role: Fields.role.default('user'),
})

/** Who acts: a staff session ranks as its role; an API key as a responder (never above). */
export const administratorOf = (req: FastifyRequest): Administrator => {
  const staff = staffOf(req)
  if (staff.kind === 'api_key') return { actor: staff.actor, accountId: null, rank: ROLE_RANK.responder }
  const role = staff.role as keyof typeof ROLE_RANK
  return { actor: staff.actor, accountId: staff.accountId, rank: ROLE_RANK[role] ?? 0 }
}

/** What the caller may do to the account (the console shows only those actions). */
export const AllowedActions = z.object({
  edit: z.boolean(),
  disable: z.boolean(),
  enable: z.boolean(),
  delete: z.boolean(),
})

export const allowedActions = (req: FastifyRequest, a: AccountRecord): z.infer<typeof AllowedActions> => {
  const by = administratorOf(req)
  const may = granted(staffOf(req).scopes, 'accounts:write') && ROLE_RANK[a.role] <= by.rank
  const other = may && by.accountId !== a.id
  return {
    edit: may,
    disable: other && a.disabledAt === null,
    enable: may && a.disabledAt !== null,
    delete: other,
  }
}

const fieldsOf = (b: z.infer<typeof Edit>): AccountFields => {
  const f: AccountFields = {}
  if (b.username !== undefined) f.username = b.username
  if (b.email !== undefined) f.email = b.email
  if (b.email_verified !== undefined) f.emailVerified = b.email_verified
  if (b.phone !== undefined) f.phone = b.phone
  if (b.phone_verified !== undefined) f.phoneVerified = b.phone_verified
  if (b.role !== undefined) f.role = b.role
  if (b.locale !== undefined) f.locale = b.locale
  return f
}

const RANKING =
  'Staff act only on accounts whose role ranks at most as high as theirs and give no role above their own ' +
  '(admin > responder > auditor > partner > user; an API key ranks as a responder): 403 role_above_caller otherwise.'

const createRoute = (app: HttpServer, deps: AdminRouteDeps) => {
  app.post(
    '/v1/admin/accounts',
    {
      preHandler: deps.authorize('accounts:write'),
      schema: {
        summary: 'Create an account with a one-time password, shown once (audit-logged as account.create)',
        description:
          'The password must be changed at the first login. The email address counts as verified unless email_verified is false; ' +
          `a phone number is unverified unless phone_verified. ${RANKING}`,
        tags: ['admin'],
        security,
        body: Create,
        response: { 201: z.object({ account: AccountSummary, password: z.string() }) },
      },
    },
    async (req, reply) => {
      const b = req.body
      const fields = { ...fieldsOf(b), username: b.username, email: b.email }
      const made = await deps.accountAdmin.create(administratorOf(req), fields, requestContext(req))
      reply.code(201)
      return { account: summary(made.account), password: made.password }
    },
  )
}

const editRoute = (app: HttpServer, deps: AdminRouteDeps) => {
  app.patch(
    '/v1/admin/accounts/:id',
    {
      preHandler: deps.authorize('accounts:write'),
      schema: {
        summary:
          "Change an account's username, email, phone, role or locale (audit-logged as account.update)",
        description:
          'A new email address is unverified unless email_verified is true; a new phone number unless phone_verified. ' +
          `A change of role ends every session of the account and its applications' grants. ${RANKING}`,
        tags: ['admin'],
        security,
        params: AccountId,
        body: Edit,
        response: { 200: z.object({ account: AccountSummary }) },
      },
    },
    async (req) => {
      const a = await deps.accountAdmin.edit(
        administratorOf(req),
        req.params.id,
        fieldsOf(req.body),
        requestContext(req),
      )
      return { account: summary(a) }
    },
  )
}

const Switched = z.object({
  account: AccountSummary,
  changed: z.boolean().describe('False when the account was in that state already'),
})

const disableRoutes = (app: HttpServer, deps: AdminRouteDeps) => {
  app.post(
    '/v1/admin/accounts/:id/disable',
    {
      preHandler: deps.authorize('accounts:write'),
      schema: {
        summary: 'Disable an account: its sessions and grants end at once (audit-logged as account.disable)',
        description:
          'Until it is enabled, a right password answers 403 password_reset_required exactly as under a required reset, a wrong one 401 invalid_credentials, ' +
          `and recovery sends nothing: a new password does not enable it. ${RANKING}`,
        tags: ['admin'],
        security,
        params: AccountId,
        response: { 200: Switched.extend({ revoked_sessions: z.number() }) },
      },
    },
    async (req) => {
      const by = administratorOf(req)
      const r = await deps.accountAdmin.disable(by, req.params.id, requestContext(req))
      const a = await deps.accountAdmin.target(by, req.params.id)
      return { account: summary(a), changed: r !== null, revoked_sessions: r?.sessions ?? 0 }
    },
  )
  app.post(
    '/v1/admin/accounts/:id/enable',
    {
      preHandler: deps.authorize('accounts:write'),
      schema: {
        summary: 'Enable a disabled account again (audit-logged as account.enable)',
        description: RANKING,
        tags: ['admin'],
        security,
        params: AccountId,
        response: { 200: Switched },
      },
    },
    async (req) => {
      const by = administratorOf(req)
      const changed = await deps.accountAdmin.enable(by, req.params.id, requestContext(req))
      return { account: summary(await deps.accountAdmin.target(by, req.params.id)), changed }
    },
  )
}

const deleteRoute = (app: HttpServer, deps: AdminRouteDeps) => {
  app.delete(
    '/v1/admin/accounts/:id',
    {
      preHandler: deps.authorize('accounts:write'),
      schema: {
        summary: 'Delete an account and what is held about it (audit-logged as account.delete)',
        description:
          'Profile, sessions, second factors, passkeys, devices, security events and queued messages go; ' +
          "applications' grants end first. The audit log keeps naming the account by its id only, so its chain still verifies. " +
          `409 account_in_use while it owns clients of the admin API. ${RANKING}`,
        tags: ['admin'],
        security,
        params: AccountId,
        response: noContent,
      },
    },
    async (req, reply) => {
      await deps.accountAdmin.delete(administratorOf(req), req.params.id, requestContext(req))
      return reply.status(204).send(null)
    },
  )
}

/** Account administration: create, edit, disable, enable, delete. */
export const lifecycleRoutes = (app: HttpServer, deps: AdminRouteDeps) => {
  createRoute(app, deps)
  editRoute(app, deps)
  disableRoutes(app, deps)
  deleteRoute(app, deps)
}
