/* Webhooks and each attempt to deliver to them. */

export interface WebhooksTable {
  id: string
  url: string
  description: string | null
  /** JSON array of security event types. */
  event_types: string
  /** The signing secret, sealed (AES-256-GCM, bound to the webhook id); blanked when the webhook is deleted. */
  secret_sealed: string
  /** The administrator who added it. */
  created_by: string | null
  created_at: number
  /** Deleted: nothing more is sent to it. */
  disabled_at: number | null
}

export interface WebhookDeliveriesTable {
  id: string
  webhook_id: string
  /** The id of the message (the `gatehouse-webhook-id` header), the same on every retry. */
  message_id: string
  event_type: string
  /** 1 for the first try. */
  attempt: number
  /** The receiver's HTTP status; null when no answer came (network error, timeout). */
  status_code: number | null
  error: string | null
  duration_ms: number
  delivered_at: number
}
