/* Account recovery: the queued requests and the daily digests of suppressed ones. */

export interface RecoveryRequestsTable {
  id: string
  /** What the caller typed, until processed; then blanked. */
  identifier: string
  channel: string
  mfa_code: string | null
  ip: string | null
  user_agent: string | null
  client_version: string | null
  request_id: string | null
  /** The language the request's `Accept-Language` named, if Gatehouse has it. */
  locale: string | null
  status: string
  outcome: string | null
  locked_until: number | null
  created_at: number
  processed_at: number | null
}

export interface RecoveryDigestsTable {
  account_id: string
  day: string
  suppressed: number
  send_after: number
  sent_at: number | null
}
