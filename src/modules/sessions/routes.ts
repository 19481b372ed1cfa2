import type { AuthenticationResponseJSON } from '@simplewebauthn/server'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { HttpServer } from '../../http/server.js'
import { requestContext } from '../../http/server.js'
import { iso } from '../../kernel/clock.js'
import { AppError } from '../../kernel/errors.js'
import type { Guard } from '../guard/guard.js'
import type { SourceLimits } from '../guard/source-limits.js'
import type { PasskeyService } from '../mfa/passkeys.js'
import { AuthenticationResponse, asAuthentication } from '../mfa/webauthn-schemas.js'
import {
  currentSessionView,
  SESSION_CHECK_URL,
  type SessionCheckFastPath,
  sessionView,
} from './fast-check.js'
import { DEVICE_COOKIE, presentedDevice, principalOf, requireSession, SESSION_COOKIE } from './http-auth.js'
import type { SessionRecord } from './ports.js'
import type { NewSessionResult, SessionsService } from './service.js'

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

const view: (s: SessionRecord, currentId: string) => z.infer<typeof SessionView> = sessionView

const NewSession = z.object({
  token: z.string(),
  expires_at: z.string(),
  device_token: z
    .string()
    .optional()
    .describe(
      'For a device the account did not know: keep it (gh_device cookie or X-Gatehouse-Device header)',
    ),
})

/** Devices are remembered for this long on the client; the server decides what they are worth. */
const DEVICE_COOKIE_MAX_AGE_S = 400 * 24 * 3600

const Problem = z
  .object({ type: z.string(), title: z.string(), status: z.number(), code: z.string() })
  .loose()

