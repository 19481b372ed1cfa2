import { z } from 'zod'
import { noContent } from '../../http/no-content.js'
import type { HttpServer } from '../../http/server.js'
import { requestContext } from '../../http/server.js'
import { iso } from '../../kernel/clock.js'
import { AppError, isAppError } from '../../kernel/errors.js'
import { LOCALES } from '../../kernel/locale.js'
import type { Guard } from '../guard/guard.js'
import type { RateLimiter } from '../guard/ports.js'
import { rateLimited, type SourceLimits } from '../guard/source-limits.js'
import { principalOf, requireRecentAuth, requireSession } from '../sessions/http-auth.js'
import type { SessionsService } from '../sessions/service.js'
import type { AccountsService } from './service.js'

export interface AccountRouteDeps {
  accounts: AccountsService
  sessions: SessionsService
  /** How recent a proof of identity a change of address needs. */
  reauthMaxAgeMs: number
  now: () => number
  guard: Guard
  /** Verification resends per address typed (keyed like the guard keys identifiers). */
  resendPerAddress: RateLimiter
  /** Sign-ups per source, accepted or refused: each costs a hash and may mail an address given. */
  signupLimits: SourceLimits
}

const bearerOrCookie: Record<string, string[]>[] = [{ bearer: [] }, { cookie: [] }]

const emailChange = {
  summary: 'Change the email address: a link goes to the new address, a notice to the old one',
  description:
    'Needs a proof of identity within the last 10 minutes (401 reauth_required; POST /v1/sessions/current/reauth). ' +
    'The old address stays in use until the link is opened. Always the same 202 for a well-formed new address, also when ' +
    'another account has it (that address is told instead). At most 3 requests an hour (429).',
  tags: ['accounts'],
  security: bearerOrCookie,
  body: z.strictObject({ email: z.string().max(320) }),
  response: { 202: z.object({ status: z.literal('verification_sent') }) },
}

const emailChangeConfirm = {
  summary: 'Confirm a new email address with the token mailed to it',
  description: '400 invalid_token alike for unknown, used and expired tokens.',
  tags: ['accounts'],
  body: z.strictObject({ token: z.string().max(512) }),
  response: { 200: z.object({ status: z.literal('email_changed') }) },
}

const signup = {
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
    locale: z
      .enum(LOCALES)
      .optional()
      .describe(
        "The language of the account's mails and texts; without it, the first of Gatehouse's languages the request's Accept-Language names (else none is stored, and GATEHOUSE_DEFAULT_LOCALE applies)",
      ),
  }),
  response: { 202: z.object({ status: z.literal('verification_sent') }) },
}

const emailVerify = {
  summary: 'Verify the email address with the token from the mail',
  tags: ['accounts'],
  body: z.strictObject({ token: z.string().max(512) }),
  response: { 200: z.object({ status: z.literal('verified') }) },
}

const passwordChange = {
  summary: 'Change the password; every other session is revoked',
  tags: ['accounts'],
  security: bearerOrCookie,
  body: z.strictObject({
    current_password: z.string().max(100_000),
    new_password: z.string().max(100_000),
  }),
  response: { 200: z.object({ revoked_sessions: z.number() }) },
}

const verificationResend = {
  summary: 'Ask for a new verification mail',
  description:
    'Answers 202 {"status":"accepted"} for every well-formed address — unknown, already verified, pending ' +
    'or capped alike. Only an account whose address is not verified yet gets a mail, at its stored address, ' +
    'with a new token that replaces the older ones; at most 3 verification mails per account and hour. ' +
    'At most 5 requests per address an hour, whoever asks (429 rate_limited, alike for every address).',
  tags: ['accounts'],
  body: z.strictObject({ email: z.string().max(320) }),
  response: { 202: z.object({ status: z.literal('accepted') }) },
}

const phoneSet = {
  summary: 'Set the phone number; a verification code is texted to it',
  description:
    'Needs the current password (401 invalid_credentials otherwise, and nothing changes). The number is ' +
    'stored unverified — a previously verified number stops identifying the account — and a 6-digit code, ' +
    'valid for 10 minutes, is sent to it by SMS. At most 5 codes per account and hour (429 rate_limited ' +
    'with Retry-After). The verified email address of the account is told.',
  tags: ['accounts'],
  security: bearerOrCookie,
  body: z.strictObject({
    phone: z.string().max(32).describe('E.164, such as +14155550123'),
    password: z.string().max(100_000),
  }),
  response: { 202: z.object({ status: z.literal('code_sent') }) },
}

