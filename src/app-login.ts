import type { Config } from './config/index.js'
import type { FastPaths, HttpServer } from './http/server.js'
import { type Clock, DAY, SECOND } from './kernel/clock.js'
import { AppError } from './kernel/errors.js'
import type { Purge } from './kernel/housekeeping.js'
import type { Metrics } from './metrics.js'
import type { PasswordHasher } from './modules/accounts/password-hasher.js'
import type { PasswordPolicy } from './modules/accounts/password-policy.js'
import type { AccountRecord, AccountRepository } from './modules/accounts/ports.js'
import type { DevicesService } from './modules/devices/service.js'
import type { EventRecorder } from './modules/events/recorder.js'
import type { Guard } from './modules/guard/guard.js'
import type { LimiterStore } from './modules/guard/ports.js'
import { SourceLimits } from './modules/guard/source-limits.js'
import { LOGIN_CHALLENGE_GUESSES, type MfaModule } from './modules/mfa/module.js'
import type { MfaChallengeRepository, MfaFactorRepository } from './modules/mfa/ports.js'
import { mfaRoutes } from './modules/mfa/routes.js'
import { satisfies } from './modules/mfa/strength.js'
import type { RecoveryService } from './modules/recovery/service.js'
import { type ChangeCount, SessionCache } from './modules/sessions/cache.js'
import { SESSION_CHECK_URL, SessionCheckFastPath } from './modules/sessions/fast-check.js'
import type { SessionRepository } from './modules/sessions/ports.js'
import { sessionRoutes } from './modules/sessions/routes.js'
import { type LoginOutcome, SessionsService } from './modules/sessions/service.js'

/**
 * Login: sessions with their second step (MFA challenges, new-device step-up, remembered devices),
 * the session check fast path, and the session and MFA routes. Kept together, as one block the
 * composition root calls, until login is a module of its own.
 */
export interface LoginWiringDeps {
  config: Config
  store: { accounts: AccountRepository; sessions: SessionRepository }
  principalChanges: ChangeCount
  hasher: PasswordHasher
  policy: PasswordPolicy
  events: EventRecorder
  clock: Clock
  metrics: Metrics
  limiter: LimiterStore
  mfaModule: MfaModule
  devices: DevicesService
  mfaFactors: MfaFactorRepository
  loginChallenges: MfaChallengeRepository
}

/** What the login routes need that exists only once the other modules and the server do. */
export interface LoginRoutesDeps {
  fastPaths: FastPaths
  draining: () => boolean
  guard: Guard
  recovery: RecoveryService
}

/** The outcome of a login as metrics count it: the failures a stranger could cause are one. */
const loginMetricOutcome = (outcome: LoginOutcome): string =>
  outcome === 'unknown_identifier' || outcome === 'bad_password' ? 'invalid_credentials' : outcome

const createSessions = (deps: LoginWiringDeps): SessionsService => {
  const { config, store, hasher, policy, events, clock, metrics, limiter, devices, mfaFactors } = deps
  const { mfa, passkeys, loginCodes, policyOf, hasPasswordFactor } = deps.mfaModule
  return new SessionsService({
    accounts: store.accounts,
    sessions: store.sessions,
    hasher,
    events,
    clock,
    cache: new SessionCache({
      changes: deps.principalChanges,
      ttlMs: config.sessionCacheMs,
      maxEntries: 10_000,
    }),
    settings: {
      idleTtlMs: config.sessionIdleTtlSeconds * SECOND,
      absoluteTtlMs: config.sessionAbsoluteTtlSeconds * SECOND,
      requireVerifiedEmail: config.requireVerifiedEmail,
      passwordMaxLength: config.passwordMaxLength,
      touchIntervalMs: Math.min(60 * SECOND, (config.sessionIdleTtlSeconds * SECOND) / 10),
    },
    // A wrong password and an unknown identifier are one outcome: a metric must not tell them apart.
    onLogin: (outcome) => metrics.logins.inc({ outcome: loginMetricOutcome(outcome) }),
    secondStep: async (account, ctx, deviceToken) => {
      const [methods, device] = await Promise.all([
        mfa.methods(account.id, policyOf(account)),
        devices.recognise(account.id, deviceToken),
      ])
      const pass = { kind: 'pass' as const, device }
      if (methods.length > 0) {
        if (device?.rememberedUntil && device.rememberedUntil > clock.now()) {
          await events.record('authn_mfa_skipped_remembered', account.id, ctx, { device_id: device.id })
          return pass
        }
        const challenge = await mfa.startChallenge(account, ctx, methods)
        return challenge ? { kind: 'challenge' as const, ...challenge } : pass
      }
      // No factor: a new device (not the account's first) confirms the login with a mailed code.
      if (!config.stepUpNewDevice || device || account.emailVerifiedAt === null) return pass
      if (!(await devices.hasAny(account.id))) return pass
      const challenge = await mfa.startChallenge(account, ctx, ['email'])
      if (!challenge) return pass
      await loginCodes.send(challenge.challengeId, 'email', account, ctx)
      await events.record('authn_step_up', account.id, ctx, { challenge_id: challenge.challengeId })
      return { kind: 'challenge' as const, ...challenge }
    },
    // A device is remembered only by a login that satisfied the account's MFA policy: a staff login
    // through email or SMS codes (enrolment-only) does not let a later one skip the strong factor.
    afterOpen: (account, session, ctx, device) =>
      devices.afterLogin(account, session.id, device.token, ctx, {
        remember: device.remember && config.rememberDeviceDays > 0 && !session.mfaEnrolment,
        known: device.known,
      }),
    mustEnrolFactor: async (account) => {
      const policy = policyOf(account)
      return policy.required && !satisfies(await mfaFactors.listAll(account.id), policy.floor)
    },
    verifyFactor: (accountId, method, code, ctx) => mfa.verifyCode(accountId, code, ctx, method),
    verifyPasskey: (accountId, input, ctx) => passkeys.verifyReauth(accountId, input, ctx),
    reauthGuesses: limiter.limiter('reauth:account', { points: 10, seconds: 15 * 60 }),
    // Length floors that depend on the account's factors (rev. 4) are checked again at login.
    ...(config.passwordPolicy === 'nist-800-63b-4'
      ? {
          passwordBelowPolicy: async (account: AccountRecord, password: string) =>
            !policy.longEnough(password, false) &&
            !policy.longEnough(password, await hasPasswordFactor(account.id)),
        }
      : {}),
  })
}

