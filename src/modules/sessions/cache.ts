import type { SessionPrincipal } from './ports.js'

/** A count that moves whenever a write may change a session check's answer (the SQL adapter keeps it). */
export interface ChangeCount {
  readonly generation: number
}

interface Entry {
  readonly principal: SessionPrincipal
  /** The change count when the lookup began. */
  readonly generation: number
  /** Monotonic time when the lookup began. */
  readonly since: number
}

/**
 * Recent answers of the session lookup, by token hash, kept at most `ttlMs` (one second at most)
 * and only while nothing that could change them has been written through this process. So a
 * logout, a revocation, a forced reset or a role change made on this instance takes effect at the
 * next request, and one made on another instance within `ttlMs` (at once when the instances tell
 * each other over Redis: src/adapters/broadcast/principal-changes.ts). Only live sessions are kept (an
 * unknown token always asks the database), never a token itself, and at most `maxEntries`.
 *
 * Entries are shared between requests: a principal taken from here must not be changed.
 */
export class SessionCache {
  readonly #entries = new Map<string, Entry>()

  constructor(
    private readonly opts: {
      changes: ChangeCount
      ttlMs: number
      maxEntries: number
      /** Monotonic milliseconds. */
      monotonic?: () => number
    },
  ) {}

  get size(): number {
    return this.#entries.size
  }

  /** The cached principal, if it is fresh and still live at `now` (wall-clock milliseconds). */
  get(tokenHash: string, now: number): SessionPrincipal | null {
    const e = this.#entries.get(tokenHash)
    if (!e) return null
    const s = e.principal.session
    if (
      e.generation !== this.opts.changes.generation ||
      this.#monotonic() - e.since >= this.opts.ttlMs ||
      s.expiresAt <= now ||
      s.idleExpiresAt <= now
    ) {
      this.#entries.delete(tokenHash)
      return null
    }
    return e.principal
  }

  /** Marks the start of a lookup; hand the mark to `put` with its result. */
  begin(): { generation: number; since: number } {
    return { generation: this.opts.changes.generation, since: this.#monotonic() }
  }

  /** Keeps a lookup's result, unless something changed while it ran. */
  put(
    tokenHash: string,
    principal: SessionPrincipal | null,
    mark: { generation: number; since: number },
  ): void {
    if (principal === null || this.opts.ttlMs <= 0 || mark.generation !== this.opts.changes.generation) {
      this.#entries.delete(tokenHash)
      return
    }
    this.#entries.delete(tokenHash)
    if (this.#entries.size >= this.opts.maxEntries) {
      // The oldest insertion goes first.
      const oldest = this.#entries.keys().next()
      if (!oldest.done) this.#entries.delete(oldest.value)
    }
    this.#entries.set(tokenHash, { principal, ...mark })
  }

  #monotonic(): number {
    return this.opts.monotonic ? this.opts.monotonic() : performance.now()
  }
}
