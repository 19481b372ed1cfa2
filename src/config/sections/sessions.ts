import { SECOND } from '../../kernel/clock.js'
import type { SessionSettings } from '../../modules/sessions/service.js'
import { bool, int, type Setting, section, type Values } from '../kinds.js'

const rows = {
  requireVerifiedEmail: {
    env: 'GATEHOUSE_REQUIRE_VERIFIED_EMAIL',
    default: 'true',
    doc: 'Refuse login until the email address is verified: the right password answers `email_unverified` by username or phone, `invalid_credentials` by email address.',
    schema: bool,
  },
  sessionIdleTtlSeconds: {
    env: 'GATEHOUSE_SESSION_IDLE_TTL',
    default: '1800',
    doc: 'A session unused for this many seconds expires.',
    schema: int(60, 90 * 86400),
  },
  sessionAbsoluteTtlSeconds: {
    env: 'GATEHOUSE_SESSION_ABSOLUTE_TTL',
    default: '43200',
    doc: 'A session expires this many seconds after login, however active.',
    schema: int(300, 365 * 86400),
  },
  sessionCacheMs: {
    env: 'GATEHOUSE_SESSION_CACHE_MS',
    default: '1000',
    doc: 'Session checks keep a live session in memory for up to this many milliseconds (0: every check reads the database). A revocation on this instance takes effect at once; on another instance at once when they share REDIS_URL (they tell each other), else within this time.',
    schema: int(0, 1000),
  },
  reauthMaxAgeSeconds: {
    env: 'GATEHOUSE_REAUTH_MAX_AGE_SECONDS',
    default: '600',
    doc: 'Adding or removing a second factor, new recovery codes or a new email address need a proof of identity (login or POST /v1/sessions/current/reauth) at most this many seconds old.',
    schema: int(60, 86400),
  },
} as const satisfies Record<string, Setting>

export interface SessionsSettings {
  /** What `SessionsService` takes as `settings`. */
  settings: SessionSettings
  /** How long the session cache keeps a live session. */
  cacheTtlMs: number
  /** How old a proof of identity may be for sensitive changes. */
  reauthMaxAgeMs: number
  /** What the login flow checks before a session opens. */
  login: { requireVerifiedEmail: boolean; passwordMaxLength: number }
}

export const sessions = section(
  'Sessions',
  rows,
  (v: Values<typeof rows> & { readonly passwordMaxLength: number }): SessionsSettings => ({
    settings: {
      idleTtlMs: v.sessionIdleTtlSeconds * SECOND,
      absoluteTtlMs: v.sessionAbsoluteTtlSeconds * SECOND,
      passwordMaxLength: v.passwordMaxLength,
      // Last-seen is written at most once a minute, and at least ten times per idle period.
      touchIntervalMs: Math.min(60 * SECOND, (v.sessionIdleTtlSeconds * SECOND) / 10),
    },
    cacheTtlMs: v.sessionCacheMs,
    reauthMaxAgeMs: v.reauthMaxAgeSeconds * SECOND,
    login: { requireVerifiedEmail: v.requireVerifiedEmail, passwordMaxLength: v.passwordMaxLength },
  }),
)
