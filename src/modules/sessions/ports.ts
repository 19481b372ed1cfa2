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
}

export interface NewSession extends Omit<SessionRecord, 'revokedAt'> {
  tokenHash: string
}

export interface SessionPrincipal {
  session: SessionRecord
  account: { id: string; username: string; role: 'user' | 'admin'; mustChangePassword: boolean }
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
  /** Deletes sessions that ended before `cutoff`. */
  deleteEndedBefore(cutoff: number): Promise<number>
}
