/* Messages waiting to be sent (mail, SMS). */

export interface OutboxTable {
  id: string
  channel: string
  recipient: string
  template: string
  payload: string
  account_id: string | null
  dedupe_key: string | null
  /** What the outbound gate budgets the message as (null: queued before the gate recorded it). */
  kind: string | null
  destination: string | null
  region: string | null
  status: string
  attempts: number
  next_attempt_at: number
  locked_until: number | null
  last_error: string | null
  created_at: number
  sent_at: number | null
}
