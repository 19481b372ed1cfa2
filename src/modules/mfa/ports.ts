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
}
