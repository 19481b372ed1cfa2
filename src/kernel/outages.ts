/**
 * Which failures are outages of a dependency rather than bugs. A request that meets one is answered
 * `503 service_unavailable` with `Retry-After` (src/http/problem.ts), and the outage is logged once
 * when it starts and once, summarised, when it ends (OutageTracker), never once per request.
 */

export const dependencies = ['database', 'redis', 'smtp', 'sms', 'disk'] as const
export type Dependency = (typeof dependencies)[number]

export interface DependencyFailure {
  dependency: Dependency
  /** A driver code or a short phrase: `ECONNREFUSED`, `SQLITE_FULL`, `57P01`, `timeout`. */
  reason: string
}

/** The error of a call that ran past its deadline; `dependency` names who did not answer. */
export class DeadlineExceeded extends Error {
  override readonly name = 'DeadlineExceeded'
  readonly code = 'ETIMEDOUT'
  constructor(
    readonly dependency: Dependency,
    readonly ms: number,
    what = 'the call',
  ) {
    super(`${dependency}: ${what} did not answer within ${ms} ms`)
  }
}

/** Connection-level errors of Node's sockets: whoever we were talking to is unreachable. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
])

/**
 * SQLite result codes that say the storage cannot take the write now: a full or failing disk, a
 * lock held too long, a file that cannot be opened. better-sqlite3 puts them in `code`, extended
 * codes included (`SQLITE_IOERR_WRITE`, `SQLITE_BUSY_SNAPSHOT`).
 */
const SQLITE_OUTAGE = /^SQLITE_(FULL|BUSY|LOCKED|IOERR|CANTOPEN|READONLY|PROTOCOL|NOMEM)(_|$)/

/**
 * PostgreSQL SQLSTATEs of an unavailable server: connection exceptions (class 08), insufficient
 * resources (53: disk full, out of memory, too many connections), operator intervention (57:
 * shutdown, cannot connect now, a statement cancelled by statement_timeout) and system errors (58).
 */
const PG_OUTAGE = /^(08|53|57|58)[0-9A-Z]{3}$/

/** Messages of node-postgres and pg-pool that carry no code. */
const PG_MESSAGES: Array<[RegExp, string]> = [
  [/timeout exceeded when trying to connect/i, 'connect timeout'],
  [/Connection terminated/i, 'connection terminated'],
  [/Query read timeout/i, 'timeout'],
  [/Client has encountered a connection error/i, 'connection error'],
]

const codeOf = (e: { code?: unknown }): string | undefined =>
  typeof e.code === 'string' ? e.code : undefined

/**
 * The dependency outage an error stands for, or null when it is not one (then it is a bug, or an
 * expected failure handled elsewhere). Looks through `cause` chains and AggregateErrors (which
 * `net.connect` raises when every address of a name refuses).
 */
export const dependencyFailureOf = (
  err: unknown,
  /** Who a bare network error (ECONNREFUSED …) is about: the database, for requests. */
  network: Dependency = 'database',
  depth = 0,
): DependencyFailure | null => {
  if (err === null || typeof err !== 'object' || depth > 5) return null
  if (err instanceof DeadlineExceeded) return { dependency: err.dependency, reason: 'timeout' }
  const e = err as { code?: unknown; message?: unknown; name?: unknown; cause?: unknown; errors?: unknown }
  const code = codeOf(e)
  const message = typeof e.message === 'string' ? e.message : ''
  if (code && SQLITE_OUTAGE.test(code)) {
    return { dependency: code.startsWith('SQLITE_FULL') ? 'disk' : 'database', reason: code }
  }
  if (code && e.name === 'SqliteError') return null
  // node-postgres errors from the server carry the SQLSTATE in `code`.
  if (code && PG_OUTAGE.test(code)) return { dependency: 'database', reason: code }
  if (code === 'ENOSPC' || code === 'EDQUOT') return { dependency: 'disk', reason: code }
  if (code && NETWORK_CODES.has(code)) return { dependency: network, reason: code }
  for (const [pattern, reason] of PG_MESSAGES) {
    if (pattern.test(message)) return { dependency: 'database', reason }
  }
  if (Array.isArray(e.errors)) {
    for (const inner of e.errors) {
      const found = dependencyFailureOf(inner, network, depth + 1)
      if (found) return found
    }
  }
  return e.cause !== undefined ? dependencyFailureOf(e.cause, network, depth + 1) : null
}

/**
 * `promise`, or a DeadlineExceeded after `ms`. The timer is checked once more after the event
 * loop's next I/O turn: an answer that arrived while the loop was busy (a long synchronous task)
 * is taken, not mistaken for a hung dependency. The call itself is not cancelled.
 */
