import type { RequestContext, SecurityEvent, SecurityEventLog } from './ports.js'
import type { SecurityEventType } from './vocabulary.js'

export const noContext: RequestContext = { ip: null, userAgent: null, clientVersion: null, requestId: null }

export interface EventRecorderOptions {
  /**
   * Told of every event once kept (webhook fan-out). Its errors are reported to `onHookError` and
   * never fail the caller. Awaited for events recorded outside a transaction; for one recorded into
   * a transaction's log it starts once that transaction commits (never if it rolls back), without
   * the caller waiting; `settled()` waits for it.
   */
  onRecorded?: (event: SecurityEvent) => void | Promise<void>
  onHookError?: (err: unknown, event: SecurityEvent) => void
}

/**
 * Appends security events (to the log of the caller's transaction when given
 * one) and counts them. Details must never hold a secret or contact data.
 */
export class EventRecorder {
  readonly #pending = new Set<Promise<void>>()

  constructor(
    private readonly log: SecurityEventLog,
    private readonly now: () => number,
    private readonly counted: (type: SecurityEventType) => void = () => {},
    private readonly options: EventRecorderOptions = {},
  ) {}

  async record(
    type: SecurityEventType,
    accountId: string | null,
    context: RequestContext,
    details: Record<string, unknown> = {},
    into: SecurityEventLog = this.log,
  ): Promise<void> {
    const event: SecurityEvent = { type, accountId, context, details, at: this.now() }
    await into.append(event)
    this.counted(type)
    if (!this.options.onRecorded) return
    if (into === this.log) return this.#tell(event)
    const start = () => {
      const told = this.#tell(event)
      this.#pending.add(told)
      void told.finally(() => this.#pending.delete(told))
    }
    if (into.afterCommit) into.afterCommit(start)
    else start()
  }

  /** Waits for the hooks still running for events recorded into transactions. */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending])
  }

  async #tell(event: SecurityEvent): Promise<void> {
    try {
      await this.options.onRecorded?.(event)
    } catch (err) {
      try {
        this.options.onHookError?.(err, event)
      } catch {}
    }
  }
}
