import { type EventRecorder, noContext } from '../events/recorder.js'
import type { DetectionAction, DetectionKind, DetectionScope, DetectionStore } from './ports.js'
import type { GuardMetrics } from './settings.js'

/** One request counted against a detection. */
export interface Sighting {
  kind: DetectionKind
  scope: DetectionScope
  key: string
  action: DetectionAction
  /** When the response ends (null: it has no end of its own, or it is unchanged). */
  actionUntil: number | null
  accountId: string | null
  details: Record<string, unknown>
}

/** Counts summed since the last write of a detection. */
interface Pending {
  scope: DetectionScope
  count: number
  details: Record<string, unknown>
  accountId: string | null
  flushedAt: number
  action: DetectionAction
  actionUntil: number | null
}

const rankOf: Record<DetectionAction, number> = { none: 0, delay: 1, challenge: 2, block: 3 }
/** How long an instance sums the sightings of a detection before writing them. */
export const FLUSH_MS = 2000
/** How long a detection with nothing new is kept in memory. */
const FORGET_MS = 60_000

/**
 * The detections, written behind: a detection's record is written when it opens or its action
 * rises, and otherwise at most every two seconds per instance (the counts are summed meanwhile).
 * Each write that opens a detection or raises its action records a `guard_detection` event.
 */
export class Sightings {
  readonly #pending = new Map<string, Pending>()
  #flushTimer: NodeJS.Timeout | undefined

  constructor(
    private readonly deps: {
      detections: DetectionStore
      events: EventRecorder
      metrics: Pick<GuardMetrics, 'detection'>
      now: () => number
      onError: (err: unknown, what: string) => void
    },
  ) {}

  /** Counts one request against a detection. */
  async record(s: Sighting): Promise<void> {
    const id = `${s.kind}|${s.key}`
    const now = this.deps.now()
    const known = this.#pending.get(id)
    if (known && rankOf[s.action] <= rankOf[known.action] && now - known.flushedAt < FLUSH_MS) {
      known.count += 1
      // A weaker sighting (it raced a stronger one) counts, but does not speak for the detection.
      if (rankOf[s.action] === rankOf[known.action]) known.details = s.details
      known.actionUntil = s.actionUntil ?? known.actionUntil
      known.accountId = s.accountId ?? known.accountId
      this.#scheduleFlush()
      return
    }
    const count = (known?.count ?? 0) + 1
    const weaker = known !== undefined && rankOf[known.action] > rankOf[s.action]
    const strongest = weaker ? known.action : s.action
    const details = weaker ? known.details : s.details
    this.#pending.set(id, {
      scope: s.scope,
      count: 0,
      details,
      accountId: s.accountId,
      flushedAt: now,
      action: strongest,
      actionUntil: s.actionUntil,
    })
    await this.#write({ ...s, action: strongest, details }, count)
  }

  async #write(s: Sighting, count: number): Promise<void> {
    const { kind, scope, key, accountId } = s
    const { detection, escalated } = await this.deps.detections.record({
      kind,
      scope,
      key,
      action: s.action,
      count,
      details: s.details,
      actionUntil: s.actionUntil,
      accountId,
      at: this.deps.now(),
    })
    if (!escalated) return
    this.deps.metrics.detection(kind, detection.action)
    await this.deps.events.record('guard_detection', accountId, noContext, {
      detection_id: detection.id,
      kind,
      scope,
      key,
      action: detection.action,
      count: detection.count,
    })
  }

  #scheduleFlush(): void {
    if (this.#flushTimer) return
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = undefined
      void this.flush()
    }, FLUSH_MS)
    this.#flushTimer.unref()
  }

  /** Writes the counts summed since the last write of each detection. */
  async flush(): Promise<void> {
    const now = this.deps.now()
    for (const [id, p] of this.#pending) {
      if (p.count === 0) {
        // Nothing new for a while: forget it (the record stays in the database).
        if (now - p.flushedAt > FORGET_MS) this.#pending.delete(id)
        continue
      }
      const [kind, key] = id.split(/\|(.*)/s) as [DetectionKind, string]
      const count = p.count
      p.count = 0
      p.flushedAt = now
      try {
        const { scope, action, details, actionUntil, accountId } = p
        await this.#write({ kind, scope, key, action, details, actionUntil, accountId }, count)
      } catch (err) {
        this.deps.onError(err, 'detection flush')
      }
    }
  }

  async close(): Promise<void> {
    if (this.#flushTimer) clearTimeout(this.#flushTimer)
    this.#flushTimer = undefined
    await this.flush()
  }

  /** Drops what is summed for a detection (its response was lifted). */
  forget(kind: DetectionKind, key: string): void {
    this.#pending.delete(`${kind}|${key}`)
  }

  /** Drops what is summed for every detection whose key `lifted` names. */
  forgetKeys(lifted: (key: string) => boolean): void {
    for (const id of this.#pending.keys()) {
      if (lifted(id.slice(id.indexOf('|') + 1))) this.#pending.delete(id)
    }
  }
}
