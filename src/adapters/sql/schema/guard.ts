import type { Generated } from 'kysely'

/* The guard's detections and the operators' lifts. */

export interface DetectionsTable {
  id: Generated<number>
  kind: string
  scope: string
  key: string
  /** open, resolved or lifted */
  status: string
  /** none, challenge or block: the strongest response taken so far */
  action: string
  first_seen_at: number
  last_seen_at: number
  count: number
  details: string
  /** When the challenge or block ends (absent for none). */
  action_until: number | null
  account_id: string | null
  closed_at: number | null
  closed_by: string | null
}

/** Operators' lifts of the guard, read by every server (src/modules/guard/lifts.ts). */
export interface GuardLiftsTable {
  id: Generated<number>
  sources: string | null
  reason: string | null
  operator: string
  created_at: number
}
