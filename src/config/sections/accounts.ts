import { DAY, SECOND } from '../../kernel/clock.js'
import type { AccountsSettings } from '../../modules/accounts/service.js'
import type { RateRule } from '../../modules/guard/ports.js'
import type { SourceLimitRules } from '../../modules/guard/source-limits.js'
import { int, rate, type Setting, section, type Values } from '../kinds.js'

const rows = {
  verifyTokenTtlSeconds: {
    env: 'GATEHOUSE_VERIFY_TOKEN_TTL',
    default: '86400',
    doc: 'Lifetime of an email-verification token, in seconds.',
    schema: int(60, 7 * 86400),
  },
  unverifiedAccountTtlDays: {
    env: 'GATEHOUSE_UNVERIFIED_ACCOUNT_TTL_DAYS',
    default: '7',
    doc: 'Accounts whose email was never verified are deleted after this many days, freeing the username.',
    schema: int(1, 365),
  },
  accountDeletionGraceDays: {
    env: 'GATEHOUSE_ACCOUNT_DELETION_GRACE_DAYS',
    default: '7',
    doc: 'Days between a deletion request (DELETE /v1/me, or staff scheduling one) and the purge of the account and its personal data; until then the mailed link cancels it.',
    schema: int(1, 365),
  },
  signupLimitPerIp: {
    env: 'GATEHOUSE_SIGNUP_LIMIT_IP',
    default: '20/3600',
    doc: "Sign-ups allowed per source address, accepted or not, as POINTS/SECONDS: each costs a password hash and may mail an address of the caller's choosing. The /56 gets 2× and the /16 or /48 4× the /24 or /64 budget.",
    schema: rate,
  },
  signupLimitPerSubnet: {
    env: 'GATEHOUSE_SIGNUP_LIMIT_SUBNET',
    default: '100/3600',
    doc: 'Sign-ups allowed per /24 (IPv4) or /64 (IPv6) network.',
    schema: rate,
  },
  signupLimitGlobal: {
    env: 'GATEHOUSE_SIGNUP_LIMIT_GLOBAL',
    default: '3000/60',
    doc: 'Sign-ups allowed in total (all sources).',
    schema: rate,
  },
  verifyResendLimitPerAddress: {
    env: 'GATEHOUSE_VERIFY_RESEND_LIMIT_ADDRESS',
    default: '5/3600',
    doc: 'Verification resends allowed per address typed (normalised, whether or not it has an account), as POINTS/SECONDS; then 429 for that address from anywhere.',
    schema: rate,
  },
} as const satisfies Record<string, Setting>

export interface AccountSettings {
  /** What `AccountsService` takes as `settings`. */
  settings: AccountsSettings
  /** Sign-ups by where they come from (`SourceLimits` named `signup`). */
  signupLimits: SourceLimitRules
  /** Verification resends per address typed. */
  resendPerAddress: RateRule
  /** Days a deletion waits before the purge. */
  deletionGraceDays: number
}

export const accounts = section(
  'Accounts and sign-up',
  rows,
  (v: Values<typeof rows>): AccountSettings => ({
    settings: {
      verifyTokenTtlMs: v.verifyTokenTtlSeconds * SECOND,
      unverifiedAccountTtlMs: v.unverifiedAccountTtlDays * DAY,
    },
    signupLimits: {
      perIp: v.signupLimitPerIp,
      perSubnet: v.signupLimitPerSubnet,
      global: v.signupLimitGlobal,
    },
    resendPerAddress: v.verifyResendLimitPerAddress,
    deletionGraceDays: v.accountDeletionGraceDays,
  }),
)
