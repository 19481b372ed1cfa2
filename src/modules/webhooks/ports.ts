import type { SecurityEventType } from '../events/vocabulary.js'

export interface WebhookRecord {
  id: string
  url: string
  description: string | null
  eventTypes: SecurityEventType[]
  /** The signing secret sealed with the server's SecretBox (bound to the webhook id); '' once deleted. */
  secretSealed: string
  createdBy: string | null
  createdAt: number
  disabledAt: number | null
}

/** One try to deliver one message to one webhook. */
export interface WebhookDelivery {
  id: string
  webhookId: string
  /** The message id (`gatehouse-webhook-id`), the same on every try. */
  messageId: string
  eventType: string
  /** 1 for the first try. */
  attempt: number
  /** The receiver's HTTP status, or null when it did not answer. */
  statusCode: number | null
  error: string | null
  durationMs: number
  deliveredAt: number
}

export interface WebhookRepository {
  create(w: WebhookRecord): Promise<void>
  /** Active or deleted. */
  find(id: string): Promise<WebhookRecord | null>
  /** Every webhook not deleted, oldest first. */
  listActive(): Promise<WebhookRecord[]>
  /** Marks it deleted and blanks its secret; false when unknown or already deleted. */
  disable(id: string, now: number): Promise<boolean>
  /** Logs one try, and deletes this webhook's log entries older than `pruneBefore`. */
  recordDelivery(d: WebhookDelivery, pruneBefore: number): Promise<void>
  /** The webhook's delivery log, newest first. */
  listDeliveries(webhookId: string, limit: number): Promise<WebhookDelivery[]>
}
