import { z } from 'zod'
import type { HttpServer } from '../../http/server.js'
import { requestContext } from '../../http/server.js'
import { principalOf, requireSession, SESSION_COOKIE } from './http-auth.js'
import type { SessionRecord } from './ports.js'
import type { SessionsService } from './service.js'

const iso = (ms: number) => new Date(ms).toISOString()

const SessionView = z.object({
  id: z.string(),
  current: z.boolean(),
  device: z.string().nullable().describe('User agent of the client that logged in'),
  ip: z.string().nullable(),
  created_at: z.string(),
  last_seen_at: z.string(),
  expires_at: z.string(),
  idle_expires_at: z.string(),
})

const view = (s: SessionRecord, currentId: string): z.infer<typeof SessionView> => ({
  id: s.id,
  current: s.id === currentId,
  device: s.userAgent,
  ip: s.ip,
  created_at: iso(s.createdAt),
  last_seen_at: iso(s.lastSeenAt),
  expires_at: iso(s.expiresAt),
  idle_expires_at: iso(s.idleExpiresAt),
})

const Problem = z
  .object({ type: z.string(), title: z.string(), status: z.number(), code: z.string() })
  .loose()

export const sessionRoutes = (
  app: HttpServer,
  deps: {
    sessions: SessionsService
    secureCookie: boolean
    /** Proves a login challenge's second factor; returns the account id or throws invalid_code. */
    completeSecondStep: (
      input: { challengeId: string; method: 'totp' | 'recovery_code'; code: string },
      ctx: ReturnType<typeof requestContext>,
    ) => Promise<string>
  },
) => {
  const { sessions } = deps
  const auth = requireSession(sessions, { allowRestricted: true })
  const authFull = requireSession(sessions)
  const cookieOptions = {
    httpOnly: true,
    secure: deps.secureCookie,
    sameSite: 'lax' as const,
    path: '/',
  }

  app.post(
    '/v1/sessions',
    {
      schema: {
        summary: 'Log in with a username, email address or verified phone number',
        tags: ['sessions'],
        body: z.strictObject({
          identifier: z.string().min(1).max(320),
          password: z.string().max(100_000),
        }),
        response: {
          201: z.object({ token: z.string(), expires_at: z.string() }),
          200: z
            .object({ mfa_required: z.literal(true), challenge_id: z.string(), methods: z.array(z.string()) })
            .describe(
              'The account has a second factor: complete with POST /v1/sessions/mfa within 5 minutes',
            ),
          401: Problem.describe('invalid_credentials, alike for every failure'),
        },
      },
    },
    async (req, reply) => {
      const result = await sessions.login(req.body, requestContext(req))
      if (result.kind === 'mfa') {
        return reply
          .status(200)
          .send({ mfa_required: true as const, challenge_id: result.challengeId, methods: result.methods })
      }
      const { token, session } = result
      reply.setCookie(SESSION_COOKIE, token, { ...cookieOptions, expires: new Date(session.expiresAt) })
      return reply.status(201).send({ token, expires_at: iso(session.expiresAt) })
    },
  )

  app.post(
    '/v1/sessions/mfa',
    {
      schema: {
        summary: 'Complete a login with the second factor',
        description:
          '401 invalid_code alike for a wrong code, an unknown or expired challenge, or one out of guesses.',
        tags: ['sessions'],
        body: z.strictObject({
          challenge_id: z.string().min(1).max(64),
          method: z.enum(['totp', 'recovery_code']),
          code: z.string().min(1).max(32),
        }),
        response: { 201: z.object({ token: z.string(), expires_at: z.string() }) },
      },
    },
    async (req, reply) => {
      const ctx = requestContext(req)
      const accountId = await deps.completeSecondStep(
        { challengeId: req.body.challenge_id, method: req.body.method, code: req.body.code },
        ctx,
      )
      const { token, session } = await sessions.openAfterSecondFactor(accountId, req.body.method, ctx)
      reply.setCookie(SESSION_COOKIE, token, { ...cookieOptions, expires: new Date(session.expiresAt) })
      return reply.status(201).send({ token, expires_at: iso(session.expiresAt) })
    },
  )

  app.get(
    '/v1/sessions/current',
    {
      preHandler: auth,
      schema: {
        summary: 'The account and session of the presented token',
        tags: ['sessions'],
        security: [{ bearer: [] }, { cookie: [] }],
        response: {
          200: z.object({
            account: z.object({ id: z.string(), username: z.string(), must_change_password: z.boolean() }),
            session: SessionView,
          }),
        },
      },
    },
    async (req) => {
      const p = principalOf(req)
      return {
        account: {
          id: p.account.id,
          username: p.account.username,
          must_change_password: p.session.restricted,
        },
        session: view(p.session, p.session.id),
      }
    },
  )

  app.delete(
    '/v1/sessions/current',
    {
      preHandler: auth,
      schema: { summary: 'Log out', tags: ['sessions'], security: [{ bearer: [] }, { cookie: [] }] },
    },
    async (req, reply) => {
      await sessions.logout(principalOf(req), requestContext(req))
      reply.clearCookie(SESSION_COOKIE, cookieOptions)
      return reply.status(204).send()
    },
  )

  app.get(
    '/v1/sessions',
    {
      preHandler: authFull,
      schema: {
        summary: "The account's live sessions",
        tags: ['sessions'],
        security: [{ bearer: [] }, { cookie: [] }],
        response: { 200: z.object({ sessions: z.array(SessionView) }) },
      },
    },
    async (req) => {
      const p = principalOf(req)
      return { sessions: (await sessions.list(p)).map((s) => view(s, p.session.id)) }
    },
  )

  app.delete(
    '/v1/sessions/:id',
    {
      preHandler: authFull,
      schema: {
        summary: 'Revoke one of your sessions',
        tags: ['sessions'],
        security: [{ bearer: [] }, { cookie: [] }],
        params: z.strictObject({ id: z.string().min(1).max(64) }),
      },
    },
    async (req, reply) => {
      await sessions.revoke(principalOf(req), req.params.id, requestContext(req))
      return reply.status(204).send()
    },
  )

  app.delete(
    '/v1/sessions',
    {
      preHandler: authFull,
      schema: {
        summary: 'Revoke every session but the current one',
        tags: ['sessions'],
        security: [{ bearer: [] }, { cookie: [] }],
        response: { 200: z.object({ revoked: z.number() }) },
      },
    },
    async (req) => ({ revoked: await sessions.revokeOthers(principalOf(req), requestContext(req)) }),
  )
}
