import type { AuthenticationResponseJSON } from '@simplewebauthn/server'
import type { Clock } from '../../kernel/clock.js'
import { AppError } from '../../kernel/errors.js'
import { hashToken, newId, newToken } from '../../kernel/tokens.js'
import type { PasswordHasher } from '../accounts/password-hasher.js'
import { normalizePassword } from '../accounts/password-policy.js'
import type { AccountRecord, AccountRepository } from '../accounts/ports.js'
import type { RequestContext } from '../events/ports.js'
import type { EventRecorder } from '../events/recorder.js'
import type { RateLimiter } from '../guard/ports.js'
import type { PasskeyUse } from '../mfa/passkeys.js'
import { type CodeCheck, codeAlreadyUsed } from '../mfa/second-factors.js'
import { type AuthMethod, reauthAmr } from './amr.js'
import type { SessionCache } from './cache.js'
import type { SessionPrincipal, SessionRecord, SessionRepository } from './ports.js'

export interface SessionSettings {
  idleTtlMs: number
  absoluteTtlMs: number
  passwordMaxLength: number
  /** Last-seen is written at most this often per session, to keep validation a read. */
  touchIntervalMs: number
}

/** A session just opened: its token (shown once) and what storage keeps of it. */
export interface OpenedSession {
  token: string
  session: SessionRecord
}

/**
 * What sessions need of the account's second factors: whether its policy still wants one enrolled
 * (its sessions may then only enrol one), and the checks of a re-authentication.
 */
export interface SessionFactors {
  /** True when the account's role requires a second factor and it has none yet. */
  mustEnrol(account: AccountRecord): Promise<boolean>
  /** A TOTP code or a recovery code: `used` for a right TOTP code whose time step was spent already. */
  verifyCode(
    accountId: string,
    method: 'totp' | 'recovery_code',
    code: string,
    ctx: RequestContext,
  ): Promise<CodeCheck>
  /** A passkey assertion answering re-authentication options; null when it does not hold. */
  verifyPasskey(
    accountId: string,
    input: { challengeId: string; assertion: AuthenticationResponseJSON },
    ctx: RequestContext,
  ): Promise<PasskeyUse | null>
}

/** What storage keeps of a presented session token; null for one no session can have (empty or too long). */
const storedHashOf = (token: string): string | null =>
  token.length === 0 || token.length > 128 ? null : hashToken(token)

/**
 * Sessions: opened for an account that has proved who it is (the login flow decides when), checked,
 * re-authenticated, listed and revoked. Tokens are 256-bit random strings; storage keeps only their
 * SHA-256.
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
      factors: SessionFactors
      /** Re-authentication attempts per account; a stolen session buys no password guessing. */
      reauthGuesses: RateLimiter
    },
  ) {}

  /** Opens a session for an account that has just proved who it is, by the methods `amr` (RFC 8176). */
  async open(
    account: AccountRecord,
    ctx: RequestContext,
    amr: readonly AuthMethod[],
  ): Promise<OpenedSession> {
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
      mfaEnrolment: await this.deps.factors.mustEnrol(account),
      amr: [...amr],
    }
    await sessions.create({ ...session, tokenHash: hashToken(token) })
    return { token, session }
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
    if (!(await reauthGuesses.consume(principal.account.id)).allowed) {
      await events.record('authn_reauth_fail', principal.account.id, ctx, { reason: 'account_limit' })
      throw new AppError(failure)
    }
    const account = await accounts.findById(principal.account.id)
    let ok = false
    let used = false
    let passkey: PasskeyUse | null = null
    if (account && byPassword) {
      const tooLong = proof.password.length > this.deps.settings.passwordMaxLength * 4
      ok = !tooLong && (await hasher.verify(account.passwordHash, normalizePassword(proof.password)))
    } else if (account && 'assertion' in proof) {
      passkey = await this.deps.factors.verifyPasskey(account.id, proof, ctx)
      ok = passkey !== null
    } else if (account && 'code' in proof) {
      const check = await this.deps.factors.verifyCode(account.id, proof.method, proof.code, ctx)
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
    await sessions.markAuthenticated(principal.session.id, now, reauthAmr(proof, passkey))
    await reauthGuesses.reset(principal.account.id)
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
    if (!account || (await this.deps.factors.mustEnrol(account))) return
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
