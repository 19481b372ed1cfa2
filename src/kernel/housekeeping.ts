import type { Logger } from 'pino'

/** What housekeeping counts, as its log line names it. */
export type HousekeepingCount =
  | 'pruned_unverified_accounts'
  | 'deleted_sessions'
  | 'deleted_messages'
  | 'deleted_recovery_requests'
  | 'deleted_login_material'
  | 'deleted_security_events'
  | 'deleted_oidc_artifacts'

/** A module's share of housekeeping: deletes what outlived its keep, returns what it removed. */
export type Purge = (now: number) => Promise<Partial<Record<HousekeepingCount, number>>>

const COUNTS: readonly HousekeepingCount[] = [
  'pruned_unverified_accounts',
  'deleted_sessions',
  'deleted_messages',
  'deleted_recovery_requests',
  'deleted_login_material',
  'deleted_security_events',
  'deleted_oidc_artifacts',
]

/**
 * One housekeeping run: every module's purge in turn, then one `housekeeping` log line with the
 * sums when anything went. A failure stops the run and is logged; the next run tries again.
 */
export const housekeeping =
  (purges: readonly Purge[], deps: { now: () => number; logger: Logger }) => async (): Promise<void> => {
    try {
      const totals = Object.fromEntries(COUNTS.map((c) => [c, 0])) as Record<HousekeepingCount, number>
      for (const purge of purges) {
        const removed = await purge(deps.now())
        for (const c of COUNTS) totals[c] += removed[c] ?? 0
      }
      if (COUNTS.some((c) => totals[c] > 0)) deps.logger.info(totals, 'housekeeping')
    } catch (err) {
      deps.logger.error({ err }, 'housekeeping failed')
    }
  }
