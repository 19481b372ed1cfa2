export interface DeviceRecord {
  id: string
  accountId: string
  deviceHash: string
  userAgent: string | null
  ip: string | null
  createdAt: number
  lastSeenAt: number
  rememberedUntil: number | null
}

export interface DeviceRepository {
  find(accountId: string, deviceHash: string): Promise<DeviceRecord | null>
  countForAccount(accountId: string): Promise<number>
  /** Stores a device; false when the account already has one with this hash. */
  create(d: DeviceRecord): Promise<boolean>
  /** Records a login from a known device; `rememberedUntil` replaces the old value when given. */
  touch(
    id: string,
    at: number,
    seen: { ip: string | null; userAgent: string | null },
    rememberedUntil?: number,
  ): Promise<void>
  /** Forgets every "remember this device" of the account; returns how many were remembered. */
  forgetRemembered(accountId: string, now: number): Promise<number>
}

export type CodeChannel = 'email' | 'sms'

export interface LoginCodeRepository {
  /** Stores a code for a login challenge; earlier live codes of that challenge and channel die. */
  issue(c: {
    id: string
    challengeId: string
    accountId: string
    channel: CodeChannel
    codeHash: string
    expiresAt: number
    createdAt: number
  }): Promise<void>
  /** Uses the live code of the challenge with this hash, atomically: true for exactly one caller. */
  consume(challengeId: string, channel: CodeChannel, codeHash: string, now: number): Promise<boolean>
  /** Deletes codes created before `cutoff`. */
  deleteCreatedBefore(cutoff: number): Promise<number>
}

export interface LoginNoticeRepository {
  create(n: {
    id: string
    accountId: string
    sessionId: string
    tokenHash: string
    expiresAt: number
    createdAt: number
  }): Promise<void>
  /** Uses the "this wasn't me" link once: exactly one caller gets the account and session. */
  consume(tokenHash: string, now: number): Promise<{ accountId: string; sessionId: string } | null>
  /** Deletes links that expired before `cutoff`. */
  deleteExpiredBefore(cutoff: number): Promise<number>
}
