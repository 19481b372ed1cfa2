import { SECOND } from '../../kernel/clock.js'
import type { SourceLimitRules } from '../../modules/guard/source-limits.js'
import type { RecoverySettings } from '../../modules/recovery/service.js'
import { bool, int, rate, type Setting, section, type Values } from '../kinds.js'

const rows = {
  recoveryTokenTtlSeconds: {
    env: 'GATEHOUSE_RECOVERY_TOKEN_TTL',
    default: '1200',
    doc: 'Lifetime of a recovery token, in seconds (20 minutes).',
    schema: int(60, 86400),
  },
  recoveryResendAfterSeconds: {
    env: 'GATEHOUSE_RECOVERY_RESEND_AFTER',
    default: '120',
    doc: 'While a recovery token sent less than this many seconds ago is still valid, no new message is sent.',
    schema: int(0, 3600),
  },
  recoveryDigestDelaySeconds: {
    env: 'GATEHOUSE_RECOVERY_DIGEST_DELAY',
    default: '3600',
    doc: 'How long after the first blocked request the daily digest of blocked requests is sent.',
    schema: int(0, 86400),
  },
  recoveryHints: {
    env: 'GATEHOUSE_RECOVERY_HINTS',
    default: 'false',
    doc: 'Answer recovery requests with a masked hint (`j***@e***.com`); missing accounts get a fake hint derived from the identifier. Off by default.',
    schema: bool,
  },
  recoveryLimitPerIp: {
    env: 'GATEHOUSE_RECOVERY_LIMIT_IP',
    default: '20/3600',
    doc: 'Recovery requests allowed per source address, as POINTS/SECONDS.',
    schema: rate,
  },
  recoveryLimitPerSubnet: {
    env: 'GATEHOUSE_RECOVERY_LIMIT_SUBNET',
    default: '100/3600',
    doc: 'Recovery requests allowed per /24 (IPv4) or /64 (IPv6) network; a /56 (IPv6) gets twice as many, a /16 (IPv4) or /48 (IPv6) four times.',
    schema: rate,
  },
  recoveryLimitGlobal: {
    env: 'GATEHOUSE_RECOVERY_LIMIT_GLOBAL',
    default: '3000/60',
    doc: 'Recovery requests allowed in total (all sources), the global budget.',
    schema: rate,
  },
  recoveryCompleteLimitPerIp: {
    env: 'GATEHOUSE_RECOVERY_COMPLETE_LIMIT_IP',
    default: '30/600',
    doc: 'Recovery completions (token guesses) allowed per source address.',
    schema: rate,
  },
  lockTokenTtlSeconds: {
    env: 'GATEHOUSE_LOCK_TOKEN_TTL',
    default: '604800',
    doc: 'Lifetime of the "this wasn\'t me" link in password-change notices, in seconds.',
    schema: int(600, 30 * 86400),
  },
} as const satisfies Record<string, Setting>

export interface RecoveryConfig {
  /** What `RecoveryService` takes as `settings`. */
  settings: RecoverySettings
  /** Recovery requests by where they come from (`SourceLimits` named `recovery`). */
  requestLimits: SourceLimitRules
  /** Recovery completions (token guesses) by where they come from (`recovery_complete`). */
  completeLimits: SourceLimitRules
  /** Answer with masked contact hints. */
  hints: boolean
  /** What the recovery worker takes from the configuration. */
  worker: { intervalMs: number; leaseMs: number }
}

export const recovery = section(
  'Account recovery',
  rows,
  (
    v: Values<typeof rows> & { readonly workerIntervalMs: number; readonly workerLeaseSeconds: number },
  ): RecoveryConfig => ({
    settings: {
      tokenTtlMs: v.recoveryTokenTtlSeconds * SECOND,
      resendAfterMs: v.recoveryResendAfterSeconds * SECOND,
      digestDelayMs: v.recoveryDigestDelaySeconds * SECOND,
      lockTokenTtlMs: v.lockTokenTtlSeconds * SECOND,
      maxCodeAttempts: 5,
    },
    requestLimits: {
      perIp: v.recoveryLimitPerIp,
      perSubnet: v.recoveryLimitPerSubnet,
      global: v.recoveryLimitGlobal,
    },
    completeLimits: {
      perIp: v.recoveryCompleteLimitPerIp,
      perSubnet: {
        points: v.recoveryCompleteLimitPerIp.points * 5,
        seconds: v.recoveryCompleteLimitPerIp.seconds,
      },
      global: { points: 100_000, seconds: 60 },
    },
    hints: v.recoveryHints,
    worker: { intervalMs: v.workerIntervalMs, leaseMs: v.workerLeaseSeconds * SECOND },
  }),
)
