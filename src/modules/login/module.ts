import type { Config } from '../../config/index.js'
import type { FastPaths, HttpServer } from '../../http/server.js'
import { type Clock, DAY } from '../../kernel/clock.js'
import type { Purge } from '../../kernel/housekeeping.js'
import type { Metrics } from '../../metrics.js'
import type { PasswordHasher } from '../accounts/password-hasher.js'
import type { PasswordPolicy } from '../accounts/password-policy.js'
import type { AccountRecord, AccountRepository } from '../accounts/ports.js'
import type { DevicesService } from '../devices/service.js'
import type { EventRecorder } from '../events/recorder.js'
import type { Guard } from '../guard/guard.js'
import type { LimiterStore } from '../guard/ports.js'
import { type SourceLimitRules, SourceLimits } from '../guard/source-limits.js'
import type { LoginCodeService } from '../mfa/login-codes.js'
import type { PasskeyService } from '../mfa/passkeys.js'
import type { MfaChallengeRepository, MfaFactorRepository } from '../mfa/ports.js'
import { mfaRoutes } from '../mfa/routes.js'
import type { MfaService } from '../mfa/service.js'
import { type FactorPolicy, satisfies } from '../mfa/strength.js'
import type { RecoveryService } from '../recovery/service.js'
import { type ChangeCount, SessionCache } from '../sessions/cache.js'
import { SESSION_CHECK_URL, SessionCheckFastPath } from '../sessions/fast-check.js'
import type { SessionRepository } from '../sessions/ports.js'
import { sessionRoutes } from '../sessions/routes.js'
import { SessionsService } from '../sessions/service.js'
import { LoginFlow } from './flow.js'
import { loginRoutes } from './routes.js'

export interface LoginModuleDeps {
  config: Pick<Config, 'publicUrl' | 'sessions' | 'devices' | 'mfa' | 'passwords' | 'http'>
  accounts: AccountRepository
  sessions: SessionRepository
  /** Writes that change session checks: the session cache drops what they touch. */
  principalChanges: ChangeCount
  hasher: PasswordHasher
  policy: Pick<PasswordPolicy, 'longEnough'>
  events: EventRecorder
  clock: Clock
  guard: Guard
  limiter: LimiterStore
  mfa: MfaService
  factors: Pick<MfaFactorRepository, 'listAll'>
  /** The MFA policy of an account (the MFA module's): factor strength floor, whether one is required. */
  policyOf: (account: AccountRecord) => FactorPolicy
  /** Whether the account holds a factor that lets its password be shorter (the MFA module's). */
  hasPasswordFactor: (accountId: string) => Promise<boolean>
  challenges: Pick<MfaChallengeRepository, 'peek'>
  passkeys: PasskeyService
  loginCodes: Pick<LoginCodeService, 'send'>
  devices: DevicesService
  recovery: Pick<RecoveryService, 'lockAfterUnrecognisedLogin'>
  /** Tells the holder, on every verified channel, that a factor was added. */
  notifyFactorAdded: (accountId: string) => Promise<void>
  metrics: Pick<Metrics, 'logins' | 'rateLimited' | 'httpDuration'>
}

/** What the routes need of the HTTP server: its fast paths, and whether it is draining. */
export interface LoginRouteDeps {
  fastPaths: FastPaths
  draining: () => boolean
}

/** Passwordless login attempts per source (a passkey cannot be guessed; the ceremony costs). */
const PASSKEY_LOGIN_LIMITS: SourceLimitRules = {
  perIp: { points: 30, seconds: 60 },
  perSubnet: { points: 150, seconds: 60 },
  global: { points: 100_000, seconds: 60 },
}

/** Sessions, with the second-factor checks re-authentication and enrolment-only sessions need. */
const createSessions = (deps: LoginModuleDeps) => {
  const { config, factors, mfa, passkeys, clock, policyOf } = deps
  return new SessionsService({
    accounts: deps.accounts,
    sessions: deps.sessions,
    hasher: deps.hasher,
    events: deps.events,
    clock,
    cache: new SessionCache({
      changes: deps.principalChanges,
      ttlMs: config.sessions.cacheTtlMs,
      maxEntries: 10_000,
    }),
    settings: config.sessions.settings,
    factors: {
      mustEnrol: async (account) => {
        const policy = policyOf(account)
        return policy.required && !satisfies(await factors.listAll(account.id), policy.floor)
      },
      verifyCode: (accountId, method, code, ctx) => mfa.verifyCode(accountId, code, ctx, method),
      verifyPasskey: (accountId, input, ctx) => passkeys.verifyReauth(accountId, input, ctx),
    },
    reauthGuesses: deps.limiter.limiter('reauth:account', { points: 10, seconds: 15 * 60 }),
  })
}

/**
 * Login and the sessions it opens: the flow (flow.ts, the file to read for "what happens at
 * login?"), the sessions service other modules authenticate with, and their routes.
 */
export const createLoginModule = (deps: LoginModuleDeps) => {
  const { config, mfa, passkeys, clock } = deps
  const sessions = createSessions(deps)
  // Length floors that depend on the account's factors (NIST SP 800-63B rev. 4: shorter than 15
  // code points without a factor that counts) are checked again at login.
  const lengthDependsOnFactors = config.passwords.policy.profile === 'nist-800-63b-4'
  const passwordBelowPolicy = async (account: AccountRecord, password: string) =>
    lengthDependsOnFactors &&
    !deps.policy.longEnough(password, false) &&
    !deps.policy.longEnough(password, await deps.hasPasswordFactor(account.id))
  const flow = new LoginFlow({
    ...deps,
    sessions,
    sessionRecords: deps.sessions,
    policyOf: deps.policyOf,
    passwordBelowPolicy,
    passkeyLimits: new SourceLimits(deps.limiter, 'passkey_login', PASSKEY_LOGIN_LIMITS, (scope) =>
      deps.metrics.rateLimited.inc({ scope: `passkey_login_${scope}` }),
    ),
    stepUpNewDevice: config.devices.stepUpNewDevice,
    settings: { ...config.sessions.login, rememberDevice: config.devices.rememberDevices },
  })
  const secureCookie = config.publicUrl.startsWith('https:')
  const sessionChecksAnswered = deps.metrics.httpDuration.labels('GET', SESSION_CHECK_URL, '200')
  const purge: Purge = async (now) => ({
    deleted_sessions: await deps.sessions.deleteEndedBefore(now - 30 * DAY),
  })
  return {
    sessions,
    flow,
    purge,
    /**
     * The login, session and second-factor routes, and the fast path that answers most session
     * checks before Fastify routes them (returned: the app exposes it).
     */
    routes: (http: HttpServer, server: LoginRouteDeps): SessionCheckFastPath => {
      const sessionCheck = new SessionCheckFastPath({
        sessions,
        open: () => !server.draining(),
        checksClientVersion: config.http.minClientVersion !== undefined,
        observe: (seconds) => sessionChecksAnswered.observe(seconds),
      })
      server.fastPaths.set(SESSION_CHECK_URL, sessionCheck.handle)
      loginRoutes(http, { flow, secureCookie })
      sessionRoutes(http, { sessions, sessionCheck, secureCookie, passkeys })
      mfaRoutes(http, {
        mfa,
        passkeys,
        sessions,
        notifyFactorAdded: deps.notifyFactorAdded,
        accountOf: (id) => deps.accounts.findById(id),
        reauthMaxAgeMs: config.sessions.reauthMaxAgeMs,
        now: () => clock.now(),
      })
      return sessionCheck
    },
  }
}
