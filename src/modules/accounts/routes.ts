import { z } from 'zod'
import type { HttpServer } from '../../http/server.js'
import { requestContext } from '../../http/server.js'
import { principalOf, requireSession } from '../sessions/http-auth.js'
import type { SessionsService } from '../sessions/service.js'
import type { AccountsService } from './service.js'

export const accountRoutes = (
  app: HttpServer,
  deps: { accounts: AccountsService; sessions: SessionsService },
) => {
  const { accounts } = deps

  app.post(
    '/v1/accounts',
    {
      schema: {
        summary: 'Register an account; a verification mail follows',
        description:
          'Answers 202 for every well-formed request whose username is free. An address that already has an ' +
          'account gets the same answer, and its owner a notice mail instead of a second account.',
        tags: ['accounts'],
        body: z.strictObject({
          username: z.string().max(256),
          email: z.string().max(320),
          password: z.string().max(100_000),
          phone: z.string().max(32).optional(),
        }),
        response: { 202: z.object({ status: z.literal('verification_sent') }) },
      },
    },
    async (req, reply) => {
      await accounts.register(req.body, requestContext(req))
      return reply.status(202).send({ status: 'verification_sent' as const })
    },
  )

  app.post(
    '/v1/accounts/verify',
    {
      schema: {
        summary: 'Verify the email address with the token from the mail',
        tags: ['accounts'],
        body: z.strictObject({ token: z.string().max(512) }),
        response: { 200: z.object({ status: z.literal('verified') }) },
      },
    },
    async (req) => {
      await accounts.verifyEmail(req.body.token, requestContext(req))
      return { status: 'verified' as const }
    },
  )

  app.post(
    '/v1/me/password',
    {
      preHandler: requireSession(deps.sessions, { allowRestricted: true }),
      schema: {
        summary: 'Change the password; every other session is revoked',
        tags: ['accounts'],
        security: [{ bearer: [] }, { cookie: [] }],
        body: z.strictObject({
          current_password: z.string().max(100_000),
          new_password: z.string().max(100_000),
        }),
        response: { 200: z.object({ revoked_sessions: z.number() }) },
      },
    },
    async (req) => {
      const p = principalOf(req)
      const { revokedSessions } = await accounts.changePassword(
        p.account.id,
        p.session.id,
        { currentPassword: req.body.current_password, newPassword: req.body.new_password },
        requestContext(req),
      )
      return { revoked_sessions: revokedSessions }
    },
  )
}
