/*
 * Gatehouse's challenges. When Gatehouse suspects abuse it answers `429` with a problem document
 * whose `code` is `challenge_required`. Its `challenge.pow` holds a puzzle: find a nonce such that
 * SHA-256(`<puzzle>:<nonce>`) starts with `difficulty` zero bits, and send the request again with
 * the header `Gatehouse-PoW: <puzzle>:<nonce>`. Its `challenge.captcha`, when the server offers
 * one, names a CAPTCHA widget whose token goes in another header. The client (client.ts) does all
 * of this by itself; this module is the solver. WebCrypto only, so it runs in browsers and Node.
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

export interface CaptchaChallenge {
  provider: string
  site_key: string
  header: string
}

const challengeOf = (problem: Record<string, unknown>): Record<string, unknown> | null =>
  problem.code === 'challenge_required' && typeof problem.challenge === 'object' && problem.challenge
    ? (problem.challenge as Record<string, unknown>)
    : null

/** The proof-of-work puzzle of a `challenge_required` problem document, or null. */
export const powOf = (problem: Record<string, unknown>): PowChallenge | null => {
  const pow = challengeOf(problem)?.pow as Partial<PowChallenge> | undefined
  return pow &&
    pow.algorithm === 'sha256-leading-zero-bits' &&
    typeof pow.puzzle === 'string' &&
    typeof pow.difficulty === 'number' &&
    typeof pow.header === 'string'
    ? (pow as PowChallenge)
    : null
}

/** The CAPTCHA of a `challenge_required` problem document, when the server offers one. */
export const captchaOf = (problem: Record<string, unknown>): CaptchaChallenge | null => {
  const c = challengeOf(problem)?.captcha as Record<string, unknown> | undefined
  return c && typeof c.provider === 'string' && typeof c.site_key === 'string'
    ? {
        provider: c.provider,
        site_key: c.site_key,
        header: typeof c.header === 'string' ? c.header : 'Gatehouse-Captcha',
      }
    : null
}
