import type { Redis } from 'ioredis'
import { RateLimiterRes } from 'rate-limiter-flexible'
import { DeadlineExceeded, withDeadline } from '../../kernel/outages.js'

/** Runs `redis` within the deadline, or `memory` when Redis is out. */
export type Guarded = <T>(redis: () => Promise<T>, memory: () => Promise<T>) => Promise<T>

export interface BreakerOptions {
  /** Deadline of one call to Redis, after which it is answered from memory. */
  timeoutMs: number
  /** Timeouts in a row that open the breaker. */
  timeoutsToOpen: number
  /** While the breaker is open, how often a probe (PING) checks whether Redis answers. */
  probeIntervalMs: number
  /** How long startup waits for the first connection before it goes on with the breaker open. */
  startupTimeoutMs: number
  onFallback: (error: Error) => void
  onRecovered?: () => void
}

const hostOf = (url: string): string => {
  try {
    return new URL(url).host
  } catch {
    return 'the configured address'
  }
}

const safely = (callback: () => void): void => {
  try {
    callback()
  } catch (e) {
    process.emitWarning(e instanceof Error ? e : new Error(String(e)))
  }
}

/** True when the client is ready within `ms`, false when it is not by then. */
const readyWithin = (client: Redis, ms: number): Promise<boolean> =>
  new Promise<boolean>((resolve) => {
    if (client.status === 'ready') return resolve(true)
    const onReady = (): void => {
      clearTimeout(timer)
      resolve(true)
    }
    const timer = setTimeout(() => {
      client.off('ready', onReady)
      resolve(false)
    }, ms)
    client.once('ready', onReady)
  })

/**
 * The circuit breaker in front of one Redis connection (the state machine described at
 * createRedisLimiterStore): it listens to the connection, counts timeouts, probes while open and
 * reports each change of state once.
 */
export class RedisBreaker {
  #closed = false
  #open = false
  #timeouts = 0
  #probing = false
  #lastError: Error | undefined
  /** Past the wait for the first connection (whose failed attempts are reported once, by start). */
  #started = false
  #prober: NodeJS.Timeout | undefined

  constructor(
    private readonly client: Redis,
    private readonly url: string,
    private readonly opts: BreakerOptions,
  ) {
    // Without a listener ioredis prints every connection error; the breaker reports them instead.
    client.on('error', (e: Error) => {
      this.#lastError = e
    })
    // A lost connection is an outage at once (calls would only wait for their deadline).
    client.on('close', () => {
      this.#lastError ??= new Error(`The connection to Redis at ${hostOf(url)} closed`)
      if (this.#started) this.#openBreaker(this.#lastError)
    })
    client.on('ready', () => {
      this.#lastError = undefined
      this.#closeBreaker()
    })
  }

  /** Waits for the first connection; when it does not come in time, goes on with the breaker open. */
  async start(): Promise<void> {
    const { startupTimeoutMs } = this.opts
    const ready = await readyWithin(this.client, startupTimeoutMs)
    this.#started = true
    if (!ready) {
      this.#openBreaker(
        this.#lastError ??
          new Error(`Redis at ${hostOf(this.url)} was not ready within ${startupTimeoutMs} ms of startup`),
      )
    }
  }

  /** The breaker is open: calls go to memory. */
  isOpen(): boolean {
    return this.#open
  }

  /** Stops the probes and every further report; the connection is the caller's to end. */
  stop(): void {
    this.#closed = true
    clearInterval(this.#prober)
  }

  /**
   * Runs `redis` within the deadline, or `memory` when the breaker is open or Redis failed. A
   * refusal (RateLimiterRes) is an answer, passed on as it is.
   */
  readonly guarded: Guarded = async <T>(redis: () => Promise<T>, memory: () => Promise<T>): Promise<T> => {
    if (this.#open) return memory()
    let answer: T
    try {
      answer = await withDeadline(redis(), this.opts.timeoutMs, 'redis', 'a limiter call')
    } catch (e) {
      if (e instanceof RateLimiterRes) {
        this.#timeouts = 0
        throw e
      }
      const error = e instanceof Error ? e : new Error(String(e))
      this.#lastError = error
      // A timeout may be a slow moment; a refused or lost connection is an outage at once.
      if (!(e instanceof DeadlineExceeded) || ++this.#timeouts >= this.opts.timeoutsToOpen)
        this.#openBreaker(error)
      return memory()
    }
    this.#timeouts = 0
    return answer
  }

  #openBreaker(error: Error): void {
    this.#timeouts = 0
    if (this.#closed || this.#open) return
    this.#open = true
    // Probes run on a timer, so that the breaker closes even when no call comes.
    this.#prober = setInterval(() => {
      if (!this.#probing && this.client.status === 'ready') this.#probe()
    }, this.opts.probeIntervalMs)
    this.#prober.unref()
    safely(() => this.opts.onFallback(error))
  }

  #closeBreaker(): void {
    this.#timeouts = 0
    if (this.#closed || !this.#open) return
    this.#open = false
    clearInterval(this.#prober)
    if (this.opts.onRecovered) safely(this.opts.onRecovered)
  }

  #probe(): void {
    this.#probing = true
    withDeadline(this.client.ping(), this.opts.timeoutMs, 'redis', 'a probe').then(
      () => {
        this.#probing = false
        this.#closeBreaker()
      },
      (e: unknown) => {
        this.#probing = false
        this.#lastError = e instanceof Error ? e : new Error(String(e))
      },
    )
  }
}

/** The breaker for `client`, past the wait for its first connection. */
export const startBreaker = async (
  client: Redis,
  url: string,
  opts: BreakerOptions,
): Promise<RedisBreaker> => {
  const breaker = new RedisBreaker(client, url, opts)
  await breaker.start()
  return breaker
}
