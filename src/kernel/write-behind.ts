/**
 * Batches written one after another, in order, each looked up while the batch before it is still
 * being written. `add` waits only for the write before the previous one: at most one lookup runs
 * beside one write, and the caller reads on meanwhile (three batches in memory at most). Each write
 * gets what the previous one returned. A failed lookup or write is seen at the next `add` or at
 * `settled()`, never as an unhandled rejection.
 */
export class WriteBehind<W> {
  #writing: Promise<W>
  /** Settles when the write before the last one has: the next `add` waits for it. */
  #beforePrevious: Promise<void> = Promise.resolve()

  constructor(initial: W) {
    this.#writing = Promise.resolve(initial)
  }

  /** Starts `lookup` now and queues `write` with what it found, after the writes already queued. */
  async add<R>(lookup: () => Promise<R>, write: (found: R, previous: W) => Promise<W>): Promise<void> {
    await this.#beforePrevious
    const previous = this.#writing
    const found = lookup()
    found.catch(() => {})
    this.#beforePrevious = previous.then(() => {})
    this.#beforePrevious.catch(() => {})
    this.#writing = Promise.all([found, previous]).then(([f, p]) => write(f, p))
    this.#writing.catch(() => {})
  }

  /** The last write queued: what it returned, or the first failure of those queued. */
  settled(): Promise<W> {
    return this.#writing
  }
}
