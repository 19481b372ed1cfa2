import type { Logger } from 'pino'
import type { Config } from '../../config/index.js'
import type { HttpServer } from '../../http/server.js'
import { type Clock, DAY } from '../../kernel/clock.js'
import type { Purge } from '../../kernel/housekeeping.js'
import type { Keys } from '../../kernel/keys.js'
import { createNotifier, type Notifier } from '../../kernel/notifier.js'
import type { Metrics } from '../../metrics.js'
import { findAccountByIdentifier } from '../accounts/lookup.js'
import type { PasswordHasher } from '../accounts/password-hasher.js'
import type { PasswordPolicy } from '../accounts/password-policy.js'
import type { DevicesService } from '../devices/service.js'
import type { EventRecorder } from '../events/recorder.js'
import type { Guard } from '../guard/guard.js'
import type { LimiterStore } from '../guard/ports.js'
import { type SourceLimitRules, SourceLimits } from '../guard/source-limits.js'
import type { SessionsService } from '../sessions/service.js'
import type { RecoveryFactorPorts } from './policy.js'
import type { RecoveryStore } from './ports.js'
import { recoveryRoutes } from './routes.js'
import { RecoveryService } from './service.js'
import { RecoveryWorker } from './worker.js'

export interface RecoveryModuleDeps extends RecoveryFactorPorts {
  config: Pick<Config, 'recovery'>
  store: RecoveryStore
  hasher: PasswordHasher
  policy: PasswordPolicy
  events: EventRecorder
  clock: Clock
  metrics: Metrics
  logger: Logger
  guard: Guard
  keys: Keys
  /** Messages were queued: the outbox worker can start at once. */
  queued: Notifier
  /** Remembered devices are forgotten when the password changes or is reset. */
  devices: Pick<DevicesService, 'forgetRemembered'>
}

/**
 * Account recovery: requests stored for the worker (same answer and work for every identifier),
 * reset messages, the reset lock; the routes with their limits per source. Who may be recovered by
 * a message and which factor a reset asks for: policy.ts.
 */
export const createRecoveryModule = (deps: RecoveryModuleDeps) => {
  const { store, clock, metrics } = deps
  const config = deps.config.recovery
  const requested = createNotifier()
  const recovery = new RecoveryService({
    store,
    hasher: deps.hasher,
    policy: deps.policy,
    factors: deps.factors,
    mfa: deps.mfa,
    guard: deps.guard,
    events: deps.events,
    clock,
    settings: config.settings,
    // Counted without their outcome: whether a request named an account is not a metric's to tell.
    onOutcome: () => metrics.recoveryRequests.inc(),
    queued: deps.queued,
    requested,
    devices: deps.devices,
  })
  const worker = new RecoveryWorker({
    queue: store.recoveryRequests,
    service: recovery,
    clock,
    logger: deps.logger,
    ...config.worker,
  })
  requested.listen(() => worker.kick())
  const purge: Purge = async (now) => ({
    deleted_recovery_requests: await store.recoveryRequests.deleteHandledBefore(now - 7 * DAY),
  })
  const limits = (limiter: LimiterStore, name: string, rules: SourceLimitRules) =>
    new SourceLimits(limiter, name, rules, (scope) => metrics.rateLimited.inc({ scope: `${name}_${scope}` }))
  return {
    recovery,
    worker,
    purge,
    routes: (http: HttpServer, with_: { sessions: SessionsService; limiter: LimiterStore }) =>
      recoveryRoutes(http, {
        recovery,
        guard: deps.guard,
        sessions: with_.sessions,
        requestLimits: limits(with_.limiter, 'recovery', config.requestLimits),
        completeLimits: limits(with_.limiter, 'recovery_complete', config.completeLimits),
        hints: {
          enabled: config.hints,
          secret: deps.keys.derive('gatehouse recovery hints'),
          lookup: async (raw) => (await findAccountByIdentifier(store.accounts, raw))?.email ?? null,
        },
      }),
  }
}
