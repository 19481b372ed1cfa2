/*
 * Solving a proof-of-work challenge with visible progress. In a browser the puzzle is shared among
 * Web Workers (one per core, at most four, each trying every n-th nonce) so the page stays
 * responsive; where there are no workers (Node.js) it is solved in batches on the main thread.
 */
import { type PowChallenge, solvePow } from './challenge.js'
import type { SolveRequest, SolverMessage } from './pow-worker.js'

/** What a page shows while a puzzle is being solved. */
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

/** The person cancelled the puzzle: the request that met it is not sent again. */
export class ChallengeCancelled extends Error {
  override readonly name = 'ChallengeCancelled'
  constructor() {
    super('The challenge was cancelled')
  }
}

export interface Solver {
  /** Solves a puzzle; resolves with the header value. The signal (a page left) stops it too. */
  solve(pow: PowChallenge, signal?: AbortSignal): Promise<string>
  /** Called whenever the progress changes (and with null when solving ends). */
  subscribe(listener: (solving: Solving | null) => void): () => void
  /** The puzzle being solved now, or null. */
  current(): Solving | null
  /** Stops the puzzle being solved (if any); its request fails with ChallengeCancelled. */
  cancel(): void
}

export interface SolverOptions {
  /**
   * Where the worker script is. Default: `pow-worker.js` beside this module, which Vite, webpack 5
   * and Parcel bundle by themselves; `false` solves on the main thread.
   */
  workerUrl?: URL | string | false
}

const solverCount = () =>
  Math.max(1, Math.min(4, (globalThis.navigator as Navigator | undefined)?.hardwareConcurrency || 1))

const startWorker = (url: URL | string | undefined, i: number): Worker =>
  url === undefined
    ? new Worker(new URL('./pow-worker.js', import.meta.url), { type: 'module', name: `gatehouse-pow-${i}` })
    : new Worker(url, { type: 'module', name: `gatehouse-pow-${i}` })

/** A search under way: the header value when found, and a way to stop every solver. */
interface Search {
  found: Promise<string>
  stop(): void
}

/** Shares the puzzle among `solvers` Web Workers, each trying every n-th nonce. */
const searchInWorkers = (
  pow: PowChallenge,
  solvers: number,
  workerUrl: URL | string | undefined,
  progress: (i: number, tried: number) => void,
): Search => {
  const workers: Worker[] = []
  const stop = () => {
    for (const w of workers) w.terminate()
  }
  const found = new Promise<string>((resolve, reject) => {
    for (let i = 0; i < solvers; i++) {
      const worker = startWorker(workerUrl, i)
      worker.onmessage = (e: MessageEvent<SolverMessage>) => {
        if (e.data.type === 'solved') resolve(e.data.header)
        else progress(i, e.data.tried)
      }
      worker.onerror = (e) =>
        reject(new Error(`The challenge solver failed: ${e.message || 'the worker could not start'}`))
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
  return { found, stop }
}

/** Solves the puzzle on this thread, in batches of digests. */
const searchHere = (pow: PowChallenge, progress: (i: number, tried: number) => void): Search => {
  const local = new AbortController()
  return {
    found: solvePow(pow, { signal: local.signal, onProgress: (n) => progress(0, n) }),
    stop: () => local.abort(),
  }
}

/** The progress of a puzzle no solver has tried yet. */
const startState = (pow: PowChallenge, solvers: number): Solving => {
  const startedAt = Date.now()
  const expiresAt = Date.parse(pow.expires_at)
  return {
    difficulty: pow.difficulty,
    expected: 2 ** pow.difficulty,
    tried: 0,
    startedAt,
    updatedAt: startedAt,
    solvers,
    expiresAt: Number.isNaN(expiresAt) ? startedAt + 120_000 : expiresAt,
  }
}

export const createSolver = (opts: SolverOptions = {}): Solver => {
  let current: Solving | null = null
  let cancelCurrent: (() => void) | null = null
  const listeners = new Set<(s: Solving | null) => void>()
  const publish = (s: Solving | null) => {
    current = s
    for (const l of listeners) l(s)
  }
  const useWorkers = opts.workerUrl !== false && typeof Worker !== 'undefined'

  const solve = (pow: PowChallenge, signal?: AbortSignal): Promise<string> => {
    cancelCurrent?.()
    const solvers = useWorkers ? solverCount() : 1
    const tried = new Array<number>(solvers).fill(0)
    let state = startState(pow, solvers)
    const progress = (i: number, n: number) => {
      tried[i] = n
      state = { ...state, tried: tried.reduce((a, b) => a + b, 0), updatedAt: Date.now() }
      publish(state)
    }
    return new Promise<string>((resolve, reject) => {
      const search = useWorkers
        ? searchInWorkers(pow, solvers, opts.workerUrl || undefined, progress)
        : searchHere(pow, progress)
      // Once: a cancelled search's late answer must not end the next puzzle's progress.
      let done = false
      const finish = () => {
        if (done) return
        done = true
        search.stop()
        signal?.removeEventListener('abort', onAbort)
        cancelCurrent = null
        publish(null)
      }
      const onAbort = () => {
        finish()
        reject(signal?.reason ?? new DOMException('Aborted', 'AbortError'))
      }
      cancelCurrent = () => {
        finish()
        reject(new ChallengeCancelled())
      }
      // Handled before anyone can cancel: a search stopped by a listener rejects, and that
      // rejection must reach these handlers (no-ops by then), never go unhandled.
      search.found.then(
        (header) => {
          finish()
          resolve(header)
        },
        (e: unknown) => {
          finish()
          reject(e)
        },
      )
      // Listeners hear of the puzzle once it can be cancelled (one may cancel it at once).
      publish(state)
      if (done) return
      if (signal?.aborted) return onAbort()
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }

  return {
    solve,
    subscribe: (l) => {
      listeners.add(l)
      return () => {
        listeners.delete(l)
      }
    },
    current: () => current,
    cancel: () => cancelCurrent?.(),
  }
}
