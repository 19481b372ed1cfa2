import { z } from 'zod'
import { noContent } from '../../http/no-content.js'
import type { HttpServer } from '../../http/server.js'
import { requestContext } from '../../http/server.js'
import { iso } from '../../kernel/clock.js'
import { AppError } from '../../kernel/errors.js'
import type { AccountRecord } from '../accounts/ports.js'
import { principalOf, requireRecentAuth, requireSession } from '../sessions/http-auth.js'
import type { SessionsService } from '../sessions/service.js'
import type { PasskeyService } from './passkeys.js'
import type { MfaService } from './service.js'
import { asRegistration, RegistrationResponse } from './webauthn-schemas.js'

/** A session token as a bearer header or as the session cookie. */
const security: Record<string, string[]>[] = [{ bearer: [] }, { cookie: [] }]

const Code = z.string().regex(/^\d{6}$/, { message: 'must be 6 digits' })

const startTotp = {
  summary: 'Start a TOTP enrolment (pending until confirmed)',
  description: 'RFC 6238: SHA-1, 6 digits, 30 s. A new enrolment replaces a pending one.',
  tags: ['mfa'],
  security,
  response: {
    201: z.object({
      secret: z.string().describe('base32'),
      otpauth_uri: z.string(),
      qr_svg: z.string().describe('The otpauth URI as a QR code (SVG)'),
    }),
  },
}

const confirmTotp = {
  summary: 'Confirm the TOTP enrolment with a current code; returns recovery codes, shown once',
  tags: ['mfa'],
  security,
  body: z.strictObject({ code: Code }),
  response: { 200: z.object({ recovery_codes: z.array(z.string()) }) },
}

const listFactors = {
  summary: 'Second factors of the account and the number of unused recovery codes',
  tags: ['mfa'],
  security,
  response: {
    200: z.object({
      factors: z.array(
        z.object({
          id: z.string(),
          kind: z.string(),
          status: z.enum(['pending', 'active']),
          created_at: z.string(),
          name: z.string().nullable().optional().describe('Passkeys: the name given at registration'),
          last_used_at: z.string().nullable().optional().describe('Passkeys: last use'),
        }),
      ),
      recovery_codes_remaining: z.number(),
    }),
  },
}

const newRecoveryCodes = {
  summary: 'Replace the recovery codes; the old set stops working',
  description:
    'Needs a proof of identity within the last 10 minutes (login or POST /v1/sessions/current/reauth) and a second factor on the account (409 second_factor_required otherwise).',
  tags: ['mfa'],
  security,
  body: z.strictObject({ code: Code.optional().describe('A current TOTP code, checked when given') }),
  response: { 200: z.object({ recovery_codes: z.array(z.string()) }) },
}

const removeFactor = {
  summary: 'Remove a second factor',
  description:
    'Needs a proof of identity within the last 10 minutes. With the last factor go the recovery codes; an account whose role requires a second factor cannot remove its last one (409 second_factor_required; for a staff account, its last TOTP factor or passkey). The holder is told on every verified channel.',
  tags: ['mfa'],
  security,
  params: z.strictObject({ id: z.string().min(1).max(64) }),
  response: noContent,
}

const passkeyOptions = {
  summary: 'Start registering a passkey: options for navigator.credentials.create()',
  description:
    'Needs a proof of identity within the last 10 minutes. The challenge is single-use and lives 5 minutes; the account’s passkeys are excluded.',
  tags: ['mfa'],
  security,
  response: {
    200: z.object({
      challenge_id: z.string(),
      options: z.record(z.string(), z.unknown()).describe('PublicKeyCredentialCreationOptionsJSON'),
    }),
  },
}

const registerPasskey = {
  summary: 'Finish registering a passkey; it is a second factor from now on',
  description:
    'The authenticator’s answer to the options of /register/options. 400 webauthn_failed when it does not verify (used or expired challenge, wrong origin or relying party). The first factor of an account comes with 10 recovery codes, shown once; so does its first TOTP factor or passkey, whose new set replaces codes that backed only email or SMS codes.',
  tags: ['mfa'],
  security,
  body: z.strictObject({
    challenge_id: z.string().min(1).max(64),
    response: RegistrationResponse,
    name: z.string().trim().min(1).max(64).optional(),
  }),
  response: {
    201: z.object({
      factor: z.object({
        id: z.string(),
        kind: z.literal('webauthn'),
        name: z.string().nullable(),
        created_at: z.string(),
      }),
      recovery_codes: z.array(z.string()).optional(),
    }),
  },
}

const codeFactor = (channel: 'email' | 'sms') => ({
  summary:
    channel === 'email'
      ? 'Use one-time codes mailed to the verified address as a second factor'
      : 'Use one-time codes texted to the verified phone number as a second factor',
  description:
    'Needs a proof of identity within the last 10 minutes. At login, the challenge then offers this method: POST /v1/sessions/mfa/send sends a code (6 digits, 10 minutes, at most 3 an hour and 5 a day). Weaker than TOTP or a passkey (it proves a channel, not a device): it never satisfies the MFA policy of a staff account (admin, responder, auditor, partner), whose sessions stay enrolment-only and whose login challenge stops offering it once a TOTP factor or passkey exists. Account recovery does not accept it as the second factor. The first factor comes with recovery codes.',
  tags: ['mfa'],
  security,
  response: {
    201: z.object({
      factor: z.object({ id: z.string(), kind: z.literal(channel) }),
      recovery_codes: z.array(z.string()).optional(),
    }),
  },
})

