import type { AuthenticationResponseJSON } from '@simplewebauthn/server'
import type { Clock } from '../../kernel/clock.js'
import { AppError } from '../../kernel/errors.js'
import { hashToken, newId, newToken } from '../../kernel/tokens.js'
import { classifyIdentifier } from '../accounts/identifiers.js'
import { findAccountByIdentifier } from '../accounts/lookup.js'
import type { PasswordHasher } from '../accounts/password-hasher.js'
import { normalizePassword } from '../accounts/password-policy.js'
import type { AccountRecord, AccountRepository } from '../accounts/ports.js'
import type { DeviceRecord } from '../devices/ports.js'
import type { RequestContext } from '../events/ports.js'
import type { EventRecorder } from '../events/recorder.js'
import type { RateLimiter } from '../guard/ports.js'
import { type CodeCheck, codeAlreadyUsed } from '../mfa/second-factors.js'
import type { SessionCache } from './cache.js'
import type { SessionPrincipal, SessionRecord, SessionRepository } from './ports.js'

export interface SessionSettings {
  idleTtlMs: number
  absoluteTtlMs: number
  requireVerifiedEmail: boolean
  passwordMaxLength: number
  /** Last-seen is written at most this often per session, to keep validation a read. */
  touchIntervalMs: number
}

export type LoginOutcome =
  | 'success'
  | 'unknown_identifier'
  | 'bad_password'
  | 'unverified'
  | 'locked'
  | 'reset_required'

/** The answer to a right password on an account a campaign put under a required reset. */
const resetRequired = () =>
  new AppError('password_reset_required', {
    detail:
      'A password reset is required for this account: request a reset message with POST /v1/recovery, then set a new password with POST /v1/recovery/complete',
  })

/**
 * The answer to a right password on an account whose email address is not verified yet. Never by
 * email address: sign-up with an address that has an account creates none, so that login would
 * tell whoever signed up whether the address has one. By the username it is safe: a sign-up with
 * a registered address keeps its password with the name it reserved, and answers alike.
 */
const emailUnverified = () =>
  new AppError('email_unverified', {
    detail:
      'The email address of this account is not verified yet: follow the link in the verification mail, or ask for a new one with POST /v1/accounts/verify/resend, then log in again',
  })

export interface NewSessionResult {
  token: string
  session: SessionRecord
  /** A new device token when the session came from a device the account did not know. */
  deviceToken: string | null
}

/**
 * The device a session is opened from: the token presented (if any), whether to remember it, and
 * the account's device for that token when it has been read already (`known`; undefined: not read).
 */
export interface OpeningDevice {
  token: string | null
  remember: boolean
  known?: DeviceRecord | null
}

/** After a session is opened: records the device; returns a new device token for an unknown one. */
export type AfterOpen = (
  account: AccountRecord,
  session: SessionRecord,
  ctx: RequestContext,
  device: OpeningDevice,
) => Promise<{ deviceToken: string | null }>

export type LoginResult =
  | ({ kind: 'session' } & NewSessionResult)
  | { kind: 'mfa'; challengeId: string; methods: string[] }

/**
 * After a correct password: a challenge for a second factor, or none needed (`pass`, with the
 * account's device for the presented token, which the session opening reuses).
 */
export type SecondStep = (
  account: AccountRecord,
  ctx: RequestContext,
  deviceToken: string | null,
) => Promise<
  | { kind: 'challenge'; challengeId: string; methods: string[] }
  | { kind: 'pass'; device: DeviceRecord | null }
>

/** What storage keeps of a presented session token; null for one no session can have (empty or too long). */
const storedHashOf = (token: string): string | null =>
  token.length === 0 || token.length > 128 ? null : hashToken(token)

/**
 * Login and sessions. Every failed login is the same `invalid_credentials`,
 * and an unknown identifier costs one argon2 verification like a known one.
 * Tokens are 256-bit random strings; storage keeps only their SHA-256.
 */