const phoneVerify = {
  summary: 'Verify the phone number with the code texted to it',
  description:
    '401 invalid_code alike for a wrong, used, expired or missing code; the 5th wrong code kills it. ' +
    '409 phone_taken when the code is right but another account already has this number verified.',
  tags: ['accounts'],
  security: bearerOrCookie,
  body: z.strictObject({ code: z.string().regex(/^[0-9]{6}$/, 'must be 6 digits') }),
  response: { 200: z.object({ status: z.literal('verified') }) },
}

const phoneRemove = {
  summary: 'Remove the phone number',
  description:
    'Needs the current password (401 invalid_credentials otherwise). Answers 204, also when there was no ' +
    'number. The number no longer identifies the account for login or recovery; the verified email ' +
    'address of the account is told.',
  tags: ['accounts'],
  security: bearerOrCookie,
  body: z.strictObject({ password: z.string().max(100_000) }),
  response: noContent,
}

/** POST /v1/me/email and /v1/me/email/verify: a change of address, confirmed from the new one. */
const emailChangeRoutes = (app: HttpServer, deps: AccountRouteDeps) => {
  const preHandler = [
    requireSession(deps.sessions),
    requireRecentAuth(deps.sessions, deps.reauthMaxAgeMs, deps.now),
  ]
  app.post('/v1/me/email', { preHandler, schema: emailChange }, async (req, reply) => {
    await deps.accounts.requestEmailChange(principalOf(req).account.id, req.body.email, requestContext(req))
    return reply.status(202).send({ status: 'verification_sent' as const })
  })

  app.post('/v1/me/email/verify', { schema: emailChangeConfirm }, async (req) => {
    await deps.accounts.confirmEmailChange(req.body.token, requestContext(req))
    return { status: 'email_changed' as const }
  })
}

/** POST /v1/accounts: sign-up, screened by the guard and limited per source. */
const signupRoute = (app: HttpServer, deps: AccountRouteDeps) => {
  app.post('/v1/accounts', { schema: signup }, async (req, reply) => {
    const ctx = requestContext(req)
    await deps.guard.screen({ endpoint: 'signup', ctx, headers: req.headers })
    await deps.signupLimits.check(req.ip)
    try {
      await deps.accounts.register(req.body, ctx)
    } catch (e) {
      // A refused sign-up (a taken username, a password the policy rejects …) cost checks and
      // lookups: the guard challenges a source that collects them, and counts the name it tried.
      if (isAppError(e) && (e.status === 400 || e.status === 409)) {
        await deps.guard.signupRefused(ctx, e.code)
        await deps.guard.identifierSeen('signup', ctx, req.body.username)
      }
      throw e
    }
    return reply.status(202).send({ status: 'verification_sent' as const })
  })
}

/** POST /v1/accounts/verify: the token from the verification mail. */
const emailVerifyRoute = (app: HttpServer, deps: AccountRouteDeps) => {
  app.post('/v1/accounts/verify', { schema: emailVerify }, async (req) => {
    await deps.accounts.verifyEmail(req.body.token, requestContext(req))
    return { status: 'verified' as const }
  })
}

/** POST /v1/me/password: a new password; the other sessions end. */
const passwordRoute = (app: HttpServer, deps: AccountRouteDeps) => {
  const preHandler = requireSession(deps.sessions, { allowRestricted: true, allowMfaEnrolment: true })
  app.post('/v1/me/password', { preHandler, schema: passwordChange }, async (req) => {
    const p = principalOf(req)
    const { revokedSessions } = await deps.accounts.changePassword(
      p.account.id,
      p.session.id,
      { currentPassword: req.body.current_password, newPassword: req.body.new_password },
      requestContext(req),
    )
    return { revoked_sessions: revokedSessions }
  })
}

