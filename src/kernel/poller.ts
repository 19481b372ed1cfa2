/**
 * One background loop: a pass now, then one every `intervalMs`, one at a time.
 *
 * - `start()` runs a first pass (after `firstDelayMs`, default at once), then a pass every
 *   `intervalMs` after the last one ended.
 * - `kick()` asks for a pass now. A kick while a pass runs gives exactly one more pass after it,
 *   however many kicks came; passes never overlap.
 * - A pass that reports more work (`run` resolves true: a full batch) is followed at once.
 * - A pass that throws is reported to `onError` and the loop goes on, after `errorDelayMs`
 *   (default `intervalMs`).
 * - `stop()` schedules nothing more and resolves once the pass in flight has ended; a kick after
 *   it does nothing. `start()` may start the loop again.
 *
 * Timers are unref'd: a loop never keeps the process alive. What a pass holds (leases, lanes)
 * is the owner's: it releases them after `stop()` resolves.
 */
export interface PollerOptions {
  /** One pass. Resolves `true` when there is more work to do at once (anything else: wait). */
  run: () => Promise<unknown>
  /** Pause after a pass that found nothing more to do. */
  intervalMs: number
  /** Told of every error a pass throws (it must not throw itself; if it does, that is ignored). */
  onError: (err: unknown) => void
  /** Pause before the first pass after `start()` (default 0). */
  firstDelayMs?: number
  /** Pause after a pass that threw (default `intervalMs`). */
  errorDelayMs?: number
}

export class Poller {
  readonly #options: PollerOptions
  #running = false
  #timer: NodeJS.Timeout | undefined
  #pass: Promise<void> | undefined
  /** A pass was asked for while one ran: one more follows it at once. */
  #kicked = false

  constructor(options: PollerOptions) {
    this.#options = options
  }

  /** Whether the loop is started (and not stopped). */
  get running(): boolean {
    return this.#running
  }

  /** Starts the loop; a loop already running is left as it is. */
  start(): void {
    if (this.#running) return
    this.#running = true
    // Restarted while the pass of an earlier run still goes on: the next pass follows it.
    if (this.#pass) this.#kicked = true
    else this.#schedule(this.#options.firstDelayMs ?? 0)
  }

  /** Asks for a pass now instead of at the next interval. Does nothing when the loop is stopped. */
  kick(): void {
    if (!this.#running) return
    if (this.#pass) this.#kicked = true
    else this.#schedule(0)
  }

  /** Stops the loop; resolves once the pass in flight (if any) has ended. */
  async stop(): Promise<void> {
    this.#running = false
    this.#kicked = false
    this.#clearTimer()
    await this.#pass
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = undefined
  }

  #schedule(delayMs: number): void {
    this.#clearTimer()
    if (!this.#running) return
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      this.#pass = this.#runPass()
    }, delayMs)
    this.#timer.unref()
  }

  async #runPass(): Promise<void> {
    let delayMs = this.#options.intervalMs
    try {
      if ((await this.#options.run()) === true) delayMs = 0
    } catch (err) {
      delayMs = this.#options.errorDelayMs ?? this.#options.intervalMs
      try {
        this.#options.onError(err)
      } catch {
        // A failing error hook must not end the loop.
      }
    }
    this.#pass = undefined
    if (this.#kicked) delayMs = 0
    this.#kicked = false
    this.#schedule(delayMs)
  }
}
