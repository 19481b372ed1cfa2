/*
 * Solving the guard's proof-of-work challenge in the page: when the API answers 429
 * `challenge_required`, api/index.ts hands the puzzle here; it runs in Web Workers (one per core, at most
 * four, each trying every n-th nonce) while the page shows the progress, and comes back with the
 * `Gatehouse-PoW` header value to send the request again with. See docs/guard.md.
 */
import type { SolveRequest, SolverMessage } from './pow.worker'

export interface PowChallenge {
  algorithm: string
  puzzle: string
  difficulty: number
  header: string
  expires_at: string
}

/** What the page shows while a puzzle is being solved. */
export interface Solving {
  difficulty: number
  /** Attempts expected on average: 2^difficulty. */
  expected: number
  /** Attempts made so far, every solver together. */
  tried: number
  startedAt: number
  /** When the last progress arrived. */
  updatedAt: number
  solvers: number
  /** When the puzzle stops being accepted (epoch ms). */
  expiresAt: number
}

/** The person cancelled: the request is not sent again. */
export class ChallengeCancelled extends Error {
  override readonly name = 'ChallengeCancelled'
  constructor() {
    super('The challenge was cancelled')
  }
}

let current: Solving | null = null
let cancelCurrent: (() => void) | null = null
const listeners = new Set<() => void>()
const publish = (s: Solving | null) => {
  current = s
  for (const l of listeners) l()
}

export const subscribeSolving = (l: () => void) => {
  listeners.add(l)
  return () => {
    listeners.delete(l)
  }
}
export const solvingNow = () => current
/** Stops the puzzle being solved (if any); the request that met it fails with ChallengeCancelled. */
export const cancelSolving = () => cancelCurrent?.()

const solverCount = () => Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1))

/**
 * Solves a puzzle in workers, publishing the progress; resolves with the header value. The request's
 * own abort signal (a page left) stops the workers too.
 */
export const solveChallenge = (pow: PowChallenge, signal?: AbortSignal): Promise<string> => {
  cancelCurrent?.()
  const solvers = solverCount()
  const startedAt = Date.now()
  const expiresAt = Date.parse(pow.expires_at)
  const tried = new Array<number>(solvers).fill(0)
  const workers: Worker[] = []
  let state: Solving = {
    difficulty: pow.difficulty,
    expected: 2 ** pow.difficulty,
    tried: 0,
    startedAt,
    updatedAt: startedAt,
    solvers,
    expiresAt: Number.isNaN(expiresAt) ? startedAt + 120_000 : expiresAt,
  }
  publish(state)
  return new Promise<string>((resolve, reject) => {
    const onAbort = () => {
      finish()
      reject(signal?.reason ?? new DOMException('Aborted', 'AbortError'))
    }
    const finish = () => {
      for (const w of workers) w.terminate()
      signal?.removeEventListener('abort', onAbort)
      cancelCurrent = null
      publish(null)
    }
    cancelCurrent = () => {
      finish()
      reject(new ChallengeCancelled())
    }
    if (signal?.aborted) {
      onAbort()
      return
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    for (let i = 0; i < solvers; i++) {
      const worker = new Worker(new URL('./pow.worker.ts', import.meta.url), {
        type: 'module',
        name: `gatehouse-pow-${i}`,
      })
      worker.onmessage = (e: MessageEvent<SolverMessage>) => {
        tried[i] = e.data.tried
        if (e.data.type === 'solved') {
          finish()
          resolve(e.data.header)
          return
        }
        state = { ...state, tried: tried.reduce((a, b) => a + b, 0), updatedAt: Date.now() }
        publish(state)
      }
      worker.onerror = (e) => {
        finish()
        reject(new Error(`The challenge solver failed: ${e.message || 'the worker could not start'}`))
      }
      const request: SolveRequest = {
        puzzle: pow.puzzle,
        difficulty: pow.difficulty,
        start: i,
        step: solvers,
      }
      worker.postMessage(request)
      workers.push(worker)
    }
  })
}
