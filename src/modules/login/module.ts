import type { Config } from '../../config/index.js'
import type { HttpServer } from '../../http/server.js'
import { type Clock, SECOND } from '../../kernel/clock.js'
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
import { type FactorPolicy, factorPolicyOf, PASSWORD_FACTOR_FLOOR, satisfies } from '../mfa/strength.js'
import type { RecoveryService } from '../recovery/service.js'
import { type ChangeCount, SessionCache } from '../sessions/cache.js'
import type { SessionCheckFastPath } from '../sessions/fast-check.js'
import type { SessionRepository } from '../sessions/ports.js'
import { sessionRoutes } from '../sessions/routes.js'
import { SessionsService } from '../sessions/service.js'
import { LoginFlow } from './flow.js'
import { loginRoutes } from './routes.js'

export { LOGIN_CHALLENGE_GUESSES } from './second-step.js'

export interface LoginModuleDeps {
  config: Pick<
    Config,
    | 'publicUrl'
    | 'sessionIdleTtlSeconds'
    | 'sessionAbsoluteTtlSeconds'
    | 'sessionCacheMs'
    | 'requireVerifiedEmail'
    | 'passwordMaxLength'
    | 'passwordPolicy'
    | 'stepUpNewDevice'
    | 'rememberDeviceDays'
    | 'mfaRequiredRoles'
    | 'reauthMaxAgeSeconds'
  >
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
  challenges: Pick<MfaChallengeRepository, 'peek'>
  passkeys: PasskeyService
  loginCodes: Pick<LoginCodeService, 'send'>
  devices: DevicesService
  recovery: Pick<RecoveryService, 'lockAfterUnrecognisedLogin'>
  /** Tells the holder, on every verified channel, that a factor was added. */
  notifyFactorAdded: (accountId: string) => Promise<void>
  metrics: {
    logins: { inc(labels: { outcome: string }): void }
    rateLimited: { inc(labels: { scope: string }): void }
  }
}

/** Passwordless login attempts per source (a passkey cannot be guessed; the ceremony costs). */
const PASSKEY_LOGIN_LIMITS: SourceLimitRules = {
  perIp: { points: 30, seconds: 60 },
  perSubnet: { points: 150, seconds: 60 },
  global: { points: 100_000, seconds: 60 },
}

/** Sessions, with the second-factor checks re-authentication and enrolment-only sessions need. */
const createSessions = (deps: LoginModuleDeps, policyOf: (account: AccountRecord) => FactorPolicy) => {
  const { config, factors, mfa, passkeys, clock } = deps
  return new SessionsService({
    accounts: deps.accounts,
    sessions: deps.sessions,
    hasher: deps.hasher,
    events: deps.events,
    clock,
    cache: new SessionCache({
      changes: deps.principalChanges,
      ttlMs: config.sessionCacheMs,
      maxEntries: 10_000,
    }),
    settings: {
      idleTtlMs: config.sessionIdleTtlSeconds * SECOND,
      absoluteTtlMs: config.sessionAbsoluteTtlSeconds * SECOND,
      passwordMaxLength: config.passwordMaxLength,
      touchIntervalMs: Math.min(60 * SECOND, (config.sessionIdleTtlSeconds * SECOND) / 10),
    },
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
  const { config, factors, mfa, passkeys, clock } = deps
  /** The MFA policy of an account: factor strength floor and whether a factor is required. */
  const policyOf = (account: AccountRecord) => factorPolicyOf(account, config.mfaRequiredRoles)
  const sessions = createSessions(deps, policyOf)
  // Length floors that depend on the account's factors (NIST SP 800-63B rev. 4: shorter than 15
  // code points without a factor that counts) are checked again at login.
  const lengthDependsOnFactors = config.passwordPolicy === 'nist-800-63b-4'
  const passwordBelowPolicy = async (account: AccountRecord, password: string) =>
    lengthDependsOnFactors &&
    !deps.policy.longEnough(password, false) &&
    !deps.policy.longEnough(password, satisfies(await factors.listAll(account.id), PASSWORD_FACTOR_FLOOR))
  const flow = new LoginFlow({
    ...deps,
    sessions,
    sessionRecords: deps.sessions,
    policyOf,
    passwordBelowPolicy,
    passkeyLimits: new SourceLimits(deps.limiter, 'passkey_login', PASSKEY_LOGIN_LIMITS, (scope) =>
      deps.metrics.rateLimited.inc({ scope: `passkey_login_${scope}` }),
    ),
    stepUpNewDevice: config.stepUpNewDevice,
    settings: {
      requireVerifiedEmail: config.requireVerifiedEmail,
      passwordMaxLength: config.passwordMaxLength,
      rememberDevice: config.rememberDeviceDays > 0,
    },
  })
  const secureCookie = config.publicUrl.startsWith('https:')
  return {
    sessions,
    flow,
    /** The login, session and second-factor routes; `sessionCheck` answers most session checks. */
    routes: (http: HttpServer, sessionCheck: SessionCheckFastPath) => {
      loginRoutes(http, { flow, secureCookie })
      sessionRoutes(http, { sessions, sessionCheck, secureCookie, passkeys })
      mfaRoutes(http, {
        mfa,
        passkeys,
        sessions,
        notifyFactorAdded: deps.notifyFactorAdded,
        accountOf: (id) => deps.accounts.findById(id),
        reauthMaxAgeMs: config.reauthMaxAgeSeconds * SECOND,
        now: () => clock.now(),
      })
    },
  }
}
