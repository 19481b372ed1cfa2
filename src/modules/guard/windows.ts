import type { Counters } from './ports.js'

/**
 * A sliding-window count over the limiter store: the count of the current fixed window plus the
 * previous window's, weighted by how much of it the sliding window still covers. Each key lives
 * two windows, so the store holds at most two buckets per key.
 */
export class SlidingWindow {
  readonly #ms: number

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

  /** Adds `n` and returns the sliding count after it. */
  async add(key: string, n = 1): Promise<number> {
    const { bucket, previousWeight } = this.#position()
    const [current, previous] = await Promise.all([
      this.counters.add(`${key}@${bucket}`, n),
      this.counters.get(`${key}@${bucket - 1}`),
    ])
    return current + previous.count * previousWeight
  }

  async read(key: string): Promise<number> {
    const { bucket, previousWeight } = this.#position()
    const [current, previous] = await Promise.all([
      this.counters.get(`${key}@${bucket}`),
      this.counters.get(`${key}@${bucket - 1}`),
    ])
    return current.count + previous.count * previousWeight
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
    await Promise.all([
      this.counters.delete(`${key}@${bucket}`),
      this.counters.delete(`${key}@${bucket - 1}`),
    ])
  }
}
