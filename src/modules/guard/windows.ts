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