export class SessionsService {
  constructor(
    private readonly deps: {
      accounts: AccountRepository
      sessions: SessionRepository
      hasher: PasswordHasher
      events: EventRecorder
      clock: Clock
      settings: SessionSettings
      /** Recent session checks' answers (none: every check reads the database). */
      cache?: SessionCache
      onLogin?: (outcome: LoginOutcome) => void
      secondStep?: SecondStep
      /**
       * True when the account's role requires a second factor and it has none yet: its sessions may
       * then only enrol one.
       */
      mustEnrolFactor?: (account: AccountRecord) => Promise<boolean>
      /**
       * Checks a second-factor code for re-authentication (a TOTP code or a recovery code): `used`
       * for a right TOTP code whose time step was spent already.
       */
      verifyFactor?: (
        accountId: string,
        method: 'totp' | 'recovery_code',
        code: string,
        ctx: RequestContext,
      ) => Promise<CodeCheck>
      /** Checks a passkey assertion for re-authentication. */
      verifyPasskey?: (
        accountId: string,
        input: { challengeId: string; assertion: AuthenticationResponseJSON },
        ctx: RequestContext,
      ) => Promise<boolean>
      /** Re-authentication attempts per account; a stolen session buys no password guessing. */
      reauthGuesses?: RateLimiter
      /**
       * After a right password (NFKC): true when it no longer meets the password policy for the
       * account as it is now (NIST SP 800-63B rev. 4: shorter than 15 code points without a second
       * factor that counts). The account must then change it: its sessions are restricted to that.
       */
      passwordBelowPolicy?: (account: AccountRecord, password: string) => Promise<boolean>
      afterOpen?: AfterOpen
    },
  ) {}

  /** The account a login identifier names (a username, an email address or a verified phone), or null. */
  findLoginAccount(identifier: string): Promise<AccountRecord | null> {
    return findAccountByIdentifier(this.deps.accounts, identifier)
  }

