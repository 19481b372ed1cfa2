import type { AuthenticationResponseJSON } from '@simplewebauthn/server'
import { AppError } from '../../kernel/errors.js'
import { findLoginAccount } from '../accounts/lookup.js'
import type { PasswordHasher } from '../accounts/password-hasher.js'
import type { AccountRecord, AccountRepository } from '../accounts/ports.js'
import type { DeviceRecord } from '../devices/ports.js'
import type { DevicesService } from '../devices/service.js'
import type { RequestContext } from '../events/ports.js'
import type { EventRecorder, RecordsEvents } from '../events/recorder.js'
import type { Guard, ScreenInput } from '../guard/guard.js'
import type { SourceLimits } from '../guard/source-limits.js'
import type { PasskeyService } from '../mfa/passkeys.js'
import { LOGIN_CHALLENGE_GUESSES, type MfaChallengeRepository } from '../mfa/ports.js'
import type { MfaMethod, MfaService } from '../mfa/service.js'
import type { RecoveryService } from '../recovery/service.js'
import { type AuthMethod, PASSWORD_AMR, passwordlessAmr, secondFactorAmr } from '../sessions/amr.js'
import type { SessionRecord, SessionRepository } from '../sessions/ports.js'
import type { SessionsService } from '../sessions/service.js'
import {
  checkPassword,
  emailUnverified,
  type LoginOutcome,
  loginMetricOutcome,
  type PasswordCheck,
  resetRequired,
} from './password.js'
import { type SecondStepDeps, secondStep } from './second-step.js'

/**
 * What happens at login, step by step:
 *
 *  1. screen      the guard looks at the source, the identifier and the device (challenge, delay, block);
 *  2. password    checked with the same cost whoever the identifier names (password.ts);
 *  3. second step a second-factor challenge, a remembered device, or a new-device step-up by a mailed
 *                 code (second-step.ts); `completeSecondStep` and `sendCode` answer it;
 *  4. open        the session, and the device it came from (a new one gets a token, and a notice
 *                 with a "this wasn't me" link: `notMe`);
 *  5. observe     every outcome is counted (metric `logins`), recorded (events) and told to the guard.
 *
 * Passkey logins (`passkeyOptions`, `passkeyLogin`) skip steps 2 and 3: a passkey is both.
 */

/** A session a login opened: its token, and a device token for a device the account did not know. */
export interface NewSession {
  token: string
  session: SessionRecord
  deviceToken: string | null
}

export type LoginAnswer =
  | ({ kind: 'session' } & NewSession)
  | { kind: 'mfa'; challengeId: string; methods: string[] }

/** The device a login comes from: the token presented, if any, and whether to remember it. */
export interface LoginDevice {
  token: string | null
  remember: boolean
  /** The account's device for `token`, when it has been read already (undefined: not read). */
  known?: DeviceRecord | null
  /** Whether the account has any device, when that has been read already (undefined: not read). */
  hasDevices?: boolean
}

export interface LoginFlowDeps extends SecondStepDeps {
  events: EventRecorder
  accounts: AccountRepository
  hasher: PasswordHasher
  sessions: Pick<SessionsService, 'open'>
  /** The session an unrecognised login opened ends at once ("this wasn't me"). */
  sessionRecords: Pick<SessionRepository, 'revoke'>
  guard: Pick<Guard, 'screen' | 'loginOutcome' | 'sessionOpened'>
  mfa: Pick<MfaService, 'methods' | 'startChallenge' | 'challengeMethods' | 'completeChallenge'>
  challenges: Pick<MfaChallengeRepository, 'peek'>
  devices: Pick<DevicesService, 'recognise' | 'hasAny' | 'afterLogin' | 'useNotMeLink' | 'forgetRemembered'>
  passkeys: Pick<PasskeyService, 'passwordlessOptions' | 'verifyPasswordless' | 'secondFactorOptions'>
  /** Passwordless login attempts per source. */
  passkeyLimits: Pick<SourceLimits, 'check'>
  recovery: Pick<RecoveryService, 'lockAfterUnrecognisedLogin'>
  /**
   * After a right password: true when it no longer meets the password policy for the account as it
   * is now; the account must then change it (its sessions are restricted to that).
   */
  passwordBelowPolicy: (account: AccountRecord, password: string) => Promise<boolean>
  metrics: { logins: { inc(labels: { outcome: string }): void } }
  settings: {
    requireVerifiedEmail: boolean
    passwordMaxLength: number
    /** Devices may be remembered (GATEHOUSE_REMEMBER_DEVICE_DAYS above 0). */
    rememberDevice: boolean
  }
}

