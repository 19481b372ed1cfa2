import type { RequestContext } from '../events/ports.js'
import { type ChainBreak, ChainVerifier, GENESIS } from './chain.js'
import type { AuditLog, NewAuditEntry } from './ports.js'

export interface VerifyResult {
  ok: boolean
  entries: number
  /** The hash of the last entry that verified (the head when ok). */
  head: string
  firstBroken: ChainBreak | null
  /** With an expected head: whether the chain still contains it. */
  expectedHeadFound: boolean | null
  /** The sequence number of the last entry read (0 for an empty log). */
  lastSeq: number
}

/** Records administrative actions in the hash-chained log, and proves the log intact. */
export class AuditService {
  constructor(private readonly deps: { log: AuditLog; now: () => number }) {}

  /** Appends one action. `actor` is `account:<id>` or `cli`. */
  async record(
    actor: string,
    ctx: Pick<RequestContext, 'ip' | 'requestId'>,
    action: string,
    target: string | null,
    details: Record<string, unknown> = {},
  ): Promise<void> {
    await this.deps.log.append(this.entry(actor, ctx, action, target, details))
  }

  /** The entry `record` would append, for a store that appends it in the transaction of the change. */
  entry(
    actor: string,
    ctx: Pick<RequestContext, 'ip' | 'requestId'>,
    action: string,
    target: string | null,
    details: Record<string, unknown> = {},
  ): NewAuditEntry {
    return { at: this.deps.now(), actor, actorIp: ctx.ip, requestId: ctx.requestId, action, target, details }
  }

  /**
   * Reads the whole log in chain order, a page at a time, and names the first entry that does not
   * hold. With `expectedHead` (a head hash kept elsewhere earlier), the chain must also still contain
   * that hash: entries cut off the end are found that way.
   */
  async verify(options: { expectedHead?: string; pageSize?: number } = {}): Promise<VerifyResult> {
    const verifier = new ChainVerifier()
    const expected = options.expectedHead?.toLowerCase()
    let found: boolean | null = expected === undefined ? null : expected === GENESIS
    let after = 0
    for (;;) {
      const page = await this.deps.log.readFrom(after, options.pageSize ?? 1000)
      if (page.length === 0) break
      const broken = verifier.check(page)
      if (broken) {
        return {
          ok: false,
          entries: verifier.count,
          head: verifier.head,
          firstBroken: broken,
          expectedHeadFound: found,
          lastSeq: after,
        }
      }
      if (expected !== undefined && !found) found = page.some((e) => e.hash === expected)
      after = page.at(-1)!.seq
    }
    return {
      ok: found !== false,
      entries: verifier.count,
      head: verifier.head,
      firstBroken: null,
      expectedHeadFound: found,
      lastSeq: after,
    }
  }

  async head(): Promise<{ seq: number; hash: string }> {
    const h = await this.deps.log.head()
    return h ? { seq: h.seq, hash: h.hash } : { seq: 0, hash: GENESIS }
  }
}
