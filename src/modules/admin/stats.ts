import { HOUR, MINUTE } from '../../kernel/clock.js'
import { type AdminStatsSource, SERIES, type Series, type StatsWindow } from './ports.js'

/*
 * The figures behind the console's overview: per-bucket series over the last hour (5-minute
 * buckets) or day (1-hour buckets), the last bucket holding now. The counting is the stats
 * source's (see AdminStatsSource); this lays the counts out in buckets and totals.
 */

export { SERIES } from './ports.js'

export const WINDOWS: Record<StatsWindow, { bucketMs: number; buckets: number }> = {
  hour: { bucketMs: 5 * MINUTE, buckets: 12 },
  day: { bucketMs: HOUR, buckets: 24 },
}

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
  /** Accounts still holding an imported password hash, by scheme (the next login replaces each). */
  importedHashes: Record<string, number>
}

export const readStats = async (
  source: AdminStatsSource,
  window: StatsWindow,
  now: number,
): Promise<Stats> => {
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
  const [counts, openByKind, importedHashes] = await Promise.all([
    source.countSeries({ from, bucketMs, buckets: n }),
    source.openDetectionsByKind(),
    source.importedHashes(),
  ])
  for (const c of counts) {
    const b = buckets[c.bucket]
    if (b) b[c.series] += c.count
  }
  const totals = Object.fromEntries(
    SERIES.map((s) => [s, buckets.reduce((sum, b) => sum + b[s], 0)]),
  ) as Record<Series, number>
  return {
    window,
    bucketMs,
    from,
    to,
    buckets,
    totals,
    openDetections: Object.values(openByKind).reduce((a, b) => a + b, 0),
    openByKind,
    importedHashes,
  }
}
