import { z } from 'zod'
import { noContent } from '../../http/no-content.js'
import type { HttpServer } from '../../http/server.js'
import { requestContext } from '../../http/server.js'
import { iso } from '../../kernel/clock.js'
import { LOCALES } from '../../kernel/locale.js'
import { ROLES } from '../../kernel/roles.js'
import type { PasskeyService } from '../mfa/passkeys.js'
import { AuthenticationResponse, asAuthentication } from '../mfa/webauthn-schemas.js'
import {
  currentSessionView,
  SESSION_CHECK_URL,
  type SessionCheckFastPath,
  sessionView,
} from './fast-check.js'
import { principalOf, requireSession, SESSION_COOKIE } from './http-auth.js'
import type { SessionRecord } from './ports.js'
import type { SessionsService } from './service.js'

const SessionView = z.object({
  id: z.string(),
  current: z.boolean(),
  device: z.string().nullable().describe('User agent of the client that logged in'),
  ip: z.string().nullable(),
  created_at: z.string(),
  last_seen_at: z.string(),
  expires_at: z.string(),
  idle_expires_at: z.string(),
  amr: z
    .array(z.string())
    .describe(
      'What the login proved, as RFC 8176 authentication method references: pwd (password), otp (TOTP, recovery or emailed code), sms, hwk (device-bound passkey), swk (synced passkey), mfa (more than one factor); a re-authentication adds the method it used',
    ),
})

/** A session token as a bearer header or as the session cookie. */
const security: Record<string, string[]>[] = [{ bearer: [] }, { cookie: [] }]

const view: (s: SessionRecord, currentId: string) => z.infer<typeof SessionView> = sessionView

/** The session cookie's attributes (the login routes set it, logout clears it). */
export const sessionCookieOptions = (secure: boolean) => ({
  httpOnly: true,
  secure,
  sameSite: 'lax' as const,
  path: '/',
})

const currentSession = {
  summary: 'The account and session of the presented token',
  tags: ['sessions'],
  security,
  response: {
    200: z.object({
      account: z.object({
        id: z.string(),
        username: z.string(),
        role: z
          .enum(ROLES)
          .describe("The account's role: what it may do in Gatehouse and in the services that trust it"),
        must_change_password: z.boolean(),
        mfa_enrolment_required: z
          .boolean()
          .describe("The account's role requires a second factor: set one up before anything else"),
        locale: z
          .enum(LOCALES)
          .nullable()
          .describe(
            "The language of the account's mails and texts (PUT /v1/me/locale); null until one is named, then they follow the browser's language or the default",
          ),
      }),
      session: SessionView.extend({
        authenticated_at: z.string().describe('When the holder last proved who they are'),
      }),
    }),
  },
}

const reauth = {
  summary: 'Prove who you are again, before a sensitive change',
  description:
    'With the password, a second-factor code (TOTP or recovery code) or a passkey (options from POST /v1/sessions/current/reauth/webauthn/options). Adding or removing a factor, new recovery codes and a new email address need this within the last 10 minutes (login counts). Wrong answers: 401 invalid_credentials or invalid_code (code_already_used for a right TOTP code whose step was used), counted per account.',
  tags: ['sessions'],
  security,
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
}

const reauthPasskeyOptions = {
  summary: 'Passkey options for re-authentication',
  description:
    'For navigator.credentials.get(); answer with POST /v1/sessions/current/reauth, method webauthn.',
  tags: ['sessions'],
  security,
  response: {
    200: z.object({
      webauthn_challenge_id: z.string(),
      options: z.record(z.string(), z.unknown()).describe('PublicKeyCredentialRequestOptionsJSON'),
    }),
  },
}

const logout = { summary: 'Log out', tags: ['sessions'], security, response: noContent }

const listSessions = {
  summary: "The account's live sessions",
  tags: ['sessions'],
  security,
  response: { 200: z.object({ sessions: z.array(SessionView) }) },
}

const revokeSession = {
  summary: 'Revoke one of your sessions',
  tags: ['sessions'],
  security,
  params: z.strictObject({ id: z.string().min(1).max(64) }),
  response: noContent,
}

const revokeOthers = {
  summary: 'Revoke every session but the current one',
  tags: ['sessions'],
  security,
  response: { 200: z.object({ revoked: z.number() }) },
}

export const sessionRoutes = (
  app: HttpServer,
  deps: {
    sessions: SessionsService
    /** Answers most session checks before the framework; learns the route's headers from it. */
    sessionCheck: SessionCheckFastPath
    secureCookie: boolean
    passkeys: Pick<PasskeyService, 'reauthOptions'>
  },
) => {
  const { sessions } = deps
  const auth = requireSession(sessions, { allowRestricted: true, allowMfaEnrolment: true })
  const authFull = requireSession(sessions)
  const cookieOptions = sessionCookieOptions(deps.secureCookie)

  app.get(
    SESSION_CHECK_URL,
    { preHandler: auth, onSend: deps.sessionCheck.learn, schema: currentSession },
    async (req) => currentSessionView(principalOf(req)),
  )

  app.post(
    '/v1/sessions/current/reauth',
    {
      preHandler: requireSession(sessions, { allowMfaEnrolment: true }),
      schema: reauth,
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
      schema: reauthPasskeyOptions,
    },
    async (req) => {
      const { challengeId, options } = await deps.passkeys.reauthOptions(principalOf(req).account.id)
      return { webauthn_challenge_id: challengeId, options: options as unknown as Record<string, unknown> }
    },
  )

  app.delete('/v1/sessions/current', { preHandler: auth, schema: logout }, async (req, reply) => {
    await sessions.logout(principalOf(req), requestContext(req))
    reply.clearCookie(SESSION_COOKIE, cookieOptions)
    return reply.status(204).send(null)
  })

  app.get('/v1/sessions', { preHandler: authFull, schema: listSessions }, async (req) => {
    const p = principalOf(req)
    return { sessions: (await sessions.list(p)).map((s) => view(s, p.session.id)) }
  })

  app.delete('/v1/sessions/:id', { preHandler: authFull, schema: revokeSession }, async (req, reply) => {
    await sessions.revoke(principalOf(req), req.params.id, requestContext(req))
    return reply.status(204).send(null)
  })

  app.delete('/v1/sessions', { preHandler: authFull, schema: revokeOthers }, async (req) => ({
    revoked: await sessions.revokeOthers(principalOf(req), requestContext(req)),
  }))
}
