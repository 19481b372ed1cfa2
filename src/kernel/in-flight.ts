/**
 * Tasks run at most `limit` at a time, started in the order they are added. `add` returns once its
 * task has started (it waits while `limit` run), so a caller that reads its input between adds
 * holds at most `limit + 1` pieces of it. A failure is seen at the next `add` or at `settled()`,
 * never as an unhandled rejection; no task starts after one has failed.
 */
export class InFlight {
  readonly #running = new Set<Promise<void>>()
  #failure: { error: unknown } | null = null

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError('InFlight: limit must be a positive integer')
  }

  /** Starts `task` as soon as fewer than `limit` run. */
  async add(task: () => Promise<void>): Promise<void> {
    while (this.#running.size >= this.limit) await Promise.race(this.#running)
    if (this.#failure !== null) throw this.#failure.error
    const running: Promise<void> = task()
      .catch((error: unknown) => {
        this.#failure ??= { error }
      })
      .finally(() => this.#running.delete(running))
    this.#running.add(running)
  }

  /** Waits for every task started; rejects with the first failure, if any. */
  async settled(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running)
    if (this.#failure !== null) throw this.#failure.error
  }
}
