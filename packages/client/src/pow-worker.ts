/*
 * One proof-of-work solver in a Web Worker: searches the nonces `start`, `start + step` … of a
 * puzzle and reports how many it tried, about ten times a second, then the `Gatehouse-PoW` header
 * value. The page ends it with terminate() when it is no longer wanted (solve.ts).
 */
import { solvePow } from './challenge.js'

export interface SolveRequest {
  puzzle: string
  difficulty: number
  start: number
  step: number
}

export type SolverMessage =
  | { type: 'progress'; tried: number }
  | { type: 'solved'; header: string; tried: number }

// A dedicated worker's global scope, as far as it is used here (the package compiles with the DOM
// library, whose `self` is a Window).
const scope = self as unknown as {
  onmessage: ((e: MessageEvent<SolveRequest>) => void) | null
  postMessage(message: SolverMessage): void
}

scope.onmessage = (e) => {
  const { puzzle, difficulty, start, step } = e.data
  let reported = 0
  let tried = 0
  void solvePow(
    { puzzle, difficulty },
    {
      start,
      step,
      onProgress: (n) => {
        tried = n
        const now = performance.now()
        if (now - reported < 100) return
        reported = now
        scope.postMessage({ type: 'progress', tried: n })
      },
    },
  ).then((header) => scope.postMessage({ type: 'solved', header, tried }))
}
