import { type Kysely, sql } from 'kysely'
import type { AdminStatsSource, BucketRange, Series, SeriesCount } from '../../modules/admin/ports.js'
import type { SecurityEventType } from '../../modules/events/vocabulary.js'
import { RECOVERY_TEMPLATES } from '../../modules/recovery/ports.js'
import { countImportedHashes } from './imported-hashes.js'
import type { Database } from './schema.js'

/*
 * The console overview's counts, read with indexed range queries only:
 * - security_events by (type, created_at): logins, service-side recovery suppressions, guard responses;
 * - recovery_requests by (status, created_at): every recovery request, known identifier or not;
 * - outbox by (status, sent_at): recovery messages that left; by (status, next_attempt_at): messages
 *   dropped by the send-time cap.
 * Plain Kysely over both dialects.
 */

/** Every status a recovery request can have: naming them lets (status, created_at) serve the range. */
const RECOVERY_REQUEST_STATUSES = ['pending', 'processing', 'done', 'abandoned']

/** The security events counted as they are, by type. */
const EVENT_SERIES: Partial<Record<SecurityEventType, Series>> = {
  authn_login_success: 'logins_succeeded',
  authn_login_fail: 'logins_failed',
  'recovery.suppressed': 'recovery_suppressed',
}

/** One per detection opened or raised; its details name the response. */
const DETECTION_EVENT: SecurityEventType = 'guard_detection'

/** The guard response a guard_detection event records, if it is one the overview counts. */
const detectionSeries = (details: string): Series | null => {
  let action: unknown
  try {
    action = (JSON.parse(details) as { action?: unknown }).action
  } catch {
    return null
  }
  return action === 'challenge' ? 'challenges' : action === 'block' ? 'blocks' : null
}

export class SqlAdminStatsSource implements AdminStatsSource {
  constructor(private readonly db: Kysely<Database>) {}

  async countSeries({ from, bucketMs, buckets }: BucketRange): Promise<SeriesCount[]> {
    const to = from + buckets * bucketMs
    // Integer literals (computed here, never from input): integer division on both dialects.
    const bucketOf = (column: string) =>
      sql<number>`(${sql.ref(column)} - ${sql.lit(from)}) / ${sql.lit(bucketMs)}`
    const db = this.db
    const [events, detectionEvents, requests, sent, dropped] = await Promise.all([
      db
        .selectFrom('security_events')
        .select(['type', bucketOf('created_at').as('bucket'), (eb) => eb.fn.countAll().as('n')])
        .where('type', 'in', Object.keys(EVENT_SERIES))
        .where('created_at', '>=', from)
        .where('created_at', '<', to)
        .groupBy(['type', 'bucket'])
        .execute(),
      // One guard_detection event per detection opened or raised: few rows, details read here.
      db
        .selectFrom('security_events')
        .select(['details', bucketOf('created_at').as('bucket')])
        .where('type', '=', DETECTION_EVENT)
        .where('created_at', '>=', from)
        .where('created_at', '<', to)
        .limit(100_000)
        .execute(),
      db
        .selectFrom('recovery_requests')
        .select([bucketOf('created_at').as('bucket'), (eb) => eb.fn.countAll().as('n')])
        .where('status', 'in', RECOVERY_REQUEST_STATUSES)
        .where('created_at', '>=', from)
        .where('created_at', '<', to)
        .groupBy('bucket')
        .execute(),
      db
        .selectFrom('outbox')
        .select([bucketOf('sent_at').as('bucket'), (eb) => eb.fn.countAll().as('n')])
        .where('status', '=', 'sent')
        .where('sent_at', '>=', from)
        .where('sent_at', '<', to)
        .where('template', 'in', [...RECOVERY_TEMPLATES])
        .groupBy('bucket')
        .execute(),
      db
        .selectFrom('outbox')
        .select([bucketOf('next_attempt_at').as('bucket'), (eb) => eb.fn.countAll().as('n')])
        .where('status', '=', 'suppressed')
        .where('next_attempt_at', '>=', from)
        .where('next_attempt_at', '<', to)
        .where('template', 'in', [...RECOVERY_TEMPLATES])
        .groupBy('bucket')
        .execute(),
    ])
    const counts: SeriesCount[] = []
    const add = (series: Series, bucket: unknown, count: unknown) =>
      counts.push({ series, bucket: Number(bucket), count: Number(count) })
    for (const r of events) add(EVENT_SERIES[r.type as SecurityEventType]!, r.bucket, r.n)
    for (const r of detectionEvents) {
      const series = detectionSeries(r.details)
      if (series) add(series, r.bucket, 1)
    }
    for (const r of requests) add('recovery_requests', r.bucket, r.n)
    for (const r of sent) add('recovery_sent', r.bucket, r.n)
    for (const r of dropped) add('recovery_suppressed', r.bucket, r.n)
    return counts
  }

  async openDetectionsByKind(): Promise<Record<string, number>> {
    const open = await this.db
      .selectFrom('detections')
      .select(['kind', (eb) => eb.fn.countAll().as('n')])
      .where('status', '=', 'open')
      .groupBy('kind')
      .execute()
    return Object.fromEntries(open.map((r) => [r.kind, Number(r.n)]))
  }

  importedHashes(): Promise<Record<string, number>> {
    return countImportedHashes(this.db)
  }
}