  /**
   * `observe` hears the outcome once the password is checked (before the answer), with the
   * account when the identifier named one: the guard counts it there. `named` is what
   * `findLoginAccount` answered for the identifier, when the caller has asked already.
   */
  async login(
    input: { identifier: string; password: string },
    ctx: RequestContext,
    deviceToken: string | null = null,
    observe?: (outcome: LoginOutcome, accountId: string | null) => Promise<void>,
    named?: { account: AccountRecord | null },
  ): Promise<LoginResult> {
    const { accounts, hasher, events, settings } = this.deps
    // A password longer than any we accept cannot match; do the same work on a bounded input.
    const tooLong = input.password.length > settings.passwordMaxLength * 4
    const password = tooLong ? '' : normalizePassword(input.password)
    const id = classifyIdentifier(input.identifier)
    // A username's reservation is read whether or not an account has the name: the same reads.
    const [account, reservedHash] = await Promise.all([
      named ? named.account : this.findLoginAccount(input.identifier),
      id?.kind === 'username' ? accounts.reservedPasswordHash(id.value) : null,
    ])

    let outcome: LoginOutcome
    if (!account && !tooLong && reservedHash !== null) {
      // A sign-up whose address had an account reserved the name and created none: its password
      // answers as an unverified account's does, so the login tells nothing about the address.
      const right = await hasher.verify(reservedHash, password)
      outcome = right && settings.requireVerifiedEmail ? 'unverified' : 'unknown_identifier'
    } else if (!account || tooLong) {
      // The same verification for a missing account and an over-long password, whoever it names.
      await hasher.verifyDummy(password)
      outcome = account ? 'bad_password' : 'unknown_identifier'
    } else if (!(await hasher.verify(account.passwordHash, password))) {
      outcome = 'bad_password'
    } else if (account.lockedAt !== null) {
      outcome = 'locked'
    } else if (settings.requireVerifiedEmail && account.emailVerifiedAt === null) {
      outcome = 'unverified'
    } else if (account.passwordResetRequired) {
      // Only once the password is checked: a wrong one is answered as before, so this is no oracle.
      outcome = 'reset_required'
    } else {
      outcome = 'success'
    }
    this.deps.onLogin?.(outcome)
    await observe?.(outcome, account?.id ?? null)
    if (outcome === 'reset_required' && account) {
      await events.record('authn_login_fail', account.id, ctx, { reason: outcome })
      throw resetRequired()
    }
    if (outcome === 'unverified' && id?.kind !== 'email') {
      await events.record('authn_login_fail', account?.id ?? null, ctx, { reason: outcome })
      throw emailUnverified()
    }
    if (outcome !== 'success' || !account) {
      await events.record('authn_login_fail', account?.id ?? null, ctx, { reason: outcome })
      throw new AppError('invalid_credentials')
    }
    let checked = account
    if (hasher.needsRehash(account.passwordHash)) {
      const rehashed = await hasher.hash(password)
      await accounts.setPasswordHash(account.id, rehashed, this.deps.clock.now(), { changed: false })
      await events.record('authn_password_rehashed', account.id, ctx)
      checked = { ...account, passwordHash: rehashed }
    }
    // The password's length is known only here: one that no longer meets the policy (a factor was
    // removed since it was set) must be changed, as a password an operator set must.
    if (!checked.mustChangePassword && (await this.deps.passwordBelowPolicy?.(checked, password))) {
      if (await accounts.requirePasswordChange(checked.id, checked.passwordHash, this.deps.clock.now())) {
        await events.record('authn_password_change_required', checked.id, ctx, { reason: 'below_policy' })
        checked = { ...checked, mustChangePassword: true }
      }
    }
    const step = await this.deps.secondStep?.(checked, ctx, deviceToken)
    if (step?.kind === 'challenge') {
      await events.record('authn_mfa_challenge', account.id, ctx, { methods: step.methods })
      return { kind: 'mfa', challengeId: step.challengeId, methods: step.methods }
    }
    const result = await this.open(checked, ctx, { token: deviceToken, remember: false, known: step?.device })
    await events.record('authn_login_success', account.id, ctx, { session_id: result.session.id })
    if (result.session.mfaEnrolment) {
      await events.record('authn_mfa_enrolment_required', account.id, ctx, {
        session_id: result.session.id,
        role: account.role,
      })
    }
    return { kind: 'session', ...result }
  }

  /** Opens the session once the second factor of a login challenge is proven. */
  async openAfterSecondFactor(
    accountId: string,
    method: string,
    ctx: RequestContext,
    device: OpeningDevice = { token: null, remember: false },
  ): Promise<NewSessionResult> {
    const account = await this.deps.accounts.findById(accountId)
    if (!account || account.lockedAt !== null) throw new AppError('invalid_code')
    // A challenge opened before a campaign required the reset opens no session either.
    if (account.passwordResetRequired) throw resetRequired()
    const result = await this.open(account, ctx, device)
    await this.deps.events.record('authn_login_success', account.id, ctx, {
      session_id: result.session.id,
      second_factor: method,
    })
    return result
  }

  /**
   * Opens a session after a passwordless login with a passkey (which is possession and user
   * verification in one). Locked and, when required, unverified accounts are refused alike.
   */
  async openPasswordless(
    accountId: string,
    ctx: RequestContext,
    deviceToken: string | null = null,
  ): Promise<NewSessionResult> {
    const { accounts, settings, events } = this.deps
    const account = await accounts.findById(accountId)
    if (
      !account ||
      account.lockedAt !== null ||
      (settings.requireVerifiedEmail && account.emailVerifiedAt === null)
    ) {
      this.deps.onLogin?.(account?.lockedAt ? 'locked' : 'unverified')
      await events.record('authn_passkey_login_fail', account?.id ?? null, ctx, {
        reason: account?.lockedAt ? 'locked' : 'unverified',
      })
      throw new AppError('invalid_credentials')
    }
    if (account.passwordResetRequired) {
      this.deps.onLogin?.('reset_required')
      await events.record('authn_passkey_login_fail', account.id, ctx, { reason: 'reset_required' })
      throw resetRequired()
    }
    this.deps.onLogin?.('success')
    const result = await this.open(account, ctx, { token: deviceToken, remember: false })
    await events.record('authn_login_success', account.id, ctx, {
      session_id: result.session.id,
      method: 'passkey',
    })
    return result
  }

