import type { Config } from '../../config/index.js'
import type { HttpServer } from '../../http/server.js'
import { MINUTE } from '../../kernel/clock.js'
import type { Metrics } from '../../metrics.js'
import type { PasswordPolicy } from '../accounts/password-policy.js'
import type { LimiterStore } from '../guard/ports.js'
import { type SourceLimitRules, SourceLimits } from '../guard/source-limits.js'
import { returnToChecker } from './return-to.js'
import { pagesApiRoutes } from './routes.js'

/** Password checks from one address, its /24 (or /64), and everyone: enough to type, not to mine. */
export const PASSWORD_CHECK_LIMITS: SourceLimitRules = {
  perIp: { points: 120, seconds: MINUTE / 1000 },
  perSubnet: { points: 600, seconds: MINUTE / 1000 },
  global: { points: 20_000, seconds: MINUTE / 1000 },
}

/**
 * What the account pages read from the API: their configuration (branding, languages, password
 * rules, CAPTCHA, whether a `return_to` is followed) and the password check behind the strength meter.
 * The pages themselves are files served by src/http/pages-routes.ts.
 */
export const createPagesModule = (deps: {
  config: Pick<Config, 'branding' | 'passwords' | 'challenges'>
  policy: PasswordPolicy
}) => {
  const { branding, passwords, challenges } = deps.config
  const returnTo = returnToChecker(branding.returnUrls)
  const view = {
    product_name: branding.name,
    logo_url: branding.logoFile ? '/pages/brand/logo' : null,
    accent: branding.accent,
    support_url: branding.supportUrl,
    terms_url: branding.termsUrl,
    privacy_url: branding.privacyUrl,
    default_locale: branding.defaultLocale,
    password: {
      min_length: deps.policy.minLengthFor(false),
      max_length: passwords.policy.maxLength,
      min_score: passwords.policy.minScore,
      policy: passwords.policy.profile,
    },
    captcha: challenges.captcha
      ? { provider: challenges.captcha.provider, site_key: challenges.captcha.settings.siteKey }
      : null,
  }
  return {
    returnTo,
    routes: (http: HttpServer, with_: { limiter: LimiterStore; metrics: Metrics }) =>
      pagesApiRoutes(http, {
        view,
        returnTo,
        policy: deps.policy,
        checkLimits: new SourceLimits(with_.limiter, 'password_check', PASSWORD_CHECK_LIMITS, (scope) =>
          with_.metrics.rateLimited.inc({ scope: `password_check_${scope}` }),
        ),
      }),
  }
}
