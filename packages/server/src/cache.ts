import { createHash } from 'node:crypto'

/**
 * The cache key of a token: its SHA-256, so that the raw token is never kept in memory longer than
 * the request that presented it (a heap dump of the cache yields no usable credential).
 */
export const tokenKey = (token: string): string => createHash('sha256').update(token).digest('base64url')

interface Entry<V> {
  value: V
  expiresAt: number
}

/**
 * A bounded map with a time limit per entry: the least recently used entry goes first when it is
 * full (a Map keeps insertion order; a hit moves its entry to the end).
 */
export class LruTtlCache<V> {
  readonly #entries = new Map<string, Entry<V>>()
  readonly #max: number

  constructor(maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new TypeError('cache.maxEntries must be ≥ 1')
    this.#max = maxEntries
  }

  get size(): number {
    return this.#entries.size
  }

  get(key: string, now: number): V | undefined {
    const entry = this.#entries.get(key)
    if (entry === undefined) return undefined
    if (entry.expiresAt <= now) {
      this.#entries.delete(key)
      return undefined
    }
    // Most recently used goes last; only when it is not last already (the hot path stays a lookup).
    if (this.#entries.size > 1) {
      this.#entries.delete(key)
      this.#entries.set(key, entry)
    }
    return entry.value
  }

  set(key: string, value: V, expiresAt: number): void {
    this.#entries.delete(key)
    this.#entries.set(key, { value, expiresAt })
    while (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next().value
      if (oldest === undefined) break
      this.#entries.delete(oldest)
    }
  }

  delete(key: string): void {
    this.#entries.delete(key)
  }

  clear(): void {
    this.#entries.clear()
  }
}
