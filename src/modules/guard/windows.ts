import type { Counters } from './ports.js'

/**
 * A sliding-window count over the limiter store: the count of the current fixed window plus the
 * previous window's, weighted by how much of it the sliding window still covers. Each key lives
 * two windows, so the store holds at most two buckets per key.
 */
export class SlidingWindow {
  readonly #ms: number
  /**
   * Counts of the previous bucket, read once it has been closed for a while: no instance adds to it
   * any more, so it need not be read from the store again. Emptied when the bucket moves on.
   */
  #closed = new Map<string, number>()
  #closedBucket = -1

  constructor(
    private readonly counters: Counters,
    windowSeconds: number,
    private readonly now: () => number,
  ) {
    this.#ms = windowSeconds * 1000
  }

  /** Makes the counters a sliding window needs: each bucket lives two windows. */
  static lifeSeconds(windowSeconds: number): number {
    return windowSeconds * 2
  }

  #position(): { bucket: number; previousWeight: number } {
    const t = this.now()
    const bucket = Math.floor(t / this.#ms)
    return { bucket, previousWeight: 1 - (t - bucket * this.#ms) / this.#ms }
  }

  /** The previous bucket's count, from the store or (once it has been closed for 2 s) from memory. */
  async #previous(key: string, bucket: number, previousWeight: number): Promise<number> {
    if (bucket !== this.#closedBucket) {
      this.#closed = new Map()
      this.#closedBucket = bucket
    }
    const known = this.#closed.get(key)
    if (known !== undefined) return known
    const { count } = await this.counters.get(`${key}@${bucket - 1}`)
    // Settled: 2 s into the new bucket, late adds from other instances have landed.
    if ((1 - previousWeight) * this.#ms >= 2000 && this.#closed.size < 100_000) this.#closed.set(key, count)
    return count
  }

  /** The previous bucket's counts of several keys: the ones not known yet in one read. */
  async #previousMany(keys: readonly string[], bucket: number, previousWeight: number): Promise<number[]> {
    if (bucket !== this.#closedBucket) {
      this.#closed = new Map()
      this.#closedBucket = bucket
    }
    const out = keys.map((k) => this.#closed.get(k))
    const missing = keys.filter((_, i) => out[i] === undefined)
    if (missing.length === 0) return out as number[]
    const read = await this.counters.getMany(missing.map((k) => `${k}@${bucket - 1}`))
    const settled = (1 - previousWeight) * this.#ms >= 2000
    let j = 0
    return out.map((known, i) => {
      if (known !== undefined) return known
      const { count } = read[j++]!
      if (settled && this.#closed.size < 100_000) this.#closed.set(keys[i]!, count)
      return count
    })
  }

  /** Adds 1 to each key and returns the sliding counts after it, in order (`add` on each, batched). */
  async addMany(keys: readonly string[]): Promise<number[]> {
    const { bucket, previousWeight } = this.#position()
    const [current, previous] = await Promise.all([
      this.counters.addMany(keys.map((k) => `${k}@${bucket}`)),
      this.#previousMany(keys, bucket, previousWeight),
    ])
    return current.map((c, i) => c + previous[i]! * previousWeight)
  }

  /** The sliding counts of several keys, in order. */
  async readMany(keys: readonly string[]): Promise<number[]> {
    const { bucket, previousWeight } = this.#position()
    const [current, previous] = await Promise.all([
      this.counters.getMany(keys.map((k) => `${k}@${bucket}`)),
      this.#previousMany(keys, bucket, previousWeight),
    ])
    return current.map((c, i) => c.count + previous[i]! * previousWeight)
  }

  /**
   * `addDistinct` of one item for several keys at once (an address and its networks): three batched
   * store commands whatever the number of keys.
   */
  async addDistinctMany(seen: Counters, keys: readonly string[], item: string): Promise<number[]> {
    const { bucket, previousWeight } = this.#position()
    const [marks, previous] = await Promise.all([
      seen.addMany(keys.map((k) => `${k}|${item}@${bucket}`)),
      this.#previousMany(keys, bucket, previousWeight),
    ])
    const fresh = keys.filter((_, i) => marks[i] === 1)
    const old = keys.filter((_, i) => marks[i] !== 1)
    const [added, read] = await Promise.all([
      fresh.length > 0 ? this.counters.addMany(fresh.map((k) => `${k}@${bucket}`)) : [],
      old.length > 0 ? this.counters.getMany(old.map((k) => `${k}@${bucket}`)) : [],
    ])
    let a = 0
    let r = 0
    return keys.map(
      (_, i) => (marks[i] === 1 ? added[a++]! : read[r++]!.count) + previous[i]! * previousWeight,
    )
  }

  /** Adds `n` and returns the sliding count after it. */
  async add(key: string, n = 1): Promise<number> {
    const { bucket, previousWeight } = this.#position()
    const [current, previous] = await Promise.all([
      this.counters.add(`${key}@${bucket}`, n),
      this.#previous(key, bucket, previousWeight),
    ])
    return current + previous * previousWeight
  }

  async read(key: string): Promise<number> {
    const { bucket, previousWeight } = this.#position()
    const [current, previous] = await Promise.all([
      this.counters.get(`${key}@${bucket}`),
      this.#previous(key, bucket, previousWeight),
    ])
    return current.count + previous * previousWeight
  }

  /**
   * Counts `item` once per window for `key`: returns the sliding count of distinct items after
   * it (an item seen in both the previous and the current window may count in each).
   */
  async addDistinct(seen: Counters, key: string, item: string): Promise<number> {
    const { bucket } = this.#position()
    if ((await seen.add(`${key}|${item}@${bucket}`)) === 1) return this.add(key)
    return this.read(key)
  }

  /** Forgets the key's count. */
  async clear(key: string): Promise<void> {
    const { bucket } = this.#position()
    this.#closed.delete(key)
    await Promise.all([
      this.counters.delete(`${key}@${bucket}`),
      this.counters.delete(`${key}@${bucket - 1}`),
    ])
  }
}
