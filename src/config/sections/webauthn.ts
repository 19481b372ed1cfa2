import { z } from 'zod'
import { MINUTE } from '../../kernel/clock.js'
import type { SourceLimitRules } from '../../modules/guard/source-limits.js'
import type { PasskeySettings } from '../../modules/mfa/passkeys.js'
import { format, optional, type Setting, section, type Values } from '../kinds.js'
import { LOGIN_CHALLENGE_GUESSES } from './mfa.js'

const rows = {
  webauthnRpId: {
    env: 'GATEHOUSE_WEBAUTHN_RP_ID',
    default: undefined,
    doc: 'WebAuthn relying-party id for passkeys: a registrable domain (unset: the host of GATEHOUSE_PUBLIC_URL). Passkeys are bound to it.',
    schema: optional(
      format(
        z.string().regex(/^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/),
        'must be a lower-case domain name such as example.com',
      ),
    ),
  },
  webauthnRpName: {
    env: 'GATEHOUSE_WEBAUTHN_RP_NAME',
    default: 'Gatehouse',
    doc: 'The relying-party name authenticators show when a passkey is created.',
    schema: format(z.string().max(64), 'must be at most 64 characters long'),
  },
  webauthnOrigins: {
    env: 'GATEHOUSE_WEBAUTHN_ORIGINS',
    default: undefined,
    doc: 'Comma-separated origins (https://host[:port]) whose pages may use passkeys (unset: the origin of GATEHOUSE_PUBLIC_URL).',
    schema: optional(
      format(
        z
          .string()
          .transform((v) =>
            v
              .split(',')
              .map((o) => o.trim())
              .filter((o) => o.length > 0),
          )
          .pipe(
            z
              .array(
                z.string().refine((o) => {
                  try {
                    const u = new URL(o)
                    return (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === o
                  } catch {
                    return false
                  }
                }),
              )
              .min(1),
          ),
        'must list origins such as https://id.example.com, comma-separated, without a path',
      ),
    ),
  },
} as const satisfies Record<string, Setting>

export interface WebauthnConfig {
  /** What `PasskeyService` takes as `settings`. */
  settings: PasskeySettings
  /** Passkey logins by where they come from (`SourceLimits` named `passkey_login`). */
  loginLimits: SourceLimitRules
}

export const webauthn = section(
  'Passkeys',
  rows,
  (v: Values<typeof rows> & { readonly publicUrl: string }): WebauthnConfig => {
    const publicUrl = new URL(v.publicUrl)
    return {
      settings: {
        rpId: v.webauthnRpId ?? publicUrl.hostname,
        rpName: v.webauthnRpName,
        origins: v.webauthnOrigins ?? [publicUrl.origin],
        challengeTtlMs: 5 * MINUTE,
        maxAttemptsPerChallenge: LOGIN_CHALLENGE_GUESSES,
      },
      loginLimits: {
        perIp: { points: 30, seconds: 60 },
        perSubnet: { points: 150, seconds: 60 },
        global: { points: 100_000, seconds: 60 },
      },
    }
  },
)