  /** A passwordless login that failed: counted and recorded, without an account to name. */
  async recordPasskeyFailure(ctx: RequestContext): Promise<void> {
    this.deps.onLogin?.('unknown_identifier')
    await this.deps.events.record('authn_passkey_login_fail', null, ctx, { reason: 'assertion' })
  }

  /** Opens a session for an account that has just proved who it is. */
  async open(
    account: AccountRecord,
    ctx: RequestContext,
    device: OpeningDevice = { token: null, remember: false },
  ): Promise<NewSessionResult> {
    const { sessions, clock, settings } = this.deps
    const now = clock.now()
    const token = newToken()
    const expiresAt = now + settings.absoluteTtlMs
    const session: SessionRecord = {
      id: newId(),
      accountId: account.id,
      createdAt: now,
      lastSeenAt: now,
      expiresAt,
      idleExpiresAt: Math.min(now + settings.idleTtlMs, expiresAt),
      ip: ctx.ip,
      userAgent: ctx.userAgent,
      restricted: account.mustChangePassword,
      revokedAt: null,
      authenticatedAt: now,
      mfaEnrolment: (await this.deps.mustEnrolFactor?.(account)) ?? false,
    }
    await sessions.create({ ...session, tokenHash: hashToken(token) })
    const opened = await this.deps.afterOpen?.(account, session, ctx, device)
    return { token, session, deviceToken: opened?.deviceToken ?? null }
  }

  /**
   * The live session of a token when the session cache can answer at once and nothing is due (the
   * touch); undefined when the database must be asked (`authenticate` does).
   */
  cachedPrincipal(token: string): SessionPrincipal | undefined {
    const { clock, settings, cache } = this.deps
    const tokenHash = storedHashOf(token)
    if (!cache || tokenHash === null) return undefined
    const now = clock.now()
    const principal = cache.get(tokenHash, now)
    if (principal === null || now - principal.session.lastSeenAt >= settings.touchIntervalMs) return undefined
    return principal
  }

  /**
   * The live session of a token, from the session cache when it holds a fresh answer (`fresh`: always
   * from the database); records its use at most every touch interval.
   */
  async authenticate(token: string, opts: { fresh?: boolean } = {}): Promise<SessionPrincipal | null> {
    const { sessions, clock, settings, cache } = this.deps
    const tokenHash = storedHashOf(token)
    if (tokenHash === null) return null
    const now = clock.now()
    let principal = opts.fresh ? null : (cache?.get(tokenHash, now) ?? null)
    if (principal === null) {
      const mark = cache?.begin()
      principal = await sessions.findActive(tokenHash, now)
      if (mark) cache?.put(tokenHash, principal, mark)
      if (principal === null) return null
    }
    const s = principal.session
    if (now - s.lastSeenAt >= settings.touchIntervalMs) {
      const mark = cache?.begin()
      const idleExpiresAt = Math.min(now + settings.idleTtlMs, s.expiresAt)
      await sessions.touch(s.id, now, idleExpiresAt)
      // A new object: cached principals are shared between requests.
      principal = { ...principal, session: { ...s, lastSeenAt: now, idleExpiresAt } }
      if (mark) cache?.put(tokenHash, principal, mark)
    }
    return principal
  }