/** POST /v1/accounts/verify/resend: the same answer for every address, limited per address typed. */
const resendRoute = (app: HttpServer, deps: AccountRouteDeps) => {
  app.post('/v1/accounts/verify/resend', { schema: verificationResend }, async (req, reply) => {
    const ctx = requestContext(req)
    await deps.guard.screen({ endpoint: 'verify_resend', ctx, headers: req.headers })
    // Counted by what was typed, never by account: the 429 comes at the same count for every address.
    const perAddress = await deps.resendPerAddress.consume(deps.guard.identifierKey(req.body.email))
    if (!perAddress.allowed) throw rateLimited(perAddress.retryAfterSeconds)
    // The answer is the same for every address; the guard counts how many one source asks about.
    await deps.guard.identifierSeen('verify_resend', ctx, req.body.email)
    await deps.accounts.resendVerification(req.body.email, ctx)
    return reply.status(202).send({ status: 'accepted' as const })
  })
}

/** POST /v1/me/phone, /v1/me/phone/verify and DELETE /v1/me/phone. */
const phoneRoutes = (app: HttpServer, deps: AccountRouteDeps) => {
  const preHandler = requireSession(deps.sessions)
  app.post('/v1/me/phone', { preHandler, schema: phoneSet }, async (req, reply) => {
    await deps.accounts.setPhone(principalOf(req).account.id, req.body, requestContext(req))
    return reply.status(202).send({ status: 'code_sent' as const })
  })

  app.post('/v1/me/phone/verify', { preHandler, schema: phoneVerify }, async (req) => {
    await deps.accounts.verifyPhone(principalOf(req).account.id, req.body.code, requestContext(req))
    return { status: 'verified' as const }
  })

  app.delete('/v1/me/phone', { preHandler, schema: phoneRemove }, async (req, reply) => {
    await deps.accounts.removePhone(principalOf(req).account.id, req.body.password, requestContext(req))
    return reply.status(204).send(null)
  })
}

const localeSet = {
  summary: "Choose the language of the account's mails and texts",
  description:
    'Stored on the account: from now on every mail and SMS to it is written in this language, whatever ' +
    "the browser's Accept-Language (which never changes it by itself). 400 for a language Gatehouse does not have.",
  tags: ['accounts'],
  security: bearerOrCookie,
  body: z.strictObject({ locale: z.enum(LOCALES).describe("One of Gatehouse's languages") }),
  response: { 200: z.object({ locale: z.enum(LOCALES) }) },
}

const ownAccount = {
  summary:
    'The signed-in account as stored: its addresses, whether they are verified, the reset lock, the language',
  description:
    "Only ever the caller's own account (the session's); never cached. What the security settings show.",
  tags: ['accounts'],
  security: bearerOrCookie,
  response: {
    200: z.object({
      id: z.string(),
      username: z.string(),
      email: z.string(),
      email_verified: z.boolean(),
      phone: z.string().nullable().describe('E.164, as stored; null when none is set'),
      phone_verified: z.boolean(),
      reset_lock: z.boolean(),
      locale: z.enum(LOCALES).nullable(),
      created_at: z.string(),
    }),
  },
}

/** PUT /v1/me/locale: the language of the account's mails and texts; GET /v1/me: the account as stored. */
const localeRoute = (app: HttpServer, deps: AccountRouteDeps) => {
  app.get('/v1/me', { preHandler: requireSession(deps.sessions), schema: ownAccount }, async (req, reply) => {
    reply.header('cache-control', 'no-store')
    const account = await deps.accounts.own(principalOf(req).account.id)
    if (!account) throw new AppError('unauthenticated')
    return {
      id: account.id,
      username: account.username,
      email: account.email,
      email_verified: account.emailVerifiedAt !== null,
      phone: account.phone,
      phone_verified: account.phone !== null && account.phoneVerifiedAt !== null,
      reset_lock: account.resetLock,
      locale: account.locale,
      created_at: iso(account.createdAt),
    }
  })
  app.put('/v1/me/locale', { preHandler: requireSession(deps.sessions), schema: localeSet }, async (req) => {
    await deps.accounts.setLocale(principalOf(req).account.id, req.body.locale, requestContext(req))
    return { locale: req.body.locale }
  })
}

export const accountRoutes = (app: HttpServer, deps: AccountRouteDeps) => {
  localeRoute(app, deps)
  emailChangeRoutes(app, deps)
  signupRoute(app, deps)
  emailVerifyRoute(app, deps)
  passwordRoute(app, deps)
  resendRoute(app, deps)
  phoneRoutes(app, deps)
}
