/**
 * Clean-up steps of one benchmark run: each is registered with the runner (so Ctrl-C still runs it) and
 * run by `close()`, newest first, when the benchmark ends. `step` runs one early (a server that is no
 * longer needed), and unregisters it.
 */
import os from 'node:os'
import { onCleanup } from './cleanup.js'

export interface Scope {
  /** Registers `fn`; the returned function runs it now (once) and unregisters it. */
  later(label: string, fn: () => Promise<void> | void): () => Promise<void>
  close(): Promise<void>
}

export const scope = (): Scope => {
  const steps: Array<{ label: string; run: () => Promise<void> }> = []
  return {
    later(label, fn) {
      const dispose = onCleanup(label, fn)
      let done = false
      const run = async () => {
        if (done) return
        done = true
        dispose()
        try {
          await fn()
        } catch (err) {
          console.error(`clean-up "${label}" failed: ${(err as Error).message}`)
        }
      }
      steps.push({ label, run })
      return run
    },
    async close() {
      for (const step of steps.reverse()) await step.run()
      steps.length = 0
    },
  }
}

/** The machine row of every table. */
export const machine = (): string => {
  const cpus = os.cpus()
  return `${cpus.length} × ${cpus[0]?.model.trim() ?? '?'}, ${os.platform()} ${os.release()}`
}
