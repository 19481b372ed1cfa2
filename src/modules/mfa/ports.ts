/** Guesses one login challenge takes (codes and passkey assertions alike) before it dies. */
export const LOGIN_CHALLENGE_GUESSES = 5

/** A second factor as stored: a TOTP secret, or a passkey (see PasskeyRecord for its own fields). */
export interface MfaFactorRecord {
  id: string
  accountId: string
  kind: 'totp' | 'webauthn' | 'email' | 'sms'
  /** TOTP: the base32 secret sealed by SecretBox with the account id as AAD; empty for other kinds. */
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
  /**
   * Removes one factor of the account (pending or confirmed); returns it, or null when it is not the
   * account's. With `keepOneConfirmed`, a confirmed factor is only removed while another confirmed
   * one remains — checked under a lock on the account, so two removals at once cannot take the last
   * two — and `'last'` comes back instead. With `keepOneOf` too, only factors of those kinds count:
   * a factor of another kind is removed freely, and one of those kinds only while another remains.
   */
  deleteOne(
    accountId: string,
    factorId: string,
    opts?: { keepOneConfirmed?: boolean; keepOneOf?: readonly MfaFactorRecord['kind'][] },
  ): Promise<MfaFactorRecord | null | 'last'>
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
  /** The live challenge with guesses left, without counting one; null otherwise. */
  peek(id: string, now: number, maxAttempts: number): Promise<MfaChallenge | null>
  /** Deletes challenges that expired before `cutoff`. */
  deleteExpiredBefore(cutoff: number): Promise<number>
}

/** A WebAuthn credential (passkey), stored as a second factor of kind `webauthn`. */
export interface PasskeyRecord {
  id: string
  accountId: string
  /** base64url, as the authenticator made it. */
  credentialId: string
  /** The COSE public key, base64url. */
  publicKey: string
  /** The signature counter last seen (0 for authenticators that do not count). */
  counter: number
  transports: string[]
  name: string | null
  createdAt: number
  lastUsedAt: number | null
}

export interface PasskeyRepository {
  /** Stores a new passkey; false (and nothing stored) when the credential id is already registered. */
  create(p: PasskeyRecord): Promise<boolean>
  listForAccount(accountId: string): Promise<PasskeyRecord[]>
  findByCredentialId(credentialId: string): Promise<PasskeyRecord | null>
  /**
   * Records a use with the authenticator's new counter, atomically: false (and nothing changes) when
   * the counter did not move forward past the stored one (a cloned authenticator or a replay), unless
   * both are 0 (an authenticator that does not count).
   */
  recordUse(id: string, newCounter: number, now: number): Promise<boolean>
}

export type WebauthnPurpose = 'register' | 'second_factor' | 'passwordless' | 'reauth'

export interface WebauthnChallengeRepository {
  create(c: {
    id: string
    accountId: string | null
    purpose: WebauthnPurpose
    challenge: string
    loginChallengeId: string | null
    expiresAt: number
    createdAt: number
  }): Promise<void>
  /**
   * Uses the challenge once, atomically: exactly one caller gets it; null for an unknown, used or
   * expired challenge, or one of another purpose.
   */
  take(
    id: string,
    purpose: WebauthnPurpose,
    now: number,
  ): Promise<{ challenge: string; accountId: string | null; loginChallengeId: string | null } | null>
  /** Deletes challenges that expired before `cutoff`. */
  deleteExpiredBefore(cutoff: number): Promise<number>
}

export interface RecoveryCodeRepository {
  /** Replaces the account's codes with these hashes. */
  replace(accountId: string, hashes: string[], now: number): Promise<void>
  /** Uses a code atomically: true for exactly one caller per code. */
  consume(accountId: string, hash: string, now: number): Promise<boolean>
  countUnused(accountId: string): Promise<number>
}
