import type { Logger } from 'pino'
import type { Config } from '../../config/index.js'
import type { HttpServer } from '../../http/server.js'
import { type Clock, DAY, SECOND } from '../../kernel/clock.js'
import type { RequestContext } from '../../kernel/context.js'
import type { Purge } from '../../kernel/housekeeping.js'
import type { Keys } from '../../kernel/keys.js'
import { createNotifier, type Notifier } from '../../kernel/notifier.js'
import type { Metrics } from '../../metrics.js'
import { findAccountByIdentifier } from '../accounts/lookup.js'
import type { PasswordHasher } from '../accounts/password-hasher.js'
import type { PasswordPolicy } from '../accounts/password-policy.js'
import type { EventRecorder } from '../events/recorder.js'
import type { Guard } from '../guard/guard.js'
import type { LimiterStore } from '../guard/ports.js'
import { SourceLimits } from '../guard/source-limits.js'
import { isStaffRole } from '../mfa/strength.js'
import type { SessionsService } from '../sessions/service.js'
import type { RecoveryStore } from './ports.js'
import { recoveryRoutes } from './routes.js'
import { RecoveryService, type SecondFactorCheck } from './service.js'
import { RecoveryWorker } from './worker.js'

export interface RecoveryModuleDeps {
  config: Config
  store: RecoveryStore
  hasher: PasswordHasher
  policy: PasswordPolicy
  secondFactors: SecondFactorCheck
  events: EventRecorder
  clock: Clock
  metrics: Metrics
  logger: Logger
  guard: Guard
  keys: Keys
  /** Messages were queued: the outbox worker can start at once. */
  queued: Notifier
  /** Whether the account holds a factor strong enough for staff (a TOTP factor or a passkey). */
  hasStrongFactor: (accountId: string) => Promise<boolean>
  /** After a password reset: remembered devices are forgotten. */
  forgetRemembered: (accountId: string, ctx: RequestContext) => Promise<void>
}

/**
 * Account recovery: requests stored for the worker (same answer and work for every identifier),
 * reset messages, the reset lock; the routes with their limits per source.
 */
export const createRecoveryModule = (deps: RecoveryModuleDeps) => {
  const { config, store, clock, metrics } = deps
  const requested = createNotifier()
  const recovery = new RecoveryService({
    store,
    hasher: deps.hasher,
    policy: deps.policy,
    secondFactors: deps.secondFactors,
    events: deps.events,
    clock,
    settings: {
      tokenTtlMs: config.recoveryTokenTtlSeconds * SECOND,
      resendAfterMs: config.recoveryResendAfterSeconds * SECOND,
      digestDelayMs: config.recoveryDigestDelaySeconds * SECOND,
      lockTokenTtlMs: config.lockTokenTtlSeconds * SECOND,
      maxCodeAttempts: 5,
    },
    // Counted without their outcome: whether a request named an account is not a metric's to tell.
    onOutcome: () => metrics.recoveryRequests.inc(),
    onMessageQueued: () => deps.queued.notify(),
    onRequestQueued: () => requested.notify(),
    onAccountReached: (accountId, ctx) => void deps.guard.recoveryRequested(ctx, accountId),
    // A staff account without a TOTP factor or passkey is recovered by an operator only
    // (`gatehouse accounts reset-password`): its mailbox alone must not make an administrator.
    recoverable: async (account) => !isStaffRole(account.role) || (await deps.hasStrongFactor(account.id)),
    onPasswordReset: deps.forgetRemembered,
  })
  const worker = new RecoveryWorker({
    queue: store.recoveryRequests,
    service: recovery,
    clock,
    logger: deps.logger,
    intervalMs: config.workerIntervalMs,
    leaseMs: config.workerLeaseSeconds * SECOND,
  })
  requested.listen(() => worker.kick())
  const purge: Purge = async (now) => ({
    deleted_recovery_requests: await store.recoveryRequests.deleteHandledBefore(now - 7 * DAY),
  })
  return {
    recovery,
    worker,
    purge,
    routes: (http: HttpServer, with_: { sessions: SessionsService; limiter: LimiterStore }) =>
      recoveryRoutes(http, {
        recovery,
        guard: deps.guard,
        sessions: with_.sessions,
        ...recoveryLimits(config, with_.limiter, metrics),
        hints: {
          enabled: config.recoveryHints,
          secret: deps.keys.derive('gatehouse recovery hints'),
          lookup: async (raw) => (await findAccountByIdentifier(store.accounts, raw))?.email ?? null,
        },
      }),
  }
}

/** Recovery requests and completions per source, from the configuration. */
const recoveryLimits = (config: Config, limiter: LimiterStore, metrics: Metrics) => ({
  requestLimits: new SourceLimits(
    limiter,
    'recovery',
    {
      perIp: config.recoveryLimitPerIp,
      perSubnet: config.recoveryLimitPerSubnet,
      global: config.recoveryLimitGlobal,
    },
    (scope) => metrics.rateLimited.inc({ scope: `recovery_${scope}` }),
  ),
  completeLimits: new SourceLimits(
    limiter,
    'recovery_complete',
    {
      perIp: config.recoveryCompleteLimitPerIp,
      perSubnet: {
        points: config.recoveryCompleteLimitPerIp.points * 5,
        seconds: config.recoveryCompleteLimitPerIp.seconds,
      },
      global: { points: 100_000, seconds: 60 },
    },
    (scope) => metrics.rateLimited.inc({ scope: `recovery_complete_${scope}` }),
  ),
})
