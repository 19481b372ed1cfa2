/** A second factor as stored. Only TOTP for now. */
export interface MfaFactorRecord {
  id: string
  accountId: string
  kind: 'totp'
  /** The base32 TOTP secret sealed by SecretBox with the account id as AAD. */
  secretSealed: string
  /** The last accepted TOTP time step (replay protection); null before first use. */
  lastUsedStep: number | null
  /** Null while enrolment is pending. */
  confirmedAt: number | null
  createdAt: number
}

export interface MfaFactorRepository {
  create(f: MfaFactorRecord): Promise<void>
  /** Confirmed TOTP factors of the account, oldest first. */
  listConfirmed(accountId: string): Promise<MfaFactorRecord[]>
  /** True when the account has at least one confirmed factor (of any kind). */
  hasConfirmed(accountId: string): Promise<boolean>
  /**
   * Atomically records `step` as used when it is newer than the last used step: true for exactly one
   * caller per step under concurrency.
   */
  markStepUsed(factorId: string, step: number): Promise<boolean>
  /** Ends a pending enrolment; no effect on a factor already confirmed. */
  confirm(factorId: string, at: number): Promise<void>
  /** Removes every factor of the account, pending or confirmed; returns how many. */
  deleteForAccount(accountId: string): Promise<number>
  /** The newest pending (unconfirmed) TOTP enrolment, or null. */
  findPending(accountId: string): Promise<MfaFactorRecord | null>
  /** Removes pending enrolments of the account. */
  deletePending(accountId: string): Promise<number>
  /** Removes confirmed TOTP factors other than `keepId` (re-enrolment voids the old secret). */
  deleteConfirmedExcept(accountId: string, keepId: string): Promise<number>
  listAll(accountId: string): Promise<MfaFactorRecord[]>
}

export interface MfaChallenge {
  id: string
  accountId: string
  attempts: number
  expiresAt: number
}

export interface MfaChallengeRepository {
  create(c: {
    id: string
    accountId: string
    expiresAt: number
    ip: string | null
    userAgent: string | null
    createdAt: number
  }): Promise<void>
  /**
   * Counts one guess against a live challenge, atomically, before the code is checked: under
   * concurrent guesses no more than `maxAttempts` are ever let through. Null when the challenge is
   * unknown, used, expired or out of guesses.
   */
  takeAttempt(id: string, now: number, maxAttempts: number): Promise<MfaChallenge | null>
  /** Marks the challenge used; true for exactly one caller. */
  complete(id: string, now: number): Promise<boolean>
}

export interface RecoveryCodeRepository {
  /** Replaces the account's codes with these hashes. */
  replace(accountId: string, hashes: string[], now: number): Promise<void>
  /** Uses a code atomically: true for exactly one caller per code. */
  consume(accountId: string, hash: string, now: number): Promise<boolean>
  countUnused(accountId: string): Promise<number>
}
