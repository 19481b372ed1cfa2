export type Channel = 'email' | 'sms' | 'webhook'

/**
 * What a message is for, as the outbound gate budgets it (src/modules/mail/gate.ts): every template
 * belongs to exactly one kind.
 */
export type MessageKind =
  | 'recovery'
  | 'login_code'
  | 'phone_code'
  | 'verification'
  | 'unsolicited'
  | 'notice'
  | 'login_notice'
  | 'digest'
  | 'campaign'
  | 'webhook'

/** The budget that stopped a message: see docs/security.md for each. */
export type BudgetScope = 'destination' | 'account' | 'destination_all' | 'sms_global' | 'sms_country'

/** What the outbound gate did with a message. Never an error: a caller answers the same either way. */
export type QueueVerdict =
  | { queued: true }
  | { queued: false; reason: 'duplicate' }
  | { queued: false; reason: 'budget'; budget: BudgetScope }

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

/**
 * The one way a message leaves Gatehouse: every mail and SMS passes the outbound gate's budgets
 * (per destination, per account and kind, global SMS) before it is queued. In the caller's
 * transaction when it has one, else in one of its own; the budgets are counted and the message
 * queued under locks on its destination and account, so that concurrent requests (on any
 * instance sharing the database) never queue past a budget.
 */
export interface Outbox {
  enqueue(message: OutgoingMessage, now: number): Promise<QueueVerdict>
  /**
   * Queues many messages: webhook messages (which have no budget) with a few statements whatever
   * their number, the others one by one through the budgets; those whose dedupe key was already used
   * are left out. Returns how many were queued.
   */
  enqueueMany(messages: readonly OutgoingMessage[], now: number): Promise<number>
  /**
   * Does the work of `enqueue` for the message — the same locks and counts — and queues nothing:
   * a stand-in where an answer must not be quicker for a request that sends nothing.
   */
  rehearse(message: OutgoingMessage, now: number): Promise<void>
}

/** A message as the ledger stores it: the gate adds what it budgets by. */
export interface LedgerMessage extends OutgoingMessage {
  kind: MessageKind
  /** The normalised destination budgets count by (see `destinationOf`); null for webhooks. */
  destination: string | null
  /** The country calling code of an SMS destination (`44`), else null. */
  region: string | null
}

/** One count of a tally: messages of `kind` (any kind when absent) and `region` since `since`. */
export interface TallyBucket {
  since: number
  kind?: MessageKind
  region?: string
}

/** Which messages a tally looks at. */
export type TallyScope = { destination: string } | { accountId: string } | { channel: Channel }

/**
 * The outbox table as the gate sees it. Messages that count are those queued, being sent or sent;
 * abandoned and suppressed ones do not.
 */
export interface MessageLedger {
  /**
   * Runs `fn` holding exclusive locks on `keys` until the surrounding transaction ends (a
   * transaction of its own when the ledger is not in one): two callers with a key in common run
   * one after the other, on every instance sharing the database.
   */
  exclusive<T>(keys: string[], fn: (ledger: MessageLedger) => Promise<T>): Promise<T>
  /** True when a message with this dedupe key was ever queued. */
  hasDedupeKey(key: string): Promise<boolean>
  /** Counts the scope's messages created since each bucket's `since`, one count per bucket. */
  tally(scope: TallyScope, buckets: TallyBucket[]): Promise<number[]>
  /**
   * The same over messages sent since each bucket's `since`, and messages being sent now (a live
   * lease) that were queued before `self`: the gate's second look, at send time. Counting only the
   * earlier ones in flight lets the first of a leased batch go and stops the ones past the budget.
   */
  tallyDelivered(
    scope: TallyScope,
    buckets: TallyBucket[],
    now: number,
    self: { id: string; createdAt: number },
  ): Promise<number[]>
  /** Stores the message as queued; false when its dedupe key was used already. */
  insert(message: LedgerMessage, now: number): Promise<boolean>
  /** Stores many with a few statements; those whose dedupe key was used are left out. Returns how many. */
  insertMany(messages: readonly LedgerMessage[], now: number): Promise<number>
}

export interface ClaimedMessage extends OutgoingMessage {
  id: string
  attempts: number
  createdAt: number
  /** Null for messages queued before the gate recorded them (they are budgeted by their template). */
  kind: MessageKind | null
  destination: string | null
  region: string | null
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
  /** Gives up on the message at once (it can never be delivered) and scrubs its payload. */
  abandon(id: string, attempts: number, error: string, now: number): Promise<void>
  /**
   * Dead-letters the message: undelivered past its retry horizon. Its payload is kept, so that an
   * operator can send it again (`retry`); it no longer counts against any budget.
   */
  deadLetter(id: string, attempts: number, error: string, now: number): Promise<void>
  /** Closes the message unsent because the code or link it carries has expired; scrubs its payload. */
  expire(id: string, attempts: number, now: number): Promise<void>
  /**
   * Makes every message of the channel that waits for a retry (queued, tried before, due later)
   * due at `now`, only those for `recipient` when given (a webhook); returns how many.
   */
  redrive(channel: Channel, now: number, recipient?: string): Promise<number>
  /** Dead-lettered messages, newest first, without payload or address. */
  listDead(limit: number, before?: { at: number; id: string }): Promise<DeadLetterView[]>
  /**
   * Queues dead-lettered messages again, due at `now`: those named, or every one when `ids` is
   * 'all'. Returns how many. A message tried again that fails is dead-lettered again at once (it
   * is past its horizon) unless its transport now works.
   */
  retryDead(ids: readonly string[] | 'all', now: number): Promise<number>
  /** Drops the message at its second look by the gate (a budget), and scrubs its payload. */
  suppress(id: string, budget: BudgetScope, now: number): Promise<void>
  /** Releases leases (on shutdown) so another worker can pick the messages up at once. */
  release(ids: string[]): Promise<void>
  counts(): Promise<Record<string, number>>
  /** Deletes finished messages (sent, abandoned, suppressed, expired, dead) created before `cutoff` (caps look back one day). */
  deleteFinishedBefore(cutoff: number): Promise<number>
}

/** A dead-lettered message as operators see it: never its address or payload. */
export interface DeadLetterView {
  id: string
  channel: Channel
  template: string
  accountId: string | null
  attempts: number
  lastError: string | null
  createdAt: number
  /** When it was dead-lettered. */
  deadAt: number
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
  /** Whether the transport works now (SMTP: connects and greets), without sending; throws if not. */
  verify?(): Promise<void>
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
