/** Time comes from one place so that tests can move it. All times are epoch milliseconds. */
export interface Clock {
  now(): number
}

export const systemClock: Clock = { now: () => Date.now() }

/** A clock that only moves when told to; for tests and simulations. */
export class ManualClock implements Clock {
  #now: number
  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start
  }
  now(): number {
    return this.#now
  }
  advance(ms: number): void {
    this.#now += ms
  }
  set(ms: number): void {
    this.#now = ms
  }
}

export const SECOND = 1000
export const MINUTE = 60 * SECOND
export const HOUR = 60 * MINUTE
export const DAY = 24 * HOUR

/** A time in milliseconds as the API writes it: ISO 8601 in UTC. */
export const iso = (ms: number): string => new Date(ms).toISOString()

/** The same for a time that may be missing: null stays null. */
export const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms))
