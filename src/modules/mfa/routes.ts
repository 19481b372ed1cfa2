import { z } from 'zod'
import type { HttpServer } from '../../http/server.js'
import { requestContext } from '../../http/server.js'
import { principalOf, requireSession } from '../sessions/http-auth.js'
import type { SessionsService } from '../sessions/service.js'
import type { MfaService } from './service.js'

const Code = z.string().regex(/^\d{6}$/, { message: 'must be 6 digits' })

export const mfaRoutes = (app: HttpServer, deps: { mfa: MfaService; sessions: SessionsService }) => {
  const { mfa } = deps
  const auth = requireSession(deps.sessions)
  const security: Record<string, string[]>[] = [{ bearer: [] }, { cookie: [] }]

  app.post(
    '/v1/mfa/totp',
    {
      preHandler: auth,
      schema: {
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
      },
    },
    async (req, reply) => {
      const p = principalOf(req)
      const e = await mfa.enrolTotp({ id: p.account.id, username: p.account.username })
      return reply.status(201).send({ secret: e.secret, otpauth_uri: e.otpauthUri, qr_svg: e.qrSvg })
    },
  )

  app.post(
    '/v1/mfa/totp/confirm',
    {
      preHandler: auth,
      schema: {
        summary: 'Confirm the TOTP enrolment with a current code; returns recovery codes, shown once',
        tags: ['mfa'],
        security,
        body: z.strictObject({ code: Code }),
        response: { 200: z.object({ recovery_codes: z.array(z.string()) }) },
      },
    },
    async (req) => {
      const codes = await mfa.confirmTotp(principalOf(req).account.id, req.body.code, requestContext(req))
      return { recovery_codes: codes }
    },
  )

  app.get(
    '/v1/mfa',
    {
      preHandler: auth,
      schema: {
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
              }),
            ),
            recovery_codes_remaining: z.number(),
          }),
        },
      },
    },
    async (req) => mfa.status(principalOf(req).account.id),
  )

  app.post(
    '/v1/mfa/recovery-codes',
    {
      preHandler: auth,
      schema: {
        summary: 'Replace the recovery codes (needs a current TOTP code); the old set stops working',
        tags: ['mfa'],
        security,
        body: z.strictObject({ code: Code }),
        response: { 200: z.object({ recovery_codes: z.array(z.string()) }) },
      },
    },
    async (req) => ({
      recovery_codes: await mfa.regenerateCodes(
        principalOf(req).account.id,
        req.body.code,
        requestContext(req),
      ),
    }),
  )
}
