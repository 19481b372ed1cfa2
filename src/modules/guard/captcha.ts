/**
 * The CAPTCHA hook: a challenge can also be met with a CAPTCHA token (header `Gatehouse-Captcha`),
 * checked with the provider's verify endpoint. Turnstile and hCaptcha share its shape: a form POST
 * of `secret`, `response` and `remoteip`, answered with JSON `{"success": true|false, ...}`.
 */

export const CAPTCHA_HEADER = 'gatehouse-captcha'

export interface CaptchaVerifier {
  readonly provider: string
  /** Shown to clients so they can render the widget. */
  readonly siteKey: string
  /** True only when the provider says the token is good; a provider that does not answer is a no. */
  verify(token: string, ip: string | null): Promise<boolean>
}

export const CAPTCHA_VERIFY_URLS = {
  turnstile: 'https://challenges.cloudflare.com/turnstile/v0/siteverify',
  hcaptcha: 'https://api.hcaptcha.com/siteverify',
} as const

export type CaptchaProvider = keyof typeof CAPTCHA_VERIFY_URLS

export class HttpCaptchaVerifier implements CaptchaVerifier {
  constructor(
    readonly provider: CaptchaProvider,
    private readonly settings: { secret: string; siteKey: string; verifyUrl?: string; timeoutMs?: number },
  ) {}

  get siteKey(): string {
    return this.settings.siteKey
  }

  async verify(token: string, ip: string | null): Promise<boolean> {
    if (token.length === 0 || token.length > 4096) return false
    const form = new URLSearchParams({ secret: this.settings.secret, response: token })
    if (ip) form.set('remoteip', ip)
    try {
      const res = await fetch(this.settings.verifyUrl ?? CAPTCHA_VERIFY_URLS[this.provider], {
        method: 'POST',
        body: form,
        redirect: 'error',
        signal: AbortSignal.timeout(this.settings.timeoutMs ?? 5000),
      })
      if (!res.ok) return false
      const answer = (await res.json()) as { success?: unknown }
      return answer.success === true
    } catch {
      return false
    }
  }
}