export const sessionRoutes = (
  app: HttpServer,
  deps: {
    sessions: SessionsService
    /** Answers most session checks before the framework; learns the route's headers from it. */
    sessionCheck: SessionCheckFastPath
    secureCookie: boolean
    /** Proves a login challenge's second factor; returns the account id or throws invalid_code. */
    completeSecondStep: (
      input: {
        challengeId: string
        method: 'totp' | 'webauthn' | 'email' | 'sms' | 'recovery_code'
        code?: string
        webauthn?: { challengeId: string; assertion: AuthenticationResponseJSON }
      },
      ctx: ReturnType<typeof requestContext>,
    ) => Promise<string>
    passkeys: PasskeyService
    /** Limits passwordless login attempts per source. */
    passkeyLimits: SourceLimits
    /** Screens logins and counts their outcomes (detectors, challenges, delays, blocks). */
    guard: Guard
    /** Sends a one-time code for a login challenge (email or SMS); throws invalid_code for a dead challenge. */
    sendCode: (
      challengeId: string,
      method: 'email' | 'sms',
      ctx: ReturnType<typeof requestContext>,
    ) => Promise<void>
    /** "This wasn't me" from a new-sign-in notice. */
    notMe: (token: string, ctx: ReturnType<typeof requestContext>) => Promise<void>
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
  /** Answers a new session: the session cookie, and the device token (cookie and body) for a new device. */
  const sendSession = async (req: FastifyRequest, reply: FastifyReply, result: NewSessionResult) => {
    const { token, session, deviceToken } = result
    // The address and the device (new or presented) are now known for this account.
    await deps.guard.sessionOpened(
      requestContext(req),
      session.accountId,
      deviceToken ?? presentedDevice(req),
    )
    reply.setCookie(SESSION_COOKIE, token, { ...cookieOptions, expires: new Date(session.expiresAt) })
    if (deviceToken) {
      reply.setCookie(DEVICE_COOKIE, deviceToken, { ...cookieOptions, maxAge: DEVICE_COOKIE_MAX_AGE_S })
    }
    return reply.status(201).send({
      token,
      expires_at: iso(session.expiresAt),
      ...(deviceToken ? { device_token: deviceToken } : {}),
    })
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
          201: NewSession,
          200: z
            .object({ mfa_required: z.literal(true), challenge_id: z.string(), methods: z.array(z.string()) })
            .describe(
              'The account has a second factor: complete with POST /v1/sessions/mfa within 5 minutes',
            ),
          401: Problem.describe('invalid_credentials, alike for every failure'),
          403: Problem.describe(
            'After a right password only: password_reset_required (a campaign requires a reset) or email_unverified (login by username or phone before the address is verified)',
          ),
        },
      },
    },
    async (req, reply) => {
      const ctx = requestContext(req)
      const deviceToken = presentedDevice(req)
      const { identifier } = req.body
      // One read of the account for the guard's screen and the login.
      const account = await sessions.findLoginAccount(identifier)
      await deps.guard.screen({
        endpoint: 'login',
        ctx,
        identifier,
        accountId: account?.id ?? null,
        deviceToken,
        headers: req.headers,
      })
      const result = await sessions.login(
        req.body,
        ctx,
        deviceToken,
        (outcome, accountId) =>
          deps.guard.loginOutcome(
            ctx,
            { identifier, deviceToken, accountId },
            // A right password is a success for the guard, whatever comes next (a second factor).
            outcome === 'success' ? 'success' : 'failure',
          ),
        { account },
      )
      if (result.kind === 'mfa') {
        return reply
          .status(200)
          .send({ mfa_required: true as const, challenge_id: result.challengeId, methods: result.methods })
      }
      return sendSession(req, reply, result)
    },
  )

  app.post(
    '/v1/sessions/mfa',
    {
      schema: {
        summary: 'Complete a login with the second factor',
        description:
          '401 invalid_code alike for a wrong code, an unknown or expired challenge, or one out of guesses; 401 code_already_used for a right TOTP code whose time step was used already (wait for the next one).',
        tags: ['sessions'],
        body: z
          .strictObject({
            challenge_id: z.string().min(1).max(64),
            method: z.enum(['totp', 'webauthn', 'email', 'sms', 'recovery_code']),
            code: z.string().min(1).max(32).optional().describe('totp, email, sms and recovery_code'),
            webauthn_challenge_id: z
              .string()
              .min(1)
              .max(64)
              .optional()
              .describe('webauthn: from POST /v1/sessions/mfa/webauthn/options'),
            assertion: AuthenticationResponse.optional().describe(
              'webauthn: navigator.credentials.get() as JSON',
            ),
            remember_device: z
              .boolean()
              .optional()
              .describe(
                'Skip the second factor on this device for 30 days (GATEHOUSE_REMEMBER_DEVICE_DAYS); never the password',
              ),
          })
          .refine(
            (b) =>
              b.method === 'webauthn'
                ? b.assertion !== undefined && b.webauthn_challenge_id !== undefined && b.code === undefined
                : b.code !== undefined && b.assertion === undefined,
            {
              message: 'webauthn needs assertion and webauthn_challenge_id; the other methods need code',
            },
          ),
        response: { 201: NewSession },
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
      const opened = await sessions.openAfterSecondFactor(accountId, b.method, ctx, {
        token: presentedDevice(req),
        remember: b.remember_device === true,
      })
      return sendSession(req, reply, opened)
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
    '/v1/sessions/mfa/send',
    {
      schema: {
        summary: 'Send a one-time code by email or SMS for a login challenge',
        description:
          "For a challenge whose methods include email or sms. 6 digits, valid 10 minutes, works once; a new send replaces the previous code. Always 202 for a live challenge (also when the account's send cap is reached: then nothing is sent). 401 invalid_code for an unknown, expired or used challenge.",
        tags: ['sessions'],
        body: z.strictObject({ challenge_id: z.string().min(1).max(64), method: z.enum(['email', 'sms']) }),
        response: { 202: z.object({ status: z.literal('sent') }) },
      },
    },
    async (req, reply) => {
      await deps.sendCode(req.body.challenge_id, req.body.method, requestContext(req))
      return reply.status(202).send({ status: 'sent' as const })
    },
  )

  app.post(
    '/v1/sessions/not-me',
    {
      schema: {
        summary: '"This wasn\'t me": the link of a new-sign-in notice',
        description:
          "Ends every session of the account, blocks sign-in and sends a recovery link to the account's own address (within the recovery caps); with a second factor, recovery needs it. 400 invalid_token alike for unknown, used and expired links.",
        tags: ['sessions'],
        body: z.strictObject({ token: z.string().max(512) }),
        response: { 200: z.object({ status: z.literal('locked') }) },
      },
    },
    async (req) => {
      await deps.notMe(req.body.token, requestContext(req))
      return { status: 'locked' as const }
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
      await deps.guard.screen({ endpoint: 'passkey_login', ctx: requestContext(req), headers: req.headers })
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
        response: { 201: NewSession },
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
      return sendSession(req, reply, await sessions.openPasswordless(accountId, ctx, presentedDevice(req)))
    },
  )

  app.get(
    SESSION_CHECK_URL,
    {
      preHandler: auth,
      onSend: deps.sessionCheck.learn,
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
    async (req) => currentSessionView(principalOf(req)),
  )

  app.post(
    '/v1/sessions/current/reauth',
    {
      preHandler: requireSession(sessions, { allowMfaEnrolment: true }),
      schema: {
        summary: 'Prove who you are again, before a sensitive change',
        description:
          'With the password, a second-factor code (TOTP or recovery code) or a passkey (options from POST /v1/sessions/current/reauth/webauthn/options). Adding or removing a factor, new recovery codes and a new email address need this within the last 10 minutes (login counts). Wrong answers: 401 invalid_credentials or invalid_code (code_already_used for a right TOTP code whose step was used), counted per account.',
        tags: ['sessions'],
        security: [{ bearer: [] }, { cookie: [] }],
        body: z.union([
          z.strictObject({ password: z.string().min(1).max(100_000) }),
          z.strictObject({
            method: z.enum(['totp', 'recovery_code']),
            code: z.string().min(1).max(32),
          }),
          z.strictObject({
            method: z.literal('webauthn'),
            webauthn_challenge_id: z.string().min(1).max(64),
            assertion: AuthenticationResponse,
          }),
        ]),
        response: { 200: z.object({ authenticated_at: z.string() }) },
      },
    },
    async (req) => {
      const b = req.body
      const proof =
        'assertion' in b
          ? {
              method: 'webauthn' as const,
              challengeId: b.webauthn_challenge_id,
              assertion: asAuthentication(b.assertion),
            }
          : b
      const at = await sessions.reauthenticate(principalOf(req), proof, requestContext(req))
      return { authenticated_at: iso(at) }
    },
  )

  app.post(
    '/v1/sessions/current/reauth/webauthn/options',
    {
      preHandler: requireSession(sessions, { allowMfaEnrolment: true }),
      schema: {
        summary: 'Passkey options for re-authentication',
        description:
          'For navigator.credentials.get(); answer with POST /v1/sessions/current/reauth, method webauthn.',
        tags: ['sessions'],
        security: [{ bearer: [] }, { cookie: [] }],
        response: {
          200: z.object({
            webauthn_challenge_id: z.string(),
            options: z.record(z.string(), z.unknown()).describe('PublicKeyCredentialRequestOptionsJSON'),
          }),
        },
      },
    },
    async (req) => {
      const { challengeId, options } = await deps.passkeys.reauthOptions(principalOf(req).account.id)
      return { webauthn_challenge_id: challengeId, options: options as unknown as Record<string, unknown> }
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