  /**
   * Proves again who holds the session, with the password or a second factor, before a sensitive
   * change. Wrong answers are counted per account before they are checked.
   */
  async reauthenticate(
    principal: SessionPrincipal,
    proof:
      | { password: string }
      | { method: 'totp' | 'recovery_code'; code: string }
      | { method: 'webauthn'; challengeId: string; assertion: AuthenticationResponseJSON },
    ctx: RequestContext,
  ): Promise<number> {
    const { accounts, sessions, hasher, events, clock, reauthGuesses } = this.deps
    const byPassword = 'password' in proof
    const failure = byPassword ? 'invalid_credentials' : 'invalid_code'
    if (reauthGuesses && !(await reauthGuesses.consume(principal.account.id)).allowed) {
      await events.record('authn_reauth_fail', principal.account.id, ctx, { reason: 'account_limit' })
      throw new AppError(failure)
    }
    const account = await accounts.findById(principal.account.id)
    let ok = false
    let used = false
    if (account && byPassword) {
      const tooLong = proof.password.length > this.deps.settings.passwordMaxLength * 4
      ok = !tooLong && (await hasher.verify(account.passwordHash, normalizePassword(proof.password)))
    } else if (account && 'assertion' in proof) {
      ok = (await this.deps.verifyPasskey?.(account.id, proof, ctx)) ?? false
    } else if (account && 'code' in proof) {
      const check = (await this.deps.verifyFactor?.(account.id, proof.method, proof.code, ctx)) ?? 'wrong'
      ok = check === 'ok'
      used = check === 'used'
    }
    if (!ok) {
      await events.record('authn_reauth_fail', principal.account.id, ctx, {
        during: 'reauth',
        method: byPassword ? 'password' : proof.method,
        ...(used ? { reason: 'code_already_used' } : {}),
      })
      // A right TOTP code whose step was spent (the one that opened the session, say) says so.
      throw used ? codeAlreadyUsed() : new AppError(failure)
    }
    const now = clock.now()
    await sessions.markAuthenticated(principal.session.id, now)
    await reauthGuesses?.reset(principal.account.id)
    await events.record('authn_reauth', principal.account.id, ctx, {
      session_id: principal.session.id,
      method: byPassword ? 'password' : proof.method,
    })
    return now
  }

  /**
   * The holder of an enrolment-only session has just enrolled a factor: the session becomes a full
   * one when the account's policy is now satisfied (a staff account's email or SMS codes do not).
   */
  async liftEnrolmentRestriction(principal: SessionPrincipal): Promise<void> {
    if (!principal.session.mfaEnrolment) return
    const account = await this.deps.accounts.findById(principal.account.id)
    if (!account || (await this.deps.mustEnrolFactor?.(account))) return
    await this.deps.sessions.liftMfaEnrolment(principal.session.id)
  }

  async logout(principal: SessionPrincipal, ctx: RequestContext): Promise<void> {
    const { sessions, events, clock } = this.deps
    await sessions.revoke(principal.account.id, principal.session.id, clock.now())
    await events.record('session_logout', principal.account.id, ctx, { session_id: principal.session.id })
  }

  list(principal: SessionPrincipal): Promise<SessionRecord[]> {
    return this.deps.sessions.listActive(principal.account.id, this.deps.clock.now())
  }

  async revoke(principal: SessionPrincipal, sessionId: string, ctx: RequestContext): Promise<void> {
    const { sessions, events, clock } = this.deps
    if (!(await sessions.revoke(principal.account.id, sessionId, clock.now()))) {
      throw new AppError('session_not_found')
    }
    await events.record('session_revoked', principal.account.id, ctx, { session_id: sessionId })
  }

  async revokeOthers(principal: SessionPrincipal, ctx: RequestContext): Promise<number> {
    const { sessions, events, clock } = this.deps
    const n = await sessions.revokeAll(principal.account.id, clock.now(), principal.session.id)
    if (n > 0)
      await events.record('session_revoked', principal.account.id, ctx, { count: n, all_but_current: true })
    return n
  }
}