export class LoginFlow {
  constructor(private readonly deps: LoginFlowDeps) {}

  /**
   * A login with an identifier and a password: a session, or a second-factor challenge.
   * `requireSecondFactor`: an account with factors is asked for one even on a remembered device.
   */
  async passwordLogin(
    input: { identifier: string; password: string; requireSecondFactor?: boolean },
    ctx: RequestContext,
    from: { deviceToken: string | null; headers: ScreenInput['headers'] },
  ): Promise<LoginAnswer> {
    const { guard } = this.deps
    const { identifier } = input
    const { deviceToken } = from
    // The login's events are written together when it ends, whatever the outcome.
    return this.deps.events.holding(async (events) => {
      // 1. screen: one read of the account (and a username's reservation) for the screen and the login.
      const named = await findLoginAccount(this.deps.accounts, identifier)
      const accountId = named.account?.id ?? null
      await guard.screen({
        endpoint: 'login',
        ctx,
        identifier,
        accountId,
        deviceToken,
        headers: from.headers,
      })
      // 2. password
      const check = await checkPassword(this.deps, input, named)
      this.#count(check.outcome)
      // A right password is a success for the guard, whatever comes next (a second factor).
      await guard.loginOutcome(
        ctx,
        { identifier, deviceToken, accountId },
        check.outcome === 'success' ? 'success' : 'failure',
      )
      const passed = await this.#refuseFailure(check, ctx, events)
      const account = await this.#afterRightPassword(passed, check.password, ctx, events)
      // 3. second step
      const step = await secondStep(
        { ...this.deps, events },
        account,
        ctx,
        deviceToken,
        input.requireSecondFactor === true,
      )
      if (step.kind === 'challenge') {
        await events.record('authn_mfa_challenge', account.id, ctx, { methods: step.methods })
        return { kind: 'mfa', challengeId: step.challengeId, methods: step.methods }
      }
      // 4. open: the password alone proved who this is (a remembered device skipped the second factor).
      const device = { token: deviceToken, remember: false, known: step.device, hasDevices: step.hasDevices }
      const opened = await this.#open(account, ctx, device, PASSWORD_AMR, events)
      await events.record('authn_login_success', account.id, ctx, { session_id: opened.session.id })
      if (opened.session.mfaEnrolment) {
        await events.record('authn_mfa_enrolment_required', account.id, ctx, {
          session_id: opened.session.id,
          role: account.role,
        })
      }
      // 5. observe
      await this.#observeOpened(ctx, opened, deviceToken)
      return { kind: 'session', ...opened }
    })
  }

  /** Proves a login challenge's second factor and opens the session; `invalid_code` alike for every failure. */
  async completeSecondStep(
    input: {
      challengeId: string
      method: MfaMethod
      code?: string
      webauthn?: { challengeId: string; assertion: AuthenticationResponseJSON }
    },
    ctx: RequestContext,
    device: LoginDevice,
  ): Promise<NewSession> {
    const { accountId, passkey } = await this.deps.mfa.completeChallenge(input, ctx)
    const account = await this.deps.accounts.findById(accountId)
    if (!account || account.lockedAt !== null) throw new AppError('invalid_code')
    // A challenge opened before a campaign required the reset opens no session either.
    if (account.passwordResetRequired) throw resetRequired()
    return this.deps.events.holding(async (events) => {
      const opened = await this.#open(account, ctx, device, secondFactorAmr(input.method, passkey), events)
      await events.record('authn_login_success', account.id, ctx, {
        session_id: opened.session.id,
        second_factor: input.method,
      })
      await this.#observeOpened(ctx, opened, device.token)
      return opened
    })
  }