/** Registering a passkey: options, then the authenticator's answer. */
const passkeyRegistrationRoutes = (
  app: HttpServer,
  deps: MfaRouteDeps,
  sensitive: ReturnType<typeof requireSession>[],
) => {
  const { mfa, sessions } = deps
  app.post(
    '/v1/mfa/webauthn/register/options',
    { preHandler: sensitive, schema: passkeyOptions },
    async (req) => {
      const p = principalOf(req)
      const { challengeId, options } = await deps.passkeys.registrationOptions(p.account)
      return { challenge_id: challengeId, options: options as unknown as Record<string, unknown> }
    },
  )

  app.post(
    '/v1/mfa/webauthn/register',
    { preHandler: sensitive, schema: registerPasskey },
    async (req, reply) => {
      const p = principalOf(req)
      const ctx = requestContext(req)
      const key = await deps.passkeys.register(
        p.account.id,
        {
          challengeId: req.body.challenge_id,
          response: asRegistration(req.body.response),
          name: req.body.name ?? null,
        },
        ctx,
      )
      const codes = await mfa.codesAfterStrongFactor(p.account.id)
      await sessions.liftEnrolmentRestriction(p)
      await deps.notifyFactorAdded(p.account.id)
      return reply.status(201).send({
        factor: {
          id: key.id,
          kind: 'webauthn' as const,
          name: key.name,
          created_at: iso(key.createdAt),
        },
        ...(codes ? { recovery_codes: codes } : {}),
      })
    },
  )
}

export interface MfaRouteDeps {
  mfa: MfaService
  passkeys: PasskeyService
  sessions: SessionsService
  /** Tells the holder on every verified channel that a factor was added. */
  notifyFactorAdded: (accountId: string) => Promise<void>
  accountOf: (id: string) => Promise<AccountRecord | null>
  /** How recent a proof of identity adding or removing a factor needs. */
  reauthMaxAgeMs: number
  now: () => number
}

export const mfaRoutes = (app: HttpServer, deps: MfaRouteDeps) => {
  const { mfa, sessions } = deps
  // Setting up a factor is all an enrolment-only session may do (the account's role requires one).
  const enrol = requireSession(sessions, { allowMfaEnrolment: true })
  const recent = requireRecentAuth(sessions, deps.reauthMaxAgeMs, deps.now)
  const sensitive = [enrol, recent]

  app.post('/v1/mfa/totp', { preHandler: sensitive, schema: startTotp }, async (req, reply) => {
    const p = principalOf(req)
    const e = await mfa.enrolTotp({ id: p.account.id, username: p.account.username })
    return reply.status(201).send({ secret: e.secret, otpauth_uri: e.otpauthUri, qr_svg: e.qrSvg })
  })

  app.post('/v1/mfa/totp/confirm', { preHandler: sensitive, schema: confirmTotp }, async (req) => {
    const p = principalOf(req)
    const codes = await mfa.confirmTotp(p.account.id, req.body.code, requestContext(req))
    await sessions.liftEnrolmentRestriction(p)
    return { recovery_codes: codes }
  })

  app.get('/v1/mfa', { preHandler: enrol, schema: listFactors }, async (req) => {
    const id = principalOf(req).account.id
    return mfa.status(id, await deps.passkeys.list(id))
  })

  app.post(
    '/v1/mfa/recovery-codes',
    { preHandler: [requireSession(sessions), recent], schema: newRecoveryCodes },
    async (req) => ({
      recovery_codes: await mfa.regenerateCodes(
        principalOf(req).account.id,
        req.body.code,
        requestContext(req),
      ),
    }),
  )

  app.delete(
    '/v1/mfa/factors/:id',
    { preHandler: [requireSession(sessions), recent], schema: removeFactor },
    async (req, reply) => {
      await mfa.removeFactor(principalOf(req).account.id, req.params.id, requestContext(req))
      return reply.status(204).send(null)
    },
  )

  passkeyRegistrationRoutes(app, deps, sensitive)

  for (const channel of ['email', 'sms'] as const) {
    app.post(
      `/v1/mfa/${channel}`,
      { preHandler: sensitive, schema: codeFactor(channel) },
      async (req, reply) => {
        const p = principalOf(req)
        const account = await deps.accountOf(p.account.id)
        if (!account) throw new AppError('unauthenticated')
        const { factorId, recoveryCodes } = await mfa.enableCodeFactor(account, channel, requestContext(req))
        await sessions.liftEnrolmentRestriction(p)
        return reply.status(201).send({
          factor: { id: factorId, kind: channel },
          ...(recoveryCodes ? { recovery_codes: recoveryCodes } : {}),
        })
      },
    )
  }
}
