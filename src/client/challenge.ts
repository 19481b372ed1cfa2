/**
 * Gatehouse challenge helper for browsers and Node.js 20+ (no dependencies: WebCrypto only).
 *
 * When Gatehouse suspects abuse it answers an identifier endpoint (login, recovery, sign-up …)
 * with `429` and a problem document whose `code` is `challenge_required`. Its `challenge.pow`
 * holds a puzzle: find a nonce such that SHA-256(`<puzzle>:<nonce>`) starts with `difficulty`
 * zero bits and repeat the request with the header `Gatehouse-PoW: <puzzle>:<nonce>`.
 *
 *   import { fetchWithChallenge } from 'gatehouse/dist/client/challenge.js'
 *   const res = await fetchWithChallenge(fetch, '/v1/sessions', { method: 'POST', headers, body })
 *
 * Any other 429 (`rate_limited`) carries `Retry-After`: wait, do not solve anything.
 */

export interface PowChallenge {
  algorithm: 'sha256-leading-zero-bits'
  puzzle: string
  difficulty: number
  header: string
  expires_at: string
}

/** Leading zero bits of a digest (the server checks answers with this one too). */
export const leadingZeroBits = (digest: Uint8Array): number => {
  let bits = 0
  for (const byte of digest) {
    if (byte === 0) {
      bits += 8
      continue
    }
    return bits + Math.clz32(byte) - 24
  }
  return bits
}

export interface SolveOptions {
  /**
   * The nonces tried are `start`, `start + step`, `start + 2 × step` …: several solvers (one per
   * core) share a puzzle by each taking every `step`-th nonce from its own start. Default 0 and 1.
   */
  start?: number
  step?: number
  /** Called after each batch with the number of nonces this solver has tried. */
  onProgress?: (tried: number) => void
  /** Stops the search: the promise rejects with the signal's reason. */
  signal?: AbortSignal
}

/**
 * Finds a nonce for the puzzle; returns the value of the `Gatehouse-PoW` header. Expect about
 * 2^difficulty hashes (difficulty 16: ~65,000, well under a second in a browser).
 */
export const solvePow = async (
  challenge: Pick<PowChallenge, 'puzzle' | 'difficulty'>,
  opts: SolveOptions = {},
): Promise<string> => {
  const { start = 0, step = 1, onProgress, signal } = opts
  const encoder = new TextEncoder()
  const prefix = `${challenge.puzzle}:`
  // Digests are asynchronous: run a batch at a time rather than one by one.
  const batch = 256
  for (let tried = 0; ; tried += batch) {
    signal?.throwIfAborted()
    const nonces = Array.from({ length: batch }, (_, i) => (start + (tried + i) * step).toString(36))
    const digests = await Promise.all(
      nonces.map((n) => crypto.subtle.digest('SHA-256', encoder.encode(prefix + n))),
    )
    for (let i = 0; i < batch; i++) {
      if (leadingZeroBits(new Uint8Array(digests[i] as ArrayBuffer)) >= challenge.difficulty) {
        onProgress?.(tried + i + 1)
        return `${challenge.puzzle}:${nonces[i]}`
      }
    }
    onProgress?.(tried + batch)
  }
}

/** The challenge in a response, or null when the response is not a `challenge_required` problem. */
export const challengeOf = async (res: Response): Promise<PowChallenge | null> => {
  if (res.status !== 429) return null
  try {
    const problem = (await res.clone().json()) as { code?: string; challenge?: { pow?: PowChallenge } }
    return problem.code === 'challenge_required' && problem.challenge?.pow ? problem.challenge.pow : null
  } catch {
    return null
  }
}

/**
 * `fetch`, and once more with a solved puzzle when Gatehouse asks for one. The request body must
 * be a string (or absent) so that it can be sent twice.
 */
export const fetchWithChallenge = async (
  fetchFn: typeof fetch,
  input: string | URL,
  init: RequestInit = {},
): Promise<Response> => {
  const first = await fetchFn(input, init)
  const pow = await challengeOf(first)
  if (!pow) return first
  const headers = new Headers(init.headers)
  headers.set(pow.header, await solvePow(pow))
  return fetchFn(input, { ...init, headers })
}