  /** Passkey options for the second factor of a login challenge. */
  secondFactorPasskeyOptions(challengeId: string) {
    return this.deps.passkeys.secondFactorOptions(challengeId)
  }

  /**
   * Sends a one-time code (email or SMS) for a live login challenge, within the account's send
   * caps; `invalid_code` for a dead challenge, `invalid_request` for a method it does not offer.
   */
  async sendCode(challengeId: string, method: 'email' | 'sms', ctx: RequestContext): Promise<void> {
    const { challenges, accounts, mfa, clock } = this.deps
    const live = await challenges.peek(challengeId, clock.now(), LOGIN_CHALLENGE_GUESSES)
    const account = live ? await accounts.findById(live.accountId) : null
    if (!live || !account) throw new AppError('invalid_code')
    const offered = await mfa.challengeMethods(account.id, this.deps.policyOf(account))
    if (!offered.includes(method)) {
      throw new AppError('invalid_request', { detail: `This login cannot be confirmed by ${method}` })
    }
    await this.deps.loginCodes.send(challengeId, method, account, ctx)
  }

  /**
   * "This wasn't me", the link of a new-sign-in notice: that session ends, the account is locked
   * and a recovery message goes to its own address; remembered devices are forgotten.
   */
  async notMe(token: string, ctx: RequestContext): Promise<void> {
    const { devices, events } = this.deps
    // biome-ignore lint/correctness/useHookAtTopLevel: a single-use link of the devices module, no React hook
    const { accountId, sessionId } = await devices.useNotMeLink(token)
    await this.deps.sessionRecords.revoke(accountId, sessionId, this.deps.clock.now())
    await events.record('authn_login_not_me', accountId, ctx, { session_id: sessionId })
    await this.deps.recovery.lockAfterUnrecognisedLogin(accountId, ctx)
    await devices.forgetRemembered(accountId, ctx)
  }

  /** Starts a passwordless login: screened and limited per source like a password login. */
  async passkeyOptions(ctx: RequestContext, headers: ScreenInput['headers'], ip: string) {
    await this.deps.guard.screen({ endpoint: 'passkey_login', ctx, headers })
    await this.deps.passkeyLimits.check(ip)
    return this.deps.passkeys.passwordlessOptions()
  }

  /**
   * A passwordless login with a passkey (possession and user verification in one). Every failure is
   * `invalid_credentials`: unknown passkey, bad assertion, locked or (when required) unverified account.
   */
  async passkeyLogin(
    input: { challengeId: string; assertion: AuthenticationResponseJSON },
    ctx: RequestContext,
    from: { ip: string; deviceToken: string | null },
  ): Promise<NewSession> {
    const { accounts, events, settings } = this.deps
    await this.deps.passkeyLimits.check(from.ip)
    const verified = await this.deps.passkeys.verifyPasswordless(input, ctx)
    if (!verified) {
      this.#count('unknown_identifier')
      await events.record('authn_passkey_login_fail', null, ctx, { reason: 'assertion' })
      throw new AppError('invalid_credentials')
    }
    const account = await accounts.findById(verified.accountId)
    if (
      !account ||
      account.lockedAt !== null ||
      (settings.requireVerifiedEmail && account.emailVerifiedAt === null)
    ) {
      const reason = account?.lockedAt ? 'locked' : 'unverified'
      this.#count(reason)
      await events.record('authn_passkey_login_fail', account?.id ?? null, ctx, { reason })
      throw new AppError('invalid_credentials')
    }
    if (account.passwordResetRequired) {
      this.#count('reset_required')
      await events.record('authn_passkey_login_fail', account.id, ctx, { reason: 'reset_required' })
      throw resetRequired()
    }
    this.#count('success')
    const device = { token: from.deviceToken, remember: false }
    return events.holding(async (held) => {
      const opened = await this.#open(account, ctx, device, passwordlessAmr(verified.use), held)
      await held.record('authn_login_success', account.id, ctx, {
        session_id: opened.session.id,
        method: 'passkey',
      })
      await this.#observeOpened(ctx, opened, from.deviceToken)
      return opened
    })
  }

