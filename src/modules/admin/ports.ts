import type { RequestContext } from '../../kernel/context.js'
import type { AccountRepository } from '../accounts/ports.js'
import type { SecurityEventLog } from '../events/ports.js'
import type { MfaFactorRepository } from '../mfa/ports.js'
import type { SessionRepository } from '../sessions/ports.js'

/*
 * What the admin tools read. The console's overview figures cut across the records of four
 * modules (security events, recovery requests, the outbox, detections), so they come through one
 * port of their own; the account tools use the accounts, sessions, factors and events ports.
 */

export type StatsWindow = 'hour' | 'day'

/**
 * The overview's series:
 * - logins_succeeded / logins_failed: login events;
 * - recovery_requests: every recovery request, known identifier or not;
 * - recovery_sent: recovery messages that left the outbox;
 * - recovery_suppressed: service-side recovery suppressions (events) and recovery messages the
 *   send-time cap dropped;
 * - challenges / blocks: detections opened or raised to that response.
 */
export const SERIES = [
  'logins_succeeded',
  'logins_failed',
  'recovery_requests',
  'recovery_sent',
  'recovery_suppressed',
  'challenges',
  'blocks',
] as const
export type Series = (typeof SERIES)[number]

/** Equal buckets from `from`: bucket i is [from + i·bucketMs, from + (i+1)·bucketMs). */
export interface BucketRange {
  from: number
  bucketMs: number
  buckets: number
}

/** How many of a series fell in one bucket (by index into the range). */
export interface SeriesCount {
  series: Series
  bucket: number
  count: number
}

export interface AdminStatsSource {
  /** Counts per series and bucket over the range; a (series, bucket) with none may be absent. */
  countSeries(range: BucketRange): Promise<SeriesCount[]>
  /** Number of open detections of each kind (kinds with none absent). */
  openDetectionsByKind(): Promise<Record<string, number>>
  /** Accounts still holding an imported password hash, by scheme (see accounts/legacy/scheme.ts). */
  importedHashes(): Promise<Record<string, number>>
}

/** The account tools: find an account, show its sessions, factors and events, end its sessions. */
export interface AdminAccountTools {
  accounts: Pick<
    AccountRepository,
    'findById' | 'findByUsername' | 'findByEmail' | 'findByVerifiedPhone' | 'create' | 'isUsernameTaken'
  >
  sessions: Pick<SessionRepository, 'listActive' | 'revokeAll'>
  factors: Pick<MfaFactorRepository, 'listAll'>
  events: Pick<SecurityEventLog, 'listForAccount'>
  /** Ends the account's applications' grants once its sessions were ended (the OpenID Connect provider). */
  onAccessEnded?: (accountId: string, reason: string, ctx: RequestContext) => Promise<void>
}
