import { createHash } from 'node:crypto'
import type { NewAuditEntry } from './ports.js'

/**
 * The hash chain of the audit log: each entry's hash is SHA-256 over the previous entry's hash and
 * the entry's canonical JSON. Changing, removing, inserting or reordering an entry breaks every
 * hash from there on, so the head hash (kept somewhere else) vouches for the whole log.
 */

/** The hash before the first entry. */
export const GENESIS = '0'.repeat(64)

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/**
 * JSON with object keys sorted (recursively) and no insignificant white space, so that the same
 * value always gives the same bytes (numbers must be finite; `undefined` members are left out).
 */
export const canonicalJson = (value: unknown): string => {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('canonical JSON has no place for a non-finite number')
    return JSON.stringify(value)
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  throw new TypeError(`canonical JSON has no place for a ${typeof value}`)
}

/** What an entry's hash covers: everything but the hashes themselves. */
export interface AuditFields extends NewAuditEntry {
  seq: number
}

export const entryHash = (previousHash: string, e: AuditFields): string =>
  createHash('sha256')
    .update(previousHash)
    .update(
      canonicalJson({
        seq: e.seq,
        at: e.at,
        actor: e.actor,
        actor_ip: e.actorIp,
        request_id: e.requestId,
        action: e.action,
        target: e.target,
        details: e.details,
      }),
    )
    .digest('hex')

export interface StoredAuditEntry extends AuditFields {
  previousHash: string
  hash: string
}

export type ChainBreak = { seq: number; reason: 'missing' | 'previous_hash' | 'hash' | 'order' }

/**
 * Checks entries in the order read (ascending seq) against the chain; returns the first break.
 * Feed it page by page: the state carries over.
 */
export class ChainVerifier {
  #expectedSeq = 1
  #previous = GENESIS
  #count = 0

  /** Returns the first break found in this page, or null. */
  check(entries: readonly StoredAuditEntry[]): ChainBreak | null {
    for (const e of entries) {
      if (e.seq < this.#expectedSeq) return { seq: e.seq, reason: 'order' }
      if (e.seq > this.#expectedSeq) return { seq: this.#expectedSeq, reason: 'missing' }
      if (e.previousHash !== this.#previous) return { seq: e.seq, reason: 'previous_hash' }
      if (entryHash(this.#previous, e) !== e.hash) return { seq: e.seq, reason: 'hash' }
      this.#previous = e.hash
      this.#expectedSeq++
      this.#count++
    }
    return null
  }

  get head(): string {
    return this.#previous
  }

  get count(): number {
    return this.#count
  }
}
