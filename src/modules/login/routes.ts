import type { FastifyReply } from 'fastify'
import { z } from 'zod'
import type { HttpServer } from '../../http/server.js'
import { requestContext } from '../../http/server.js'
import { iso } from '../../kernel/clock.js'
import { AuthenticationResponse, asAuthentication } from '../mfa/webauthn-schemas.js'
import { DEVICE_COOKIE, presentedDevice, SESSION_COOKIE } from '../sessions/http-auth.js'
import { sessionCookieOptions } from '../sessions/routes.js'
import type { LoginFlow, NewSession } from './flow.js'

const NewSessionBody = z.object({
  token: z.string(),
  expires_at: z.string(),
  device_token: z
    .string()
    .optional()
    .describe(
      'For a device the account did not know: keep it (gh_device cookie or X-Gatehouse-Device header)',
    ),
})

const Problem = z
  .object({ type: z.string(), title: z.string(), status: z.number(), code: z.string() })
  .loose()

const PasskeyOptions = z.object({
  challenge_id: z.string(),
  options: z.record(z.string(), z.unknown()).describe('PublicKeyCredentialRequestOptionsJSON'),
})

const SecondFactorPasskeyOptions = z.object({
  webauthn_challenge_id: z.string(),
  options: z.record(z.string(), z.unknown()).describe('PublicKeyCredentialRequestOptionsJSON'),
})

/** Devices are remembered for this long on the client; the server decides what they are worth. */
const DEVICE_COOKIE_MAX_AGE_S = 400 * 24 * 3600

const passwordLogin = {
  summary: 'Log in with a username, email address or verified phone number',
  tags: ['sessions'],
  body: z.strictObject({
    identifier: z.string().min(1).max(320),
    password: z.string().max(100_000),
    second_factor: z
      .enum(['required'])
      .optional()
      .describe(
        'required: an account with a second factor is asked for it even on a remembered device (an application requires one); an account without factors still gets its session',
      ),
  }),
  response: {
    201: NewSessionBody,
    200: z
      .object({ mfa_required: z.literal(true), challenge_id: z.string(), methods: z.array(z.string()) })
      .describe('The account has a second factor: complete with POST /v1/sessions/mfa within 5 minutes'),
    401: Problem.describe('invalid_credentials, alike for every failure'),
    403: Problem.describe(
      'After a right password only: password_reset_required (a campaign requires a reset) or email_unverified (login by username or phone before the address is verified)',
    ),
  },
}

const secondStep = {
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
      assertion: AuthenticationResponse.optional().describe('webauthn: navigator.credentials.get() as JSON'),
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
      { message: 'webauthn needs assertion and webauthn_challenge_id; the other methods need code' },
    ),
  response: { 201: NewSessionBody },
}

const secondStepPasskeyOptions = {
  summary: 'Passkey options for the second factor of a login challenge',
  description:
    'For navigator.credentials.get(); answer with POST /v1/sessions/mfa, method webauthn. 401 invalid_code alike for an unknown, expired, used or exhausted challenge and for an account without passkeys.',
  tags: ['sessions'],
  body: z.strictObject({ challenge_id: z.string().min(1).max(64) }),
  response: { 200: SecondFactorPasskeyOptions },
}

const sendCode = {
  summary: 'Send a one-time code by email or SMS for a login challenge',
  description:
    "For a challenge whose methods include email or sms. 6 digits, valid 10 minutes, works once; a new send replaces the previous code. Always 202 for a live challenge (also when the account's send cap is reached: then nothing is sent). 401 invalid_code for an unknown, expired or used challenge.",
  tags: ['sessions'],
  body: z.strictObject({ challenge_id: z.string().min(1).max(64), method: z.enum(['email', 'sms']) }),
  response: { 202: z.object({ status: z.literal('sent') }) },
}

const notMe = {
  summary: '"This wasn\'t me": the link of a new-sign-in notice',
  description:
    "Ends every session of the account, blocks sign-in and sends a recovery link to the account's own address (within the recovery caps); with a second factor, recovery needs it. 400 invalid_token alike for unknown, used and expired links.",
  tags: ['sessions'],
  body: z.strictObject({ token: z.string().max(512) }),
  response: { 200: z.object({ status: z.literal('locked') }) },
}

