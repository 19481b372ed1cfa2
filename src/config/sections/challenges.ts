import { SECOND } from '../../kernel/clock.js'
import type { CaptchaProvider, HttpCaptchaVerifier } from '../../modules/guard/captcha.js'
import { choice, int, optional, type Setting, section, text, url, type Values } from '../kinds.js'

const rows = {
  powTtlSeconds: {
    env: 'GATEHOUSE_POW_TTL_SECONDS',
    default: '120',
    doc: 'How long a puzzle may be answered; each puzzle is good for one request.',
    schema: int(10, 3600),
  },
  captchaProvider: {
    env: 'GATEHOUSE_CAPTCHA_PROVIDER',
    default: 'off',
    doc: '`turnstile` or `hcaptcha`: a CAPTCHA token in `Gatehouse-Captcha` also meets a challenge. `off`: proof of work only.',
    schema: choice(['off', 'turnstile', 'hcaptcha']),
  },
  captchaSecret: {
    env: 'GATEHOUSE_CAPTCHA_SECRET',
    default: undefined,
    secret: true,
    doc: "The CAPTCHA provider's secret key (required when a provider is set).",
    schema: optional(text),
  },
  captchaSiteKey: {
    env: 'GATEHOUSE_CAPTCHA_SITE_KEY',
    default: undefined,
    doc: 'The site key clients render the widget with; returned in challenges.',
    schema: optional(text),
  },
  captchaVerifyUrl: {
    env: 'GATEHOUSE_CAPTCHA_VERIFY_URL',
    default: undefined,
    doc: "The provider's verify endpoint; unset uses the provider's own (Turnstile or hCaptcha siteverify).",
    schema: optional(url(['https:', 'http:'])),
  },
} as const satisfies Record<string, Setting>

export interface ChallengeSettings {
  /** How long a proof-of-work puzzle may be answered (`ProofOfWork`'s `ttlMs`; its used-puzzle counters keep `ttlSeconds`). */
  pow: { ttlMs: number; ttlSeconds: number }
  /** What `HttpCaptchaVerifier` takes; null when no CAPTCHA provider is set. */
  captcha: {
    provider: CaptchaProvider
    settings: ConstructorParameters<typeof HttpCaptchaVerifier>[1]
  } | null
}

export const challenges = section(
  'Challenges',
  rows,
  (v: Values<typeof rows>): ChallengeSettings => ({
    pow: { ttlMs: v.powTtlSeconds * SECOND, ttlSeconds: v.powTtlSeconds },
    captcha:
      v.captchaProvider !== 'off' && v.captchaSecret && v.captchaSiteKey
        ? {
            provider: v.captchaProvider,
            settings: {
              secret: v.captchaSecret,
              siteKey: v.captchaSiteKey,
              ...(v.captchaVerifyUrl ? { verifyUrl: v.captchaVerifyUrl } : {}),
            },
          }
        : null,
  }),
)
