/* Readiness write probes. */

/** One row per readiness write probe: its time of last success. */
export interface HealthChecksTable {
  name: string
  checked_at: number
}