export const withDeadline = <T>(
  promise: Promise<T>,
  ms: number,
  dependency: Dependency,
  what?: string,
): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    let settled = false
    const timer = setTimeout(
      () =>
        setImmediate(() => {
          if (settled) return
          settled = true
          reject(new DeadlineExceeded(dependency, ms, what))
        }),
      ms,
    )
    promise.then(
      (value) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        resolve(value)
      },
      (err: unknown) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        reject(err)
      },
    )
  })

export interface OutageLog {
  error(fields: Record<string, unknown>, message: string): void
  info(fields: Record<string, unknown>, message: string): void
}

/** What an outage of each dependency means, for its log line. */
const CONSEQUENCE: Record<Dependency, string> = {
  database: 'requests that need it answer 503 until it recovers',
  disk: 'the instance is not ready, and writes that need room answer 503, until there is room',
  redis: 'limits count per instance, in memory, until it recovers',
  smtp: 'mail waits in the outbox and is retried until it recovers',
  sms: 'texts wait in the outbox and are retried until it recovers',
}

export interface OutageTrackerDeps {
  log: OutageLog
  now: () => number
  /** Called on every change of state (for a gauge). */
  onState?: (dependency: Dependency, up: boolean) => void
  /** Called on every failure counted (for a counter). */
  onFailure?: (dependency: Dependency) => void
  /** How to tell that a dependency answers again; without one, its adapter reports `recovered`. */
  probes?: Partial<Record<Dependency, () => Promise<unknown>>>
  /** How often a probe runs during an outage; default 1000 ms. */
  probeIntervalMs?: number
}

interface Outage {
  since: number
  reason: string
  failures: number
  probe: NodeJS.Timeout | undefined
  probing: boolean
}

/**
 * The state of each dependency as this instance sees it: up until a failure says otherwise, down
 * until a probe (or the adapter that saw it) says it answers again. Logs one line when an outage
 * starts and one summary when it ends (how long, how many failures, the first reason): however
 * many requests meet it, the log does not grow with them.
 */
export class OutageTracker {
  readonly #down = new Map<Dependency, Outage>()
  readonly #deps: OutageTrackerDeps
  #closed = false

  constructor(deps: OutageTrackerDeps) {
    this.#deps = deps
    for (const d of dependencies) deps.onState?.(d, true)
  }

  isDown(dependency: Dependency): boolean {
    return this.#down.has(dependency)
  }

  /** Dependencies down now, with the reason their outage started. */
  down(): Array<{ dependency: Dependency; reason: string; since: number }> {
    return [...this.#down].map(([dependency, o]) => ({ dependency, reason: o.reason, since: o.since }))
  }

  /** Counts a failure; the first one of an outage is logged, with its reason and where it was met. */
  failed(failure: DependencyFailure, where?: string): void {
    this.#deps.onFailure?.(failure.dependency)
    const known = this.#down.get(failure.dependency)
    if (known) {
      known.failures++
      return
    }
    if (this.#closed) return
    const outage: Outage = {
      since: this.#deps.now(),
      reason: failure.reason,
      failures: 1,
      probe: undefined,
      probing: false,
    }
    this.#down.set(failure.dependency, outage)
    this.#deps.onState?.(failure.dependency, false)
    this.#deps.log.error(
      { dependency: failure.dependency, reason: failure.reason, ...(where ? { where } : {}) },
      `${failure.dependency} unavailable: ${CONSEQUENCE[failure.dependency]}`,
    )
    const probe = this.#deps.probes?.[failure.dependency]
    if (probe) {
      outage.probe = setInterval(() => {
        if (outage.probing) return
        outage.probing = true
        probe().then(
          () => this.recovered(failure.dependency),
          () => {
            outage.probing = false
          },
        )
      }, this.#deps.probeIntervalMs ?? 1000)
      outage.probe.unref()
    }
  }

  /** The dependency answers again: ends its outage with one summary line. */
  recovered(dependency: Dependency): void {
    const outage = this.#down.get(dependency)
    if (!outage) return
    if (outage.probe) clearInterval(outage.probe)
    this.#down.delete(dependency)
    this.#deps.onState?.(dependency, true)
    this.#deps.log.info(
      {
        dependency,
        reason: outage.reason,
        failures: outage.failures,
        seconds: Math.round((this.#deps.now() - outage.since) / 100) / 10,
      },
      `${dependency} available again`,
    )
  }

  close(): void {
    this.#closed = true
    for (const o of this.#down.values()) if (o.probe) clearInterval(o.probe)
  }
}
