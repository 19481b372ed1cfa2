import { z } from 'zod'
import type { HttpServer } from '../../http/server.js'
import { requestContext } from '../../http/server.js'
import type { Guard } from '../guard/guard.js'
import type { SourceLimits } from '../guard/source-limits.js'
import { principalOf, requireSession } from '../sessions/http-auth.js'
import type { SessionsService } from '../sessions/service.js'
import { maskedHint } from './hints.js'
import type { RecoveryService } from './service.js'

/** A session token as a bearer header or as the session cookie. */
const security: Record<string, string[]>[] = [{ bearer: [] }, { cookie: [] }]

const requestReset = {
  summary: 'Ask for a password-reset message',
  description:
    'Answers 202 {"status":"accepted"} for every well-formed request — existing, missing, unverified, ' +
    'locked or capped account alike. Whether a message goes out, and where, is decided later and never ' +
    'shown. Accounts with the reset lock need `code` (a current second-factor code).',
  tags: ['recovery'],
  body: z.strictObject({
    identifier: z.string().min(1).max(320),
    channel: z.enum(['email', 'sms']).optional(),
    code: z.string().max(16).optional(),
  }),
  response: {
    202: z.object({
      status: z.literal('accepted'),
      hint: z.string().optional().describe('Only when masked hints are switched on'),
    }),
  },
}

const completeReset = {
  summary: 'Set a new password with the token from a recovery message',
  description:
    '400 invalid_token alike for unknown, used, expired and wrong-purpose tokens. On an account with a ' +
    'second factor the reset channel does not prove — a TOTP factor or passkey; SMS codes and a reset by ' +
    'email; email codes and a reset by SMS — `code` (a TOTP code or a recovery code) is required (401 ' +
    'mfa_required otherwise, and nothing changes). Success revokes every session and notifies the owner on ' +
    'every verified channel.',
  tags: ['recovery'],
  body: z.strictObject({
    token: z.string().max(512),
    password: z.string().max(100_000),
    code: z.string().max(16).optional(),
  }),
  response: { 200: z.object({ status: z.literal('password_changed') }) },
}

const lockAccount = {
  summary: '"This wasn\'t me": lock the account with the token from a password-change notice',
  description: 'Revokes every session and blocks login until account recovery completes.',
  tags: ['recovery'],
  body: z.strictObject({ token: z.string().max(512) }),
  response: { 200: z.object({ status: z.literal('locked') }) },
}

const resetLock = {
  summary: 'Require a second-factor code before any reset message is sent for this account',
  tags: ['recovery'],
  security,
  body: z.strictObject({ enabled: z.boolean() }),
  response: { 200: z.object({ reset_lock: z.boolean() }) },
}

export const recoveryRoutes = (
  app: HttpServer,
  deps: {
    recovery: RecoveryService
    sessions: SessionsService
    requestLimits: SourceLimits
    guard: Guard
    completeLimits: SourceLimits
    hints: { enabled: boolean; secret: Buffer; lookup: (identifier: string) => Promise<string | null> }
  },
) => {
  const { recovery } = deps

  app.post('/v1/recovery', { schema: requestReset }, async (req, reply) => {
    const ctx = requestContext(req)
    await deps.guard.screen({ endpoint: 'recovery', ctx, headers: req.headers })
    await deps.requestLimits.check(req.ip)
    // The guard counts what was asked, never whether it names an account (the recovery worker
    // tells it later which accounts requests reached, for the recovery-flood detection).
    await deps.guard.identifierSeen('recovery', ctx, req.body.identifier)
    await recovery.request(req.body, ctx)
    if (deps.hints.enabled) {
      const hint = await maskedHint(req.body.identifier, deps.hints.secret, deps.hints.lookup)
      return reply.status(202).send({ status: 'accepted' as const, hint })
    }
    return reply.status(202).send({ status: 'accepted' as const })
  })

  app.post('/v1/recovery/complete', { schema: completeReset }, async (req) => {
    await deps.completeLimits.check(req.ip)
    await recovery.complete(req.body, requestContext(req))
    return { status: 'password_changed' as const }
  })

  app.post('/v1/accounts/lock', { schema: lockAccount }, async (req) => {
    await deps.completeLimits.check(req.ip)
    await recovery.lockAccount(req.body.token, requestContext(req))
    return { status: 'locked' as const }
  })

  app.put(
    '/v1/me/reset-lock',
    { preHandler: requireSession(deps.sessions), schema: resetLock },
    async (req) => {
      await recovery.setResetLock(principalOf(req).account.id, req.body.enabled, requestContext(req))
      return { reset_lock: req.body.enabled }
    },
  )
}
