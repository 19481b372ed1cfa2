import { type Kysely, sql } from 'kysely'
import type { Database } from '../../adapters/sql/schema.js'
import { HOUR, MINUTE } from '../../kernel/clock.js'
import { RECOVERY_TEMPLATES } from '../recovery/ports.js'

/*
 * The figures behind the console's overview: per-bucket series over the last hour (5-minute
 * buckets) or day (1-hour buckets), read with indexed range queries only:
 * - security_events by (type, created_at): logins, service-side recovery suppressions, guard responses;
 * - recovery_requests by (status, created_at): every recovery request, known identifier or not;
 * - outbox by (status, sent_at): recovery messages that left; by (status, next_attempt_at): messages
 *   dropped by the send-time cap.
 * The queries are plain Kysely over both dialects; this module reads the tables directly because
 * the figures cut across the repositories of four modules.
 */

export type StatsWindow = 'hour' | 'day'

export const WINDOWS: Record<StatsWindow, { bucketMs: number; buckets: number }> = {
  hour: { bucketMs: 5 * MINUTE, buckets: 12 },
  day: { bucketMs: HOUR, buckets: 24 },
}

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

export interface StatsBucket extends Record<Series, number> {
  start: number
}

export interface Stats {
  window: StatsWindow
  bucketMs: number
  from: number
  to: number
  buckets: StatsBucket[]
  totals: Record<Series, number>
  openDetections: number
  openByKind: Record<string, number>
}

/** Every status a recovery request can have: naming them lets (status, created_at) serve the range. */
const RECOVERY_REQUEST_STATUSES = ['pending', 'processing', 'done', 'abandoned']

export const readStats = async (db: Kysely<Database>, window: StatsWindow, now: number): Promise<Stats> => {
  const { bucketMs, buckets: n } = WINDOWS[window]
  const to = Math.ceil((now + 1) / bucketMs) * bucketMs
  const from = to - n * bucketMs
  const buckets: StatsBucket[] = Array.from({ length: n }, (_, i) => ({
    start: from + i * bucketMs,
    logins_succeeded: 0,
    logins_failed: 0,
    recovery_requests: 0,
    recovery_sent: 0,
    recovery_suppressed: 0,
    challenges: 0,
    blocks: 0,
  }))
  const add = (series: Series, bucket: unknown, count: unknown) => {
    const b = buckets[Number(bucket)]
    if (b) b[series] += Number(count)
  }
  // Integer literals (computed here, never from input): integer division on both dialects.
  const bucketOf = (column: string) =>
    sql<number>`(${sql.ref(column)} - ${sql.lit(from)}) / ${sql.lit(bucketMs)}`

  const eventSeries: Record<string, Series> = {
    authn_login_success: 'logins_succeeded',
    authn_login_fail: 'logins_failed',
    'recovery.suppressed': 'recovery_suppressed',
  }
  const [events, detectionEvents, requests, sent, dropped, open] = await Promise.all([
    db
      .selectFrom('security_events')
      .select(['type', bucketOf('created_at').as('bucket'), (eb) => eb.fn.countAll().as('n')])
      .where('type', 'in', Object.keys(eventSeries))
      .where('created_at', '>=', from)
      .where('created_at', '<', to)
      .groupBy(['type', 'bucket'])
      .execute(),
    // One guard_detection event per detection opened or raised: few rows, details read here.
    db
      .selectFrom('security_events')
      .select(['details', bucketOf('created_at').as('bucket')])
      .where('type', '=', 'guard_detection')
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
    db
      .selectFrom('detections')
      .select(['kind', (eb) => eb.fn.countAll().as('n')])
      .where('status', '=', 'open')
      .groupBy('kind')
      .execute(),
  ])
  for (const r of events) add(eventSeries[r.type]!, r.bucket, r.n)
  for (const r of detectionEvents) {
    let action: unknown
    try {
      action = (JSON.parse(r.details) as { action?: unknown }).action
    } catch {
      continue
    }
    if (action === 'challenge') add('challenges', r.bucket, 1)
    else if (action === 'block') add('blocks', r.bucket, 1)
  }
  for (const r of requests) add('recovery_requests', r.bucket, r.n)
  for (const r of sent) add('recovery_sent', r.bucket, r.n)
  for (const r of dropped) add('recovery_suppressed', r.bucket, r.n)

  const totals = Object.fromEntries(
    SERIES.map((s) => [s, buckets.reduce((sum, b) => sum + b[s], 0)]),
  ) as Record<Series, number>
  const openByKind = Object.fromEntries(open.map((r) => [r.kind, Number(r.n)]))
  return {
    window,
    bucketMs,
    from,
    to,
    buckets,
    totals,
    openDetections: Object.values(openByKind).reduce((a, b) => a + b, 0),
    openByKind,
  }
}
