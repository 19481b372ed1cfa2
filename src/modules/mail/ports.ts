export type Channel = 'email' | 'sms' | 'webhook'

export interface OutgoingMessage {
  channel: Channel
  /** A stored, verified-or-owned address of the account; never a string a caller typed. */
  recipient: string
  template: string
  payload: Record<string, string | number | boolean | null>
  accountId: string | null
  /** At most one message per key, ever (idempotency across retries and instances). */
  dedupeKey?: string
}

export interface Outbox {
  /** Queues a message in the caller's transaction. Returns false when the dedupe key was already used. */
  enqueue(message: OutgoingMessage, now: number): Promise<boolean>
  /**
   * Queues many messages with a few statements whatever their number; those whose dedupe key was
   * already used are left out. Returns how many were queued.
   */
  enqueueMany(messages: readonly OutgoingMessage[], now: number): Promise<number>
}

export interface ClaimedMessage extends OutgoingMessage {
  id: string
  attempts: number
  createdAt: number
}

export interface OutboxQueue {
  /**
   * Leases up to `limit` due messages (queued, or processing with an expired lease)
   * to this worker until `now + leaseMs`. Under concurrent workers a message is
   * leased to one of them only.
   */
  claim(limit: number, now: number, leaseMs: number): Promise<ClaimedMessage[]>
  /** Marks sent and scrubs the payload (it may hold a token). */
  markSent(id: string, now: number): Promise<void>
  retryLater(id: string, attempts: number, nextAttemptAt: number, error: string): Promise<void>
  /** Gives up on the message and scrubs its payload. */
  abandon(id: string, attempts: number, error: string, now: number): Promise<void>
  /** Releases leases (on shutdown) so another worker can pick the messages up at once. */
  release(ids: string[]): Promise<void>
  counts(): Promise<Record<string, number>>
  /** Deletes sent and abandoned messages created before `cutoff` (caps look back one day). */
  deleteFinishedBefore(cutoff: number): Promise<number>
}

export interface RenderedMail {
  subject: string
  text: string
  html: string
  /**
   * The Message-ID, the same on every try of one outbox message: a send repeated after a crash
   * (delivery is at least once) reaches the recipient's server as the same message.
   */
  messageId?: string
}

/** Delivers one rendered mail; throws on failure (the worker retries). */
export interface MailTransport {
  send(to: string, mail: RenderedMail): Promise<void>
  close(): Promise<void>
}

/** Delivers one SMS body; throws on failure. */
export interface SmsTransport {
  send(to: string, body: string): Promise<void>
  close(): Promise<void>
}

/** What a `webhook` message carries: the event type and the exact JSON body to send. */
export interface WebhookPayload {
  eventType: string
  body: string
}

/**
 * Delivers one webhook message (recipient = webhook id); throws on failure (the worker retries).
 * Throws `UndeliverableMessage` when the message must be dropped without retry.
 */
export interface WebhookSender {
  send(webhookId: string, payload: WebhookPayload, attempt: number): Promise<void>
}

/** Thrown by a sender when trying again cannot help (the webhook was deleted): the message is abandoned at once. */
export class UndeliverableMessage extends Error {
  override readonly name = 'UndeliverableMessage'
}
