import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { Database } from '../../adapters/sql/schema.js'
import type { HttpServer } from '../../http/server.js'
import { requestContext } from '../../http/server.js'
import { isoOrNull } from '../../kernel/clock.js'
import { AppError } from '../../kernel/errors.js'
import { type Authorize, type Scope, staffOf } from '../access/authorize.js'
import { classifyIdentifier } from '../accounts/identifiers.js'
import type { AccountRecord, AccountRepository } from '../accounts/ports.js'
import type { AuditService } from '../audit/service.js'
import type { SecurityEventLog } from '../events/ports.js'
import type { MfaFactorRepository } from '../mfa/ports.js'
import { maskEmail } from '../recovery/hints.js'
import type { SessionRepository } from '../sessions/ports.js'
import { readStats, SERIES } from './stats.js'

/** `+447700900123` → `+44*******23`: enough to tell numbers apart on screen, not to dial one. */
export const maskPhone = (e164: string): string =>
  e164.length <= 5 ? '+***' : `${e164.slice(0, 3)}${'*'.repeat(e164.length - 5)}${e164.slice(-2)}`

const AccountSummary = z.object({
  id: z.string(),
  username: z.string(),
  role: z.string(),
  email: z.string().describe('Masked'),
  phone: z.string().nullable().describe('Masked'),
  created_at: z.string(),
  flags: z.object({
    email_verified: z.boolean(),
    phone_verified: z.boolean(),
    must_change_password: z.boolean(),
    reset_lock: z.boolean(),
    locked: z.boolean(),
    password_reset_required: z.boolean().describe('Set by a force_password_reset campaign'),
    mfa_enrolment_required: z.boolean().describe('Set by a require_mfa_enrollment campaign'),
  }),
})

const summary = (a: AccountRecord): z.infer<typeof AccountSummary> => ({
  id: a.id,
  username: a.username,
  role: a.role,
  email: maskEmail(a.email),
  phone: a.phone ? maskPhone(a.phone) : null,
  created_at: isoOrNull(a.createdAt)!,
  flags: {
    email_verified: a.emailVerifiedAt !== null,
    phone_verified: a.phoneVerifiedAt !== null,
    must_change_password: a.mustChangePassword,
    reset_lock: a.resetLock,
    locked: a.lockedAt !== null,
    password_reset_required: a.passwordResetRequired,
    mfa_enrolment_required: a.mfaEnrolmentRequired,
  },
})

const Bucket = z.object({ start: z.string(), ...Object.fromEntries(SERIES.map((s) => [s, z.number()])) })

const AccountId = z.strictObject({ id: z.string().min(1).max(64) })

export const adminRoutes = (
  app: HttpServer,
  deps: {
    authorize: Authorize
    audit: AuditService
    db: Kysely<Database>
    accounts: Pick<AccountRepository, 'findById' | 'findByUsername' | 'findByEmail' | 'findByVerifiedPhone'>
    sessions: Pick<SessionRepository, 'listActive' | 'revokeAll'>
    factors: Pick<MfaFactorRepository, 'listAll'>
    events: Pick<SecurityEventLog, 'listForAccount'>
    now: () => number
  },
) => {
  const security: Array<Record<string, string[]>> = [{ bearer: [] }, { cookie: [] }]
  /** Passes a caller holding any one of the scopes (tried in order; the last refusal is thrown). */
  const anyOf = (...scopes: Scope[]) => {
    const checks = scopes.map((s) => deps.authorize(s))
    return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
      let refusal: unknown
      for (const check of checks) {
        try {
          await check(req, reply)
          return
        } catch (e) {
          if (!(e instanceof AppError) || e.code !== 'scope_required') throw e
          refusal = e
        }
      }
      throw refusal
    }
  }
  const readAccounts = deps.authorize('accounts:read')
  const writeAccounts = deps.authorize('accounts:write')
  const found = async (id: string): Promise<AccountRecord> => {
    const a = await deps.accounts.findById(id)
    if (!a) throw new AppError('not_found', { detail: 'No such account' })
    return a
  }

  app.get(
    '/v1/admin/stats',
    {
      preHandler: anyOf('detections:read', 'audit:read'),
      schema: {
        summary: 'Figures for the console overview: a series per bucket over the last hour or day',
        description:
          'hour: 12 buckets of 5 minutes; day: 24 buckets of 1 hour, the last one holding now. ' +
          'recovery_requests counts every request (known identifier or not); recovery_sent the recovery messages that left; ' +
          'recovery_suppressed the requests and messages the caps, the resend interval or a reset lock stopped. ' +
          'challenges and blocks count detections opened or raised to that response.',
        tags: ['admin'],
        security,
        querystring: z.strictObject({ window: z.enum(['hour', 'day']).default('hour') }),
        response: {
          200: z.object({
            window: z.enum(['hour', 'day']),
            bucket_seconds: z.number(),
            from: z.string(),
            to: z.string(),
            buckets: z.array(Bucket),
            totals: z.record(z.string(), z.number()),
            open_detections: z.number(),
            open_detections_by_kind: z.record(z.string(), z.number()),
          }),
        },
      },
    },
    async (req) => {
      const s = await readStats(deps.db, req.query.window, deps.now())
      return {
        window: s.window,
        bucket_seconds: s.bucketMs / 1000,
        from: isoOrNull(s.from)!,
        to: isoOrNull(s.to)!,
        buckets: s.buckets.map((b) => ({ ...b, start: isoOrNull(b.start)! })),
        totals: s.totals,
        open_detections: s.openDetections,
        open_detections_by_kind: s.openByKind,
      }
    },
  )

  app.get(
    '/v1/admin/accounts',
    {
      preHandler: readAccounts,
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

  app.get(
    '/v1/admin/accounts/:id',
    {
      preHandler: readAccounts,
      schema: {
        summary: 'One account: profile (contact data masked), live sessions, second factors, recent events',
        tags: ['admin'],
        security,
        params: AccountId,
        response: {
          200: z.object({
            account: AccountSummary,
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
          }),
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

  app.post(
    '/v1/admin/accounts/:id/sessions/revoke',
    {
      preHandler: writeAccounts,
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
      await deps.audit.record(
        staffOf(req).actor,
        requestContext(req),
        'account.sessions_revoke',
        `account:${a.id}`,
        { revoked },
      )
      return { revoked }
    },
  )
}
