/* Campaigns run over a selection of accounts: their targets and batches. */

export interface CampaignsTable {
  id: string
  incident_id: string | null
  /** JSON: the selector as given. */
  selector: string
  /** force_password_reset, revoke_sessions, require_mfa_enrollment, reset_lock, notify */
  action: string
  /** JSON: the action's parameters (for notify: channel, subject, text). */
  params: string
  /** running, paused, completed, cancelled */
  status: string
  total: number
  done: number
  failed: number
  skipped: number
  /** Live sessions the campaign revoked (force_password_reset, revoke_sessions). */
  sessions_revoked: number
  /** Pacing: no batch starts before this time (notify). */
  not_before: number
  created_by: string
  created_at: number
  updated_at: number
  finished_at: number | null
}

/**
 * A campaign's targets, in groups of accounts neighbouring in claim order
 * (src/adapters/sql/campaign-selection.ts): a group is claimed, handled and marked as a whole.
 */
export interface CampaignTargetGroupsTable {
  campaign_id: string
  /** The group's first account: its name. */
  first_id: string
  /** Where the group comes in the claim order (src/adapters/sql/campaign-selection.ts, "spread"). */
  slot: number
  /** JSON: the group's account ids, in account order. */
  account_ids: string
  size: number
  /** pending, done, failed */
  status: string
  /** Batches that failed with this group in them. */
  attempts: number
  handled_at: number | null
}

export interface CampaignBatchesTable {
  campaign_id: string
  at: number
  done: number
  skipped: number
  failed: number
  sessions_revoked: number
}
