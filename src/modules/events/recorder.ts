import type { RequestContext, SecurityEventLog } from './ports.js'
import type { SecurityEventType } from './vocabulary.js'

export const noContext: RequestContext = { ip: null, userAgent: null, clientVersion: null, requestId: null }

/**
 * Appends security events (to the log of the caller's transaction when given
 * one) and counts them. Details must never hold a secret or contact data.
 */
export class EventRecorder {
  constructor(
    private readonly log: SecurityEventLog,
    private readonly now: () => number,
    private readonly counted: (type: SecurityEventType) => void = () => {},
  ) {}

  async record(
    type: SecurityEventType,
    accountId: string | null,
    context: RequestContext,
    details: Record<string, unknown> = {},
    into: SecurityEventLog = this.log,
  ): Promise<void> {
    await into.append({ type, accountId, context, details, at: this.now() })
    this.counted(type)
  }
}