  /** Step 2's refusals: recorded, then answered alike (a right password may say why it opens nothing). */
  async #refuseFailure(
    check: PasswordCheck,
    ctx: RequestContext,
    events: RecordsEvents,
  ): Promise<AccountRecord> {
    const { outcome, account } = check
    if (outcome === 'success' && account) return account
    await events.record('authn_login_fail', account?.id ?? null, ctx, { reason: outcome })
    if ((outcome === 'reset_required' || outcome === 'disabled') && account) throw resetRequired()
    if (outcome === 'unverified' && !check.byEmail) throw emailUnverified()
    throw new AppError('invalid_credentials')
  }

  /**
   * After a right password, while it is at hand: an old hash is upgraded, and a password that no
   * longer meets the policy (a factor was removed since it was set) must be changed.
   */
  async #afterRightPassword(
    account: AccountRecord,
    password: string,
    ctx: RequestContext,
    events: RecordsEvents,
  ) {
    const { accounts, hasher, clock } = this.deps
    let checked = account
    if (hasher.needsRehash(account.passwordHash)) {
      const rehashed = await hasher.hash(password)
      await accounts.setPasswordHash(account.id, rehashed, clock.now(), { changed: false })
      await events.record('authn_password_rehashed', account.id, ctx)
      checked = { ...account, passwordHash: rehashed }
    }
    if (!checked.mustChangePassword && (await this.deps.passwordBelowPolicy(checked, password))) {
      if (await accounts.requirePasswordChange(checked.id, checked.passwordHash, clock.now())) {
        await events.record('authn_password_change_required', checked.id, ctx, { reason: 'below_policy' })
        checked = { ...checked, mustChangePassword: true }
      }
    }
    return checked
  }

  /**
   * Step 4: the session, with what the login proved (`amr`, RFC 8176: see sessions/amr.ts), then
   * its device. A device is remembered only by a login that satisfied the account's MFA policy: a
   * staff login through email or SMS codes (enrolment-only) does not let a later one skip the strong
   * factor.
   */
  async #open(
    account: AccountRecord,
    ctx: RequestContext,
    device: LoginDevice,
    amr: readonly AuthMethod[],
    events: RecordsEvents,
  ): Promise<NewSession> {
    const { token, session } = await this.deps.sessions.open(account, ctx, amr)
    const { deviceToken } = await this.deps.devices.afterLogin(account, session.id, device.token, ctx, {
      remember: device.remember && this.deps.settings.rememberDevice && !session.mfaEnrolment,
      known: device.known,
      hasDevices: device.hasDevices,
      events,
    })
    return { token, session, deviceToken }
  }

  /** Step 5: the address and the device (new or presented) are now known for this account. */
  #observeOpened(ctx: RequestContext, opened: NewSession, presented: string | null): Promise<void> {
    return this.deps.guard.sessionOpened(ctx, opened.session.accountId, opened.deviceToken ?? presented)
  }

  /** A wrong password and an unknown identifier are one outcome: a metric must not tell them apart. */
  #count(outcome: LoginOutcome): void {
    this.deps.metrics.logins.inc({ outcome: loginMetricOutcome(outcome) })
  }
}
