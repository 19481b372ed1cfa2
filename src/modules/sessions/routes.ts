import type { AuthenticationResponseJSON } from '@simplewebauthn/server'
import { z } from 'zod'
import type { HttpServer } from '../../http/server.js'
import { requestContext } from '../../http/server.js'
import { AppError } from '../../kernel/errors.js'
import type { SourceLimits } from '../guard/source-limits.js'
import type { PasskeyService } from '../mfa/passkeys.js'
import { AuthenticationResponse, asAuthentication } from '../mfa/webauthn-schemas.js'
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
      input: {
        challengeId: string
        method: 'totp' | 'webauthn' | 'recovery_code'
        code?: string
        webauthn?: { challengeId: string; assertion: AuthenticationResponseJSON }
      },
      ctx: ReturnType<typeof requestContext>,
    ) => Promise<string>
    passkeys: PasskeyService
    /** Limits passwordless login attempts per source. */
    passkeyLimits: SourceLimits
  },
) => {
  const { sessions } = deps
  const auth = requireSession(sessions, { allowRestricted: true, allowMfaEnrolment: true })
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
        body: z
          .strictObject({
            challenge_id: z.string().min(1).max(64),
            method: z.enum(['totp', 'webauthn', 'recovery_code']),
            code: z.string().min(1).max(32).optional().describe('totp and recovery_code'),
            webauthn_challenge_id: z
              .string()
              .min(1)
              .max(64)
              .optional()
              .describe('webauthn: from POST /v1/sessions/mfa/webauthn/options'),
            assertion: AuthenticationResponse.optional().describe(
              'webauthn: navigator.credentials.get() as JSON',
            ),
          })
          .refine(
            (b) =>
              b.method === 'webauthn'
                ? b.assertion !== undefined && b.webauthn_challenge_id !== undefined && b.code === undefined
                : b.code !== undefined && b.assertion === undefined,
            {
              message: 'webauthn needs assertion and webauthn_challenge_id; totp and recovery_code need code',
            },
          ),
        response: { 201: z.object({ token: z.string(), expires_at: z.string() }) },
      },
    },
    async (req, reply) => {
      const ctx = requestContext(req)
      const b = req.body
      const accountId = await deps.completeSecondStep(
        {
          challengeId: b.challenge_id,
          method: b.method,
          ...(b.code !== undefined ? { code: b.code } : {}),
          ...(b.assertion && b.webauthn_challenge_id
            ? { webauthn: { challengeId: b.webauthn_challenge_id, assertion: asAuthentication(b.assertion) } }
            : {}),
        },
        ctx,
      )
      const { token, session } = await sessions.openAfterSecondFactor(accountId, req.body.method, ctx)
      reply.setCookie(SESSION_COOKIE, token, { ...cookieOptions, expires: new Date(session.expiresAt) })
      return reply.status(201).send({ token, expires_at: iso(session.expiresAt) })
    },
  )

  app.post(
    '/v1/sessions/mfa/webauthn/options',
    {
      schema: {
        summary: 'Passkey options for the second factor of a login challenge',
        description:
          'For navigator.credentials.get(); answer with POST /v1/sessions/mfa, method webauthn. 401 invalid_code alike for an unknown, expired, used or exhausted challenge and for an account without passkeys.',
        tags: ['sessions'],
        body: z.strictObject({ challenge_id: z.string().min(1).max(64) }),
        response: {
          200: z.object({
            webauthn_challenge_id: z.string(),
            options: z.record(z.string(), z.unknown()).describe('PublicKeyCredentialRequestOptionsJSON'),
          }),
        },
      },
    },
    async (req) => {
      const { challengeId, options } = await deps.passkeys.secondFactorOptions(req.body.challenge_id)
      return { webauthn_challenge_id: challengeId, options: options as unknown as Record<string, unknown> }
    },
  )

  app.post(
    '/v1/sessions/passkey/options',
    {
      schema: {
        summary: 'Start a passwordless login with a passkey',
        description:
          'Options for navigator.credentials.get() with a discoverable credential; the challenge lives 5 minutes.',
        tags: ['sessions'],
        response: {
          200: z.object({
            challenge_id: z.string(),
            options: z.record(z.string(), z.unknown()).describe('PublicKeyCredentialRequestOptionsJSON'),
          }),
        },
      },
    },
    async (req) => {
      await deps.passkeyLimits.check(req.ip)
      const { challengeId, options } = await deps.passkeys.passwordlessOptions()
      return { challenge_id: challengeId, options: options as unknown as Record<string, unknown> }
    },
  )

  app.post(
    '/v1/sessions/passkey',
    {
      schema: {
        summary: 'Log in with a passkey, without a password',
        description:
          '401 invalid_credentials alike for every failure: unknown passkey, bad signature, used or expired challenge, wrong origin or relying party, locked account.',
        tags: ['sessions'],
        body: z.strictObject({ challenge_id: z.string().min(1).max(64), assertion: AuthenticationResponse }),
        response: { 201: z.object({ token: z.string(), expires_at: z.string() }) },
      },
    },
    async (req, reply) => {
      const ctx = requestContext(req)
      await deps.passkeyLimits.check(req.ip)
      const accountId = await deps.passkeys.verifyPasswordless(
        { challengeId: req.body.challenge_id, assertion: asAuthentication(req.body.assertion) },
        ctx,
      )
      if (!accountId) {
        await sessions.recordPasskeyFailure(ctx)
        throw new AppError('invalid_credentials')
      }
      const { token, session } = await sessions.openPasswordless(accountId, ctx)
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
            account: z.object({
              id: z.string(),
              username: z.string(),
              must_change_password: z.boolean(),
              mfa_enrolment_required: z
                .boolean()
                .describe("The account's role requires a second factor: set one up before anything else"),
            }),
            session: SessionView.extend({
              authenticated_at: z.string().describe('When the holder last proved who they are'),
            }),
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
          mfa_enrolment_required: p.session.mfaEnrolment,
        },
        session: { ...view(p.session, p.session.id), authenticated_at: iso(p.session.authenticatedAt) },
      }
    },
  )

  app.post(
    '/v1/sessions/current/reauth',
    {
      preHandler: requireSession(sessions, { allowMfaEnrolment: true }),
      schema: {
        summary: 'Prove who you are again, before a sensitive change',
        description:
          'With the password, or with a second-factor code (TOTP or recovery code). Adding or removing a factor, new recovery codes and a new email address need this within the last 10 minutes (login counts). Wrong answers: 401 invalid_credentials or invalid_code, counted per account.',
        tags: ['sessions'],
        security: [{ bearer: [] }, { cookie: [] }],
        body: z.union([
          z.strictObject({ password: z.string().min(1).max(100_000) }),
          z.strictObject({
            method: z.enum(['totp', 'recovery_code']),
            code: z.string().min(1).max(32),
          }),
        ]),
        response: { 200: z.object({ authenticated_at: z.string() }) },
      },
    },
    async (req) => {
      const at = await sessions.reauthenticate(principalOf(req), req.body, requestContext(req))
      return { authenticated_at: iso(at) }
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