const loginRoutes = (
  http: HttpServer,
  sessions: SessionsService,
  deps: LoginWiringDeps,
  later: LoginRoutesDeps,
) => {
  const { config, store, events, clock, metrics, limiter, devices, loginChallenges } = deps
  const { mfa, passkeys, loginCodes, policyOf, notifySecurityChange } = deps.mfaModule
  const { fastPaths, guard, recovery } = later
  const limited = (scope: string) => metrics.rateLimited.inc({ scope })
  const sessionChecksAnswered = metrics.httpDuration.labels('GET', SESSION_CHECK_URL, '200')
  const sessionCheck = new SessionCheckFastPath({
    sessions,
    open: () => !later.draining(),
    checksClientVersion: config.minClientVersion !== undefined,
    observe: (seconds) => sessionChecksAnswered.observe(seconds),
  })
  fastPaths.set(SESSION_CHECK_URL, sessionCheck.handle)
  sessionRoutes(http, {
    guard,
    sessions,
    sessionCheck,
    secureCookie: config.publicUrl.startsWith('https:'),
    completeSecondStep: (input, ctx) => mfa.completeChallenge(input, ctx),
    passkeys,
    sendCode: async (challengeId, method, ctx) => {
      const live = await loginChallenges.peek(challengeId, clock.now(), LOGIN_CHALLENGE_GUESSES)
      const account = live ? await store.accounts.findById(live.accountId) : null
      if (!live || !account) throw new AppError('invalid_code')
      const offered = await mfa.challengeMethods(account.id, policyOf(account))
      if (!offered.includes(method)) {
        throw new AppError('invalid_request', { detail: `This login cannot be confirmed by ${method}` })
      }
      await loginCodes.send(challengeId, method, account, ctx)
    },
    notMe: async (token, ctx) => {
      const { accountId, sessionId } = await devices.useNotMeLink(token)
      await store.sessions.revoke(accountId, sessionId, clock.now())
      await events.record('authn_login_not_me', accountId, ctx, { session_id: sessionId })
      await recovery.lockAfterUnrecognisedLogin(accountId, ctx)
      await devices.forgetRemembered(accountId, ctx)
    },
    passkeyLimits: new SourceLimits(
      limiter,
      'passkey_login',
      {
        perIp: { points: 30, seconds: 60 },
        perSubnet: { points: 150, seconds: 60 },
        global: { points: 100_000, seconds: 60 },
      },
      (scope) => limited(`passkey_login_${scope}`),
    ),
  })
  mfaRoutes(http, {
    mfa,
    passkeys,
    sessions,
    notifyFactorAdded: (accountId) => notifySecurityChange(accountId, 'factor_added'),
    accountOf: (id) => store.accounts.findById(id),
    reauthMaxAgeMs: config.reauthMaxAgeSeconds * SECOND,
    now: () => clock.now(),
  })
  return sessionCheck
}

export const createLoginWiring = (deps: LoginWiringDeps) => {
  const sessions = createSessions(deps)
  const purge: Purge = async (now) => ({
    deleted_sessions: await deps.store.sessions.deleteEndedBefore(now - 30 * DAY),
  })
  return {
    sessions,
    purge,
    /** Registers the session and MFA routes; returns the session check fast path. */
    routes: (http: HttpServer, later: LoginRoutesDeps) => loginRoutes(http, sessions, deps, later),
  }
}
