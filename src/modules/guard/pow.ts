import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Counters } from './ports.js'

/**
 * The built-in proof-of-work challenge. The server hands out a signed puzzle; the client finds a
 * nonce such that SHA-256(`<puzzle>:<nonce>`) starts with `difficulty` zero bits and sends
 * `Gatehouse-PoW: <puzzle>:<nonce>` with its retry. A puzzle is bound to the endpoint and the
 * source address it was issued to, lives a short while, and is good for one request.
 */

export const POW_HEADER = 'gatehouse-pow'
export const POW_ALGORITHM = 'sha256-leading-zero-bits'

export type PowVerdict =
  | 'ok'
  | 'malformed'
  | 'bad_signature'
  | 'expired'
  | 'wrong_source'
  | 'too_easy'
  | 'unsolved'
  | 'reused'

interface Puzzle {
  v: 1
  /** Endpoint the puzzle is for. */
  e: string
  /** Difficulty in leading zero bits. */
  d: number
  /** Expiry, epoch ms. */
  x: number
  /** The source address, keyed (the address itself is not written into the puzzle). */
  s: string
  /** Random id: a puzzle is good for one request. */
  n: string
}

const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64url')
const NONCE = /^[A-Za-z0-9_-]{1,64}$/
const PUZZLE = /^[A-Za-z0-9_-]{1,400}\.[A-Za-z0-9_-]{43}$/

/** Leading zero bits of a digest (the client packages count the same way: packages/client/src/challenge.ts). */
export const leadingZeroBits = (digest: Uint8Array): number => {
  let bits = 0
  for (const byte of digest) {
    if (byte !== 0) return bits + Math.clz32(byte) - 24
    bits += 8
  }
  return bits
}

/** Finds a nonce for a puzzle (tests and benchmarks; clients use @gatehouse/client). */
export const solvePuzzle = (puzzle: string, difficulty: number): string => {
  for (let i = 0; ; i++) {
    const nonce = i.toString(36)
    if (leadingZeroBits(createHash('sha256').update(`${puzzle}:${nonce}`).digest()) >= difficulty)
      return nonce
  }
}

export class ProofOfWork {
  readonly #key: Buffer
  constructor(
    private readonly deps: {
      key: Buffer
      ttlMs: number
      now: () => number
      /** Puzzle ids already answered; each count must live at least as long as a puzzle (ttlMs). */
      used: Counters
    },
  ) {
    this.#key = deps.key
  }

  #sign(payload: string): string {
    return b64(createHmac('sha256', this.#key).update(payload).digest())
  }

  #source(ip: string | null): string {
    return b64(
      createHmac('sha256', this.#key)
        .update(`source:${ip ?? 'unknown'}`)
        .digest()
        .subarray(0, 12),
    )
  }

  /** A new puzzle for a request from `ip` to `endpoint`. */
  issue(endpoint: string, ip: string | null, difficulty: number): { puzzle: string; expiresAt: number } {
    const expiresAt = this.deps.now() + this.deps.ttlMs
    const body: Puzzle = {
      v: 1,
      e: endpoint,
      d: difficulty,
      x: expiresAt,
      s: this.#source(ip),
      n: b64(randomBytes(12)),
    }
    const payload = b64(JSON.stringify(body))
    return { puzzle: `${payload}.${this.#sign(payload)}`, expiresAt }
  }

  /** Checks a `Gatehouse-PoW` header value; an `ok` answer uses the puzzle up. */
  async verify(
    header: string,
    endpoint: string,
    ip: string | null,
    minDifficulty: number,
  ): Promise<PowVerdict> {
    const cut = header.lastIndexOf(':')
    const puzzle = header.slice(0, cut)
    const nonce = header.slice(cut + 1)
    if (cut < 0 || !PUZZLE.test(puzzle) || !NONCE.test(nonce)) return 'malformed'
    const [payload = '', signature = ''] = puzzle.split('.')
    const expected = Buffer.from(this.#sign(payload))
    const given = Buffer.from(signature)
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'bad_signature'
    let body: Puzzle
    try {
      body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Puzzle
    } catch {
      return 'malformed'
    }
    if (body.v !== 1 || typeof body.d !== 'number' || typeof body.x !== 'number') return 'malformed'
    if (body.x <= this.deps.now()) return 'expired'
    if (body.e !== endpoint || body.s !== this.#source(ip)) return 'wrong_source'
    if (body.d < minDifficulty) return 'too_easy'
    if (leadingZeroBits(createHash('sha256').update(`${puzzle}:${nonce}`).digest()) < body.d)
      return 'unsolved'
    // Counted after the work is checked: garbage cannot fill the store.
    return (await this.deps.used.add(body.n)) === 1 ? 'ok' : 'reused'
  }
}
