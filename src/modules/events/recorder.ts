import type { RequestContext } from '../../kernel/context.js'
import type { SecurityEvent, SecurityEventLog } from './ports.js'
import type { SecurityEventType } from './vocabulary.js'

export { noContext } from '../../kernel/context.js'

/** An event to record: the recorder stamps its time. */
export type NewSecurityEvent = Omit<SecurityEvent, 'at'>

/** Where events are recorded: the recorder itself, or events it holds (`EventRecorder.holding`). */
export interface RecordsEvents {
  record(
    type: SecurityEventType,
    accountId: string | null,
    context: RequestContext,
    details?: Record<string, unknown>,
  ): Promise<void>
}

export interface EventRecorderOptions {
  /** Told of a listener's error (see `subscribe`); the caller never fails for it. */
  onHookError?: (err: unknown, events: readonly SecurityEvent[]) => void
}

/**
 * The one way events are written: appends them (to the log of the caller's transaction when given
 * one), counts them by type and tells its listeners (`subscribe`), both once they are kept. Details must never
 * hold a secret or contact data.
 */
export class EventRecorder {
  readonly #pending = new Set<Promise<void>>()
  readonly #listeners: Array<(events: readonly SecurityEvent[]) => void | Promise<void>> = []

  constructor(
    private readonly log: SecurityEventLog,
    private readonly now: () => number,
    private readonly counted: (type: SecurityEventType, count: number) => void = () => {},
    private readonly options: EventRecorderOptions = {},
  ) {}

  /**
   * Adds a listener (webhook fan-out, registered once that module exists), told of the events of
   * each `record` or `recordMany` from then on, all of them at once, in the order listeners were
   * added. Its errors are reported to `onHookError` and never fail the caller. Awaited for events
   * recorded outside a transaction; for events recorded into a transaction's log it starts once
   * that transaction commits (never if it rolls back), without the caller waiting; `settled()`
   * waits for it.
   */
  subscribe(listener: (events: readonly SecurityEvent[]) => void | Promise<void>): void {
    this.#listeners.push(listener)
  }

  record(
    type: SecurityEventType,
    accountId: string | null,
    context: RequestContext,
    details: Record<string, unknown> = {},
    into: SecurityEventLog = this.log,
  ): Promise<void> {
    return this.recordMany([{ type, accountId, context, details }], into)
  }

  /**
   * Records many events at once (a campaign batch): one time stamp, a few statements whatever their
   * number, one count per type, one call of each listener with all of them.
   */
  async recordMany(events: readonly NewSecurityEvent[], into: SecurityEventLog = this.log): Promise<void> {
    if (events.length === 0) return
    const at = this.now()
    return this.#keep(
      events.map((e) => ({ ...e, at })),
      into,
    )
  }

  /**
   * Runs `fn` with a recorder that holds its events, then keeps them all with one statement,
   * counts them and tells the listeners as `record` does — also when `fn` throws. Each event keeps
   * the time it was recorded at. For a request that records several events into the log (a login:
   * a rehash, a new device, the session), one write instead of one per event; nothing it answers
   * reads those events back.
   */
  async holding<T>(fn: (events: RecordsEvents) => Promise<T>): Promise<T> {
    const held: SecurityEvent[] = []
    try {
      return await fn({
        record: async (type, accountId, context, details = {}) => {
          held.push({ type, accountId, context, details, at: this.now() })
        },
      })
    } finally {
      if (held.length > 0) await this.#keep(held, this.log)
    }
  }

  /** Appends events already stamped, then counts them and tells the listeners (see `subscribe`). */
  async #keep(kept: SecurityEvent[], into: SecurityEventLog): Promise<void> {
    if (kept.length === 1) await into.append(kept[0]!)
    else await into.appendMany(kept)
    if (into === this.log || !into.afterCommit) {
      this.#count(kept)
      if (into === this.log) return this.#tell(kept)
      this.#start(kept)
      return
    }
    into.afterCommit(() => {
      this.#count(kept)
      this.#start(kept)
    })
  }

  /** Waits for the hooks still running for events recorded into transactions. */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending])
  }

  #count(events: readonly SecurityEvent[]): void {
    if (events.length === 1) {
      this.counted(events[0]!.type, 1)
      return
    }
    const byType = new Map<SecurityEventType, number>()
    for (const e of events) byType.set(e.type, (byType.get(e.type) ?? 0) + 1)
    for (const [type, n] of byType) this.counted(type, n)
  }

  #start(events: readonly SecurityEvent[]): void {
    if (this.#listeners.length === 0) return
    const told = this.#tell(events)
    this.#pending.add(told)
    void told.finally(() => this.#pending.delete(told))
  }

  async #tell(events: readonly SecurityEvent[]): Promise<void> {
    for (const listener of this.#listeners) {
      try {
        await listener(events)
      } catch (err) {
        try {
          this.options.onHookError?.(err, events)
        } catch {}
      }
    }
  }
}
