/** A limit: at most `points` in a fixed window of `seconds` that starts with the first point. */
export interface RateRule {
  points: number
  seconds: number
}

export type LimitResult = { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number }

/** A named family of counters (e.g. 'recovery:ip') with one rule; keys are free strings. */
export interface RateLimiter {
  /** Takes `points` (default 1) from the key's budget; a refusal is a result, never an exception. */
  consume(key: string, points?: number): Promise<LimitResult>
  /** Forgets the key's count, as if it had never been used. */
  reset(key: string): Promise<void>
}

/** A count and how long it has left; a key that is absent or expired reads as 0 with 0 ms left. */
export interface CountReading {
  count: number
  msLeft: number
}

/**
 * Counts and marks that expire by themselves: the detectors' state. A count lives `seconds`
 * from its first add (a fixed window); `set` gives a key a value and a life of its own.
 */
export interface Counters {
  /** Adds `n` (a whole number, default 1) and returns the new count. */
  add(key: string, n?: number): Promise<number>
  get(key: string): Promise<CountReading>
  /**
   * Adds 1 to each key and returns the new counts in order: the same as `add` on each, in one
   * store command where the store can (the guard counts one request at several sources at once).
   */
  addMany(keys: readonly string[]): Promise<number[]>
  /** Reads each key, in order: the same as `get` on each, in one store command where the store can. */
  getMany(keys: readonly string[]): Promise<CountReading[]>
  /** Replaces the key's count with `value` (at least 1) for `seconds` (at least 1). */
  set(key: string, value: number, seconds: number): Promise<void>
  delete(key: string): Promise<void>
}

/**
 * Where the counters live. `memory` counts per instance; `redis` shares the counts between
 * every instance pointed at the same Redis (and falls back to per-instance memory counts at
 * the same rules while Redis is unreachable, never to no limit at all).
 */
export interface LimiterStore {
  /** The limiter for `name`; asking again for the same name returns the same counters. */
  limiter(name: string, rule: RateRule): RateLimiter
  /** The counters named `name`, each living `seconds` from its first add; same name, same counters. */
  counters(name: string, seconds: number): Counters
  readonly kind: 'memory' | 'redis'
  close(): Promise<void>
}

export const detectionKinds = [
  'enumeration',
  'recovery_flood',
  'credential_stuffing',
  'brute_force',
  'legacy_client',
  'signup_refusals',
] as const
export type DetectionKind = (typeof detectionKinds)[number]

/** What a detection is about: a source address, its network, an identifier, an account, everyone. */
export type DetectionScope = 'ip' | 'subnet' | 'identifier' | 'account' | 'global'

/** The response taken, weakest first. */
export const detectionActions = ['none', 'delay', 'challenge', 'block'] as const
export type DetectionAction = (typeof detectionActions)[number]

export type DetectionStatus = 'open' | 'resolved' | 'lifted'

export interface Detection {
  id: number
  kind: DetectionKind
  scope: DetectionScope
  key: string
  status: DetectionStatus
  /** The strongest response taken while the detection was open. */
  action: DetectionAction
  firstSeenAt: number
  lastSeenAt: number
  /** Requests counted against it while open. */
  count: number
  /** Never contact data: counts, shares, thresholds, the network of a source. */
  details: Record<string, unknown>
  /** When the current challenge or block ends. */
  actionUntil: number | null
  accountId: string | null
  closedAt: number | null
  /** The administrator's account id. */
  closedBy: string | null
}

export interface DetectionSighting {
  kind: DetectionKind
  scope: DetectionScope
  key: string
  action: DetectionAction
  /** Requests to add to the count. */
  count: number
  details: Record<string, unknown>
  actionUntil: number | null
  accountId: string | null
  at: number
}

export interface DetectionStore {
  /**
   * Opens a detection for the kind and key, or updates the open one: last seen, count, the action
   * when it is stronger, and the details when it is at least as strong (a weaker sighting, which
   * raced a stronger one, only counts). `escalated` is true when it opened or its action rose.
   */
  record(s: DetectionSighting): Promise<{ detection: Detection; escalated: boolean }>
  list(
    filter: { status?: DetectionStatus; kind?: DetectionKind },
    limit: number,
    beforeId?: number,
  ): Promise<Detection[]>
  get(id: number): Promise<Detection | null>
  /** Closes an open detection; null when it is not open. */
  close(id: number, status: 'resolved' | 'lifted', by: string, at: number): Promise<Detection | null>
  /** Deletes closed detections closed before `cutoff`; returns how many. */
  deleteClosedBefore(cutoff: number): Promise<number>
}
