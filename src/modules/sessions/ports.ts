import type { Locale } from '../../kernel/locale.js'
import type { Role } from '../accounts/ports.js'

export interface SessionRecord {
  id: string
  accountId: string
  createdAt: number
  lastSeenAt: number
  expiresAt: number
  idleExpiresAt: number
  ip: string | null
  userAgent: string | null
  /** Restricted sessions may only change the password (the account must change it). */
  restricted: boolean
  revokedAt: number | null
  /** When the holder last proved who they are in this session (login or re-authentication). */
  authenticatedAt: number
  /** The account's role requires a second factor and it has none: only enrolment is allowed. */
  mfaEnrolment: boolean
  /**
   * What the holder proved, as RFC 8176 authentication method references (see amr.ts): at login,
   * and any method added by a re-authentication since. `['pwd']` for sessions older than the record.
   */
  amr: string[]
}

export interface NewSession extends Omit<SessionRecord, 'revokedAt'> {
  tokenHash: string
}

export interface SessionPrincipal {
  session: SessionRecord
  account: {
    id: string
    username: string
    role: Role
    mustChangePassword: boolean
    /** The language of the account's mails and texts; null (or absent) when none was named. */
    locale?: Locale | null
  }
}

export interface SessionRepository {
  create(session: NewSession): Promise<void>
  /** The live session for this token hash with its account, or null when unknown, revoked or expired at `now`. */
  findActive(tokenHash: string, now: number): Promise<SessionPrincipal | null>
  /** Records use; extends the idle expiry (never past the absolute one). */
  touch(id: string, now: number, idleExpiresAt: number): Promise<void>
  listActive(accountId: string, now: number): Promise<SessionRecord[]>
  /** Revokes one of the account's sessions; false when it is not the account's or not live. */
  revoke(accountId: string, sessionId: string, now: number): Promise<boolean>
  /** Revokes every live session of the account except `exceptId`; returns how many. */
  revokeAll(accountId: string, now: number, exceptId?: string): Promise<number>
  /**
   * Records a fresh proof of identity (re-authentication) in a live session; the methods it proved
   * join the session's `amr` (those it holds keep their order, new ones follow).
   */
  markAuthenticated(id: string, at: number, amr?: readonly string[]): Promise<void>
  /** Lifts the enrolment-only restriction of one session (its holder has just enrolled a factor). */
  liftMfaEnrolment(id: string): Promise<void>
  /** Deletes sessions that ended before `cutoff`. */
  deleteEndedBefore(cutoff: number): Promise<number>
}
