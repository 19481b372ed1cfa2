import type { Config } from '../../config/index.js'
import type { HttpServer } from '../../http/server.js'
import { type Clock, DAY } from '../../kernel/clock.js'
import type { Purge } from '../../kernel/housekeeping.js'
import type { Notifier } from '../../kernel/notifier.js'
import type { Metrics } from '../../metrics.js'
import type { DevicesService } from '../devices/service.js'
import type { EventRecorder } from '../events/recorder.js'
import { noContext } from '../events/recorder.js'
import type { Guard } from '../guard/guard.js'
import type { LimiterStore } from '../guard/ports.js'
import { SourceLimits } from '../guard/source-limits.js'
import type { SessionsService } from '../sessions/service.js'
import { PasswordHasher } from './password-hasher.js'
import { PasswordPolicy } from './password-policy.js'
import type { AccountsStore } from './ports.js'
import { accountRoutes } from './routes.js'
import { AccountsService } from './service.js'

export interface AccountsModuleDeps {
  config: Pick<Config, 'accounts' | 'sessions'>
  store: AccountsStore
  events: EventRecorder
  clock: Clock
  /** Messages were queued: the outbox worker can start at once. */
  queued: Notifier
  /** Remembered devices are forgotten when the password changes or is reset. */
  devices: Pick<DevicesService, 'forgetRemembered'>
  /** True when the account holds a second factor the password policy counts (a shorter password may do). */
  hasPasswordFactor: (accountId: string) => Promise<boolean>
}

/** Password hashing and policy, from the configuration (sign-up, login and recovery share them). */
export const createPasswords = (config: Pick<Config, 'passwords'>) => ({
  hasher: new PasswordHasher(config.passwords.hasher),
  policy: new PasswordPolicy(config.passwords.policy),
})

/**
 * Accounts: sign-up, verification, changes of address and password; unverified accounts pruned
 * and pending changes expired by housekeeping.
 */
export const createAccountsModule = (deps: AccountsModuleDeps & ReturnType<typeof createPasswords>) => {
  const { config, store, events, clock } = deps
  const accounts = new AccountsService({
    store,
    hasher: deps.hasher,
    policy: deps.policy,
    events,
    clock,
    settings: config.accounts.settings,
    queued: deps.queued,
    devices: deps.devices,
    multiFactor: deps.hasPasswordFactor,
  })
  const purge: Purge = async (now) => {
    const pruned = await accounts.pruneUnverified()
    if (pruned > 0) {
      await events.record(
        'account_unverified_deleted',
        null,
        { ...noContext, requestId: 'housekeeping' },
        { count: pruned },
      )
    }
    return {
      pruned_unverified_accounts: pruned,
      deleted_login_material:
        (await store.accounts.deleteEmailChangesBefore(now - DAY)) +
        (await store.accounts.deleteReservationsBefore(now)),
    }
  }
  return {
    accounts,
    purge,
    routes: (
      http: HttpServer,
      with_: { sessions: SessionsService; guard: Guard; limiter: LimiterStore; metrics: Metrics },
    ) =>
      accountRoutes(http, {
        accounts,
        sessions: with_.sessions,
        reauthMaxAgeMs: config.sessions.reauthMaxAgeMs,
        now: () => clock.now(),
        guard: with_.guard,
        resendPerAddress: with_.limiter.limiter('verify_resend:address', config.accounts.resendPerAddress),
        signupLimits: new SourceLimits(with_.limiter, 'signup', config.accounts.signupLimits, (scope) =>
          with_.metrics.rateLimited.inc({ scope: `signup_${scope}` }),
        ),
      }),
  }
}
