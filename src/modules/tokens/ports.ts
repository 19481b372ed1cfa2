/** Purposes of one-time tokens; a token is only ever accepted for the purpose it was issued for. */
export type TokenPurpose =
  | 'verify_email'
  | 'recovery'
  | 'account_lock'
  | 'verify_phone'
  | 'account_deletion_cancel'

export interface IssuedToken {
  id: string
  tokenHash: string
  accountId: string
  purpose: TokenPurpose
  expiresAt: number
  createdAt: number
  /** How the token was delivered ('email' proves control of the address). */
  channel?: 'email' | 'sms' | null
}

export interface LiveToken {
  accountId: string
  attempts: number
  channel: 'email' | 'sms' | null
  createdAt: number
}

export interface OneTimeTokens {
  issue(token: IssuedToken): Promise<void>
  /**
   * Marks the token used and returns its owner, atomically: under concurrent calls
   * with the same hash exactly one caller gets the account id, the rest get null.
   * Null also for an unknown, expired or already used token, or one of another purpose.
   */
  consume(tokenHash: string, purpose: TokenPurpose, now: number): Promise<string | null>
  /** The live token for this hash and purpose, without using it; null when unknown, used or expired. */
  peek(tokenHash: string, purpose: TokenPurpose, now: number): Promise<LiveToken | null>
  /** Counts a failed use (a wrong second factor); returns the new count. */
  recordFailedAttempt(tokenHash: string): Promise<number>
  /**
   * Takes one of the live token's `max` guesses before a guess is checked, atomically: of
   * concurrent callers at most `max - attempts` get the new count, the rest null (as for an
   * unknown, used or expired token).
   */
  takeAttempt(tokenHash: string, purpose: TokenPurpose, now: number, max: number): Promise<number | null>
  /** Creation time of the newest live token of this purpose, or null. */
  newestLive(accountId: string, purpose: TokenPurpose, now: number): Promise<number | null>
  /** Kills every outstanding token of the account (of the given purposes, or all). */
  revokeForAccount(accountId: string, now: number, purposes?: TokenPurpose[]): Promise<number>
}
