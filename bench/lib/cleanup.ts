/**
 * Clean-up steps of the benchmark that is running, newest first. The runner calls `runCleanups()`
 * when it is interrupted (SIGINT/SIGTERM), so a stopped run still kills its server and removes its
 * temporary data; a benchmark calls the disposer it got once it has cleaned up by itself.
 */
const steps = new Map<number, { label: string; fn: () => Promise<void> | void }>()
let next = 0

export const onCleanup = (label: string, fn: () => Promise<void> | void): (() => void) => {
  const id = next++
  steps.set(id, { label, fn })
  return () => {
    steps.delete(id)
  }
}

export const runCleanups = async (): Promise<void> => {
  const pending = [...steps.entries()].reverse()
  steps.clear()
  for (const [, step] of pending) {
    try {
      await step.fn()
    } catch (err) {
      console.error(`clean-up "${step.label}" failed: ${(err as Error).message}`)
    }
  }
}