const passkeyOptions = {
  summary: 'Start a passwordless login with a passkey',
  description:
    'Options for navigator.credentials.get() with a discoverable credential; the challenge lives 5 minutes.',
  tags: ['sessions'],
  response: { 200: PasskeyOptions },
}

const passkeyLogin = {
  summary: 'Log in with a passkey, without a password',
  description:
    '401 invalid_credentials alike for every failure: unknown passkey, bad signature, used or expired challenge, wrong origin or relying party, locked account.',
  tags: ['sessions'],
  body: z.strictObject({ challenge_id: z.string().min(1).max(64), assertion: AuthenticationResponse }),
  response: { 201: NewSessionBody },
}

/** The HTTP face of the login flow (flow.ts): each route hands one step to it. */
export const loginRoutes = (app: HttpServer, deps: { flow: LoginFlow; secureCookie: boolean }) => {
  const { flow } = deps
  const cookies = sessionCookieOptions(deps.secureCookie)
  /** Answers a new session: the session cookie, and the device token (cookie and body) for a new device. */
  const sendSession = (reply: FastifyReply, { token, session, deviceToken }: NewSession) => {
    reply.setCookie(SESSION_COOKIE, token, { ...cookies, expires: new Date(session.expiresAt) })
    if (deviceToken)
      reply.setCookie(DEVICE_COOKIE, deviceToken, { ...cookies, maxAge: DEVICE_COOKIE_MAX_AGE_S })
    return reply.status(201).send({
      token,
      expires_at: iso(session.expiresAt),
      ...(deviceToken ? { device_token: deviceToken } : {}),
    })
  }
  const optionsOf = (options: unknown) => options as Record<string, unknown>

  app.post('/v1/sessions', { schema: passwordLogin }, async (req, reply) => {
    const from = { deviceToken: presentedDevice(req), headers: req.headers }
    const { identifier, password, second_factor } = req.body
    const input = { identifier, password, requireSecondFactor: second_factor === 'required' }
    const answer = await flow.passwordLogin(input, requestContext(req), from)
    if (answer.kind === 'session') return sendSession(reply, answer)
    const { challengeId, methods } = answer
    return reply.status(200).send({ mfa_required: true as const, challenge_id: challengeId, methods })
  })

  app.post('/v1/sessions/mfa', { schema: secondStep }, async (req, reply) => {
    const b = req.body
    const input = {
      challengeId: b.challenge_id,
      method: b.method,
      ...(b.code !== undefined ? { code: b.code } : {}),
      ...(b.assertion && b.webauthn_challenge_id
        ? { webauthn: { challengeId: b.webauthn_challenge_id, assertion: asAuthentication(b.assertion) } }
        : {}),
    }
    const device = { token: presentedDevice(req), remember: b.remember_device === true }
    return sendSession(reply, await flow.completeSecondStep(input, requestContext(req), device))
  })

  app.post('/v1/sessions/mfa/webauthn/options', { schema: secondStepPasskeyOptions }, async (req) => {
    const { challengeId, options } = await flow.secondFactorPasskeyOptions(req.body.challenge_id)
    return { webauthn_challenge_id: challengeId, options: optionsOf(options) }
  })

  app.post('/v1/sessions/mfa/send', { schema: sendCode }, async (req, reply) => {
    await flow.sendCode(req.body.challenge_id, req.body.method, requestContext(req))
    return reply.status(202).send({ status: 'sent' as const })
  })

  app.post('/v1/sessions/not-me', { schema: notMe }, async (req) => {
    await flow.notMe(req.body.token, requestContext(req))
    return { status: 'locked' as const }
  })

  app.post('/v1/sessions/passkey/options', { schema: passkeyOptions }, async (req) => {
    const { challengeId, options } = await flow.passkeyOptions(requestContext(req), req.headers, req.ip)
    return { challenge_id: challengeId, options: optionsOf(options) }
  })

  app.post('/v1/sessions/passkey', { schema: passkeyLogin }, async (req, reply) => {
    const input = { challengeId: req.body.challenge_id, assertion: asAuthentication(req.body.assertion) }
    const from = { ip: req.ip, deviceToken: presentedDevice(req) }
    return sendSession(reply, await flow.passkeyLogin(input, requestContext(req), from))
  })
}
