/** Purposes of one-time tokens; a token is only ever accepted for the purpose it was issued for. */
export type TokenPurpose = 'verify_email' | 'recovery' | 'account_lock'

export interface IssuedToken {
  id: string
  tokenHash: string
  accountId: string
  purpose: TokenPurpose
  expiresAt: number
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
  /** Kills every outstanding token of the account (of the given purposes, or all). */
  revokeForAccount(accountId: string, now: number, purposes?: TokenPurpose[]): Promise<number>
}
