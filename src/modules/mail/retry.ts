import { DAY, HOUR, MINUTE } from '../../kernel/clock.js'
import type { ClaimedMessage } from './ports.js'

/** The longest pause between two tries of a message. */
const MAX_BACKOFF_MS = 15 * MINUTE
/** How long after it was queued a message is still tried again, unless configured otherwise. */
const DEFAULT_HORIZON_MS = DAY

export interface RetryPolicy {
  /** Most tries (counting the first) before a message is dead-lettered. */
  maxAttempts: number
  /**
   * How long after it was queued a message is still tried again (default 24 h); its last try is
   * at the horizon, and a failure then dead-letters it.
   */
  horizonMs?: number
  /** Delay before the first retry; doubles on each try, capped at 15 minutes, plus up to 10% jitter. */
  retryBaseMs: number
}

/**
 * When the code or link a message carries stops working, as the message itself states it
 * (`expiresInMinutes` / `expiresInHours` from when it was queued), or null when it does not say.
 * Reset links, verification links, login and phone codes say; notices do not.
 */
export const expiresAtOf = (m: Pick<ClaimedMessage, 'createdAt' | 'payload'>): number | null => {
  const minutes = m.payload.expiresInMinutes
  if (typeof minutes === 'number' && minutes > 0) return m.createdAt + minutes * MINUTE
  const hours = m.payload.expiresInHours
  if (typeof hours === 'number' && hours > 0) return m.createdAt + hours * HOUR
  return null
}

const backoffMs = (retryBaseMs: number, attempts: number): number => {
  const base = Math.min(retryBaseMs * 2 ** Math.max(0, attempts - 1), MAX_BACKOFF_MS)
  return Math.round(base + Math.random() * base * 0.1)
}

/**
 * What follows a failed try at `now`: dead-lettering once the message has had its most tries or
 * reached its retry horizon, otherwise another try after the backoff. The last try is at the
 * horizon itself.
 */
export const nextTry = (
  m: Pick<ClaimedMessage, 'createdAt' | 'attempts'>,
  now: number,
  policy: RetryPolicy,
): { dead: true } | { dead: false; delayMs: number } => {
  const horizon = m.createdAt + (policy.horizonMs ?? DEFAULT_HORIZON_MS)
  if (m.attempts >= policy.maxAttempts || now >= horizon) return { dead: true }
  return { dead: false, delayMs: Math.min(backoffMs(policy.retryBaseMs, m.attempts), horizon - now) }
}
