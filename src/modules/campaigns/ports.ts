import type { NewAuditEntry } from '../audit/ports.js'
import type { ExposedField } from '../incidents/ports.js'

/** What a campaign does to each selected account (docs/campaigns.md). */
export const CAMPAIGN_ACTIONS = [
  'force_password_reset',
  'revoke_sessions',
  'require_mfa_enrollment',
  'reset_lock',
  'notify',
  'revoke_client',
] as const
export type CampaignAction = (typeof CAMPAIGN_ACTIONS)[number]

/** Fields a leaked data set can expose about an account: the incidents' one list. */
export { EXPOSED_FIELDS, type ExposedField } from '../incidents/ports.js'

/**
 * Saved selectors: `external_accounts` (role partner), `without_second_factor` (no confirmed
 * factor), `all_users` (role user: staff and partners are left out).
 */
export const SAVED_SELECTORS = ['external_accounts', 'without_second_factor', 'all_users'] as const
export type SavedSelector = (typeof SAVED_SELECTORS)[number]

/** Most account ids one `accounts` selector may list. */
export const MAX_SELECTOR_IDS = 10_000

export type Selector =
  | { kind: 'incident'; incidentId: string; fields?: ExposedField[] }
  | { kind: 'accounts'; ids: string[] }
  | { kind: 'saved'; name: SavedSelector }
  /** The accounts holding a live grant of the OpenID Connect client. */
  | { kind: 'oidc_client'; clientId: string }

/** A notify campaign's message; `{{username}}` is the only placeholder. */
export interface NotifyParams {
  channel: 'email' | 'sms'
  subject: string
  text: string
}

/** revoke_client: the application whose grants end. */
export interface RevokeClientParams {
  clientId: string
}

export type CampaignParams = { notify?: NotifyParams; revokeClient?: RevokeClientParams }

export const CAMPAIGN_STATUSES = ['running', 'paused', 'completed', 'cancelled'] as const
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number]

export interface CampaignRecord {
  id: string
  incidentId: string | null
  selector: Selector
  action: CampaignAction
  params: CampaignParams
  status: CampaignStatus
  total: number
  done: number
  failed: number
  skipped: number
  /** Live sessions it revoked (force_password_reset, revoke_sessions). */
  sessionsRevoked: number
  createdBy: string
  createdAt: number
  updatedAt: number
  finishedAt: number | null
}

/** A campaign as created: it starts running, its counters at 0. */
export type NewCampaign = Omit<
  CampaignRecord,
  'total' | 'done' | 'failed' | 'skipped' | 'sessionsRevoked' | 'updatedAt' | 'finishedAt' | 'status'
>

/** What a dry run counts: the selection, and what the action would change. */
export interface DryRunCounts {
  selected: number
  effects: Record<string, number>
}

export interface IncidentCampaignSummary {
  campaigns: CampaignRecord[]
  sessionsRevoked: number
  resetsForced: number
  messagesQueued: number
  messagesSent: number
}

/** One processed batch. */
export interface BatchOutcome {
  campaignId: string
  action: CampaignAction
  done: number
  skipped: number
  failed: number
}

/** A campaign a worker found finished (no pending target left) and marked completed. */
export interface CompletedCampaign {
  campaign: CampaignRecord
}

export interface CampaignRepository {
  incidentExists(id: string): Promise<boolean>
  dryRun(
    selector: Selector,
    action: CampaignAction,
    params: CampaignParams,
    /** The campaign's incident (part of a notice's dedupe key). */
    incidentId: string | null,
    now: number,
  ): Promise<DryRunCounts>
  /** Creates the campaign and materialises its targets in one transaction; returns it with its total. */
  create(c: NewCampaign): Promise<CampaignRecord>
  get(id: string): Promise<CampaignRecord | null>
  list(filter: { incidentId?: string; status?: CampaignStatus }, limit: number): Promise<CampaignRecord[]>
  /** Moves the campaign from one of `from` to `to`; false when it was in none of them. */
  transition(id: string, from: CampaignStatus[], to: CampaignStatus, now: number): Promise<boolean>
  /** Targets handled (done, skipped, failed) in batches at or after `since`. */
  handledSince(id: string, since: number): Promise<number>
  /** Running campaigns whose pacing lets a batch start now, oldest first. */
  runnable(now: number, limit: number): Promise<Array<{ id: string; action: CampaignAction }>>
  /**
   * Claims up to `limit` pending targets of the campaign (targets may be kept in groups that are
   * claimed whole: at least one group) and handles them in one transaction: the
   * action (`runCampaignAction`, actions.ts, with its events) through ports bound to that
   * transaction, then the targets marked and the counters. Null when the campaign is not running
   * or nothing was claimable (all pending targets are being handled elsewhere, or none is left).
   * Throws BatchFailed (naming the claimed targets) when the batch failed and rolled back.
   */
  runBatch(
    id: string,
    opts: { limit: number; now: number; notifyPerSecond: number },
  ): Promise<BatchOutcome | null>
  /**
   * Records that a batch with these targets failed; targets that failed `maxAttempts` times are
   * marked failed. Returns how many were.
   */
  recordFailure(id: string, accountIds: string[], maxAttempts: number, now: number): Promise<number>
  /**
   * What the campaigns of an incident did, for its report: sessions revoked, accounts put under a
   * required reset, notices queued, and of those the ones the outbox has sent (sent messages are
   * pruned after 30 days: `messagesSent` counts what is still there).
   */
  incidentSummary(incidentId: string): Promise<IncidentCampaignSummary>
  /**
   * Marks a running campaign with no pending target left completed, and appends the audit entry
   * `entry` makes of it in the same transaction (a crash keeps both or neither); null when it is not
   * finished.
   */
  completeIfFinished(
    id: string,
    now: number,
    entry: (completed: CampaignRecord) => NewAuditEntry,
  ): Promise<CampaignRecord | null>
}

/** A batch rolled back; `accountIds` are the targets it had claimed (still pending). */
export class BatchFailed extends Error {
  override readonly name = 'BatchFailed'
  constructor(
    readonly campaignId: string,
    readonly accountIds: string[],
    cause: unknown,
  ) {
    super(`campaign batch failed: ${(cause as Error)?.message ?? String(cause)}`, { cause })
  }
}
