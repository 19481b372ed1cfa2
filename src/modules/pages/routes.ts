import { z } from 'zod'
import { LOCALES } from '../../config/sections/branding.js'
import type { HttpServer } from '../../http/server.js'
import type { PasswordPolicy } from '../accounts/password-policy.js'
import type { SourceLimits } from '../guard/source-limits.js'
import { RETURN_TO_MAX } from './return-to.js'

/** What the account pages are told of this Gatehouse (GET /v1/pages/config). */
export interface PagesView {
  product_name: string
  logo_url: string | null
  accent: string
  support_url: string | null
  terms_url: string | null
  privacy_url: string | null
  default_locale: string
  password: { min_length: number; max_length: number; min_score: number; policy: string }
  captcha: { provider: string; site_key: string } | null
}

export interface PagesRouteDeps {
  view: PagesView
  /** The `return_to` to follow, resolved, or null (see return-to.ts). */
  returnTo: (raw: unknown) => string | null
  policy: PasswordPolicy
  /** Strength checks per source: each runs the password rules and the estimator. */
  checkLimits: SourceLimits
}

const pagesConfig = {
  summary:
    'What the account pages show: branding, languages, password rules, and whether a return_to is followed',
  description:
    '`return_to` is answered back (resolved) only when it lies under one of GATEHOUSE_RETURN_URLS; otherwise ' +
    '`return_to` is null and the pages do not follow it. Never cached.',
  tags: ['pages'],
  querystring: z.strictObject({
    return_to: z
      .string()
      .max(RETURN_TO_MAX * 2)
      .optional(),
  }),
  response: {
    200: z.object({
      product_name: z.string(),
      logo_url: z.string().nullable(),
      accent: z.string(),
      support_url: z.string().nullable(),
      terms_url: z.string().nullable(),
      privacy_url: z.string().nullable(),
      default_locale: z.enum(LOCALES),
      locales: z.array(z.enum(LOCALES)),
      password: z.object({
        min_length: z.number().int(),
        max_length: z.number().int(),
        min_score: z.number().int(),
        policy: z.string(),
      }),
      passkeys: z.boolean(),
      sms: z.boolean(),
      captcha: z.object({ provider: z.string(), site_key: z.string() }).nullable(),
      return_to: z.string().nullable(),
    }),
  },
}

const passwordCheck = {
  summary: "Judge a new password by the service's own rules, as the pages type it",
  description:
    'The rules of sign-up, password change and reset (length, characters, common and breached passwords, the ' +
    'username or address in it, strength), and the estimated strength (0–4). Nothing is stored or logged. ' +
    '`multi_factor` says the account holds a TOTP factor or a passkey (a shorter password may do under the ' +
    'rev. 4 profile). At most 120 checks a minute from one address (429 with Retry-After).',
  tags: ['pages'],
  body: z.strictObject({
    password: z.string().max(100_000),
    username: z.string().max(256).optional(),
    email: z.string().max(320).optional(),
    multi_factor: z.boolean().optional(),
  }),
  response: {
    200: z.object({
      acceptable: z.boolean(),
      code: z
        .enum([
          'password_too_short',
          'password_too_long',
          'password_invalid_characters',
          'password_common',
          'password_contains_identifier',
          'password_too_weak',
        ])
        .nullable(),
      score: z.number().int().min(0).max(4),
      min_length: z.number().int(),
    }),
  },
}

export const pagesApiRoutes = (app: HttpServer, deps: PagesRouteDeps): void => {
  app.get('/v1/pages/config', { schema: pagesConfig }, async (req, reply) => {
    reply.header('cache-control', 'no-store')
    return {
      ...deps.view,
      default_locale: deps.view.default_locale as (typeof LOCALES)[number],
      locales: [...LOCALES],
      passkeys: true,
      sms: true,
      return_to: deps.returnTo(req.query.return_to),
    }
  })

  app.post('/v1/passwords/check', { schema: passwordCheck }, async (req, reply) => {
    reply.header('cache-control', 'no-store')
    await deps.checkLimits.check(req.ip)
    const multiFactor = req.body.multi_factor === true
    const verdict = deps.policy.check(req.body.password, {
      username: req.body.username,
      email: req.body.email,
      multiFactor,
    })
    return {
      acceptable: verdict.ok,
      code: verdict.ok ? null : verdict.code,
      score: verdict.score ?? 0,
      min_length: deps.policy.minLengthFor(multiFactor),
    }
  })
}
