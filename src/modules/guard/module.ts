import type { Logger } from 'pino'
import type { Config } from '../../config/index.js'
import type { HttpServer } from '../../http/server.js'
import { type Clock, SECOND } from '../../kernel/clock.js'
import type { Purge } from '../../kernel/housekeeping.js'
import type { Keys } from '../../kernel/keys.js'
import type { Metrics } from '../../metrics.js'
import type { Authorize } from '../access/authorize.js'
import { findAccountByIdentifier } from '../accounts/lookup.js'
import type { AccountRepository } from '../accounts/ports.js'
import type { NameDirectory } from '../admin/names.js'
import type { AuditService } from '../audit/service.js'
import type { EventRecorder } from '../events/recorder.js'
import { HttpCaptchaVerifier } from './captcha.js'
import { Guard } from './guard.js'
import { GuardLiftService, type GuardLiftStore, GuardLiftWatcher } from './lifts.js'
import type { DetectionStore, LimiterStore } from './ports.js'
import { ProofOfWork } from './pow.js'
import { guardRoutes } from './routes.js'

/** How often a server looks for operators' lifts of the guard. */
const GUARD_LIFT_POLL_MS = 1000

export interface GuardModuleDeps {
  config: Pick<Config, 'guard' | 'challenges' | 'housekeeping'>
  limiter: LimiterStore
  detections: DetectionStore
  liftStore: GuardLiftStore
  accounts: Pick<AccountRepository, 'findByUsername' | 'findByEmail' | 'findByVerifiedPhone'>
  events: EventRecorder
  audit: AuditService
  keys: Keys
  clock: Clock
  metrics: Metrics
  logger: Logger
}

/**
 * The guard against credential stuffing, enumeration and floods; operators' lifts of it
 * (`gatehouse guard lift`), which reach every server through the database; its admin routes.
 */
export const createGuardModule = (deps: GuardModuleDeps) => {
  const { config, limiter, clock, metrics, logger, events } = deps
  const now = () => clock.now()
  const captcha = config.challenges.captcha
  const guard = new Guard({
    store: limiter,
    detections: deps.detections,
    events,
    pow: new ProofOfWork({
      key: deps.keys.derive('gatehouse proof of work'),
      ttlMs: config.challenges.pow.ttlMs,
      now,
      used: limiter.counters('guard:pow_used', config.challenges.pow.ttlSeconds),
    }),
    captcha: captcha ? new HttpCaptchaVerifier(captcha.provider, captcha.settings) : undefined,
    identifierKey: deps.keys.derive('gatehouse guard identifiers'),
    findAccount: async (identifier) => (await findAccountByIdentifier(deps.accounts, identifier))?.id ?? null,
    now,
    metrics: {
      detection: (kind, action) => metrics.detections.inc({ kind, action }),
      challenge: (kind, outcome) => metrics.challenges.inc({ kind, outcome }),
      block: (scope) => metrics.blocks.inc({ scope }),
      refused: (reason) => metrics.guardRefusals.inc({ reason }),
      screened: (seconds) => metrics.guardScreen.observe(seconds),
    },
    onError: (err, what) => logger.error({ err, what }, 'guard observation failed'),
    settings: config.guard,
  })
  const lifts = new GuardLiftService({ store: deps.liftStore, audit: deps.audit, events, now })
  const liftWatcher = new GuardLiftWatcher({
    store: deps.liftStore,
    guard,
    now,
    windowMs: config.guard.windowSeconds * SECOND,
    intervalMs: GUARD_LIFT_POLL_MS,
    onApplied: (lift) =>
      logger.warn(
        { lift_id: lift.id, sources: lift.sources ?? 'all', operator: lift.operator, reason: lift.reason },
        'guard lifted by an operator: challenges, delays and blocks of these sources ended',
      ),
    onError: (err) => logger.error({ err }, 'guard lifts could not be read'),
  })
  const retentionMs = config.housekeeping.eventRetentionMs
  const purge: Purge = async (at) => ({
    deleted_security_events: await deps.detections.deleteClosedBefore(at - retentionMs),
  })
  return {
    guard,
    lifts,
    liftWatcher,
    purge,
    routes: (http: HttpServer, with_: { authorize: Authorize; names: NameDirectory }) =>
      guardRoutes(http, {
        authorize: with_.authorize,
        detections: deps.detections,
        guard,
        events,
        audit: deps.audit,
        names: with_.names,
        now,
      }),
  }
}
