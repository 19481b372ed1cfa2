import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Poller, type PollerOptions } from './poller.js'

/** A pass the test holds open until it calls `finish()`. */
const gate = () => {
  let finish: () => void = () => {}
  const done = new Promise<void>((resolve) => {
    finish = resolve
  })
  return { done, finish }
}

describe('Poller', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  /** Counts passes; each pass resolves with what `answer` says. */
  const poller = (
    options: Partial<PollerOptions> = {},
    answer: (n: number) => Promise<boolean | undefined> = async () => false,
  ) => {
    const state = { passes: 0, errors: [] as unknown[] }
    const p = new Poller({
      intervalMs: 1000,
      run: () => answer(++state.passes),
      onError: (err) => state.errors.push(err),
      ...options,
    })
    return { p, state }
  }

  it('runs a first pass at start, then one every interval', async () => {
    const { p, state } = poller()
    p.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(state.passes).toBe(1)
    await vi.advanceTimersByTimeAsync(999)
    expect(state.passes).toBe(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(state.passes).toBe(2)
    await vi.advanceTimersByTimeAsync(3000)
    expect(state.passes).toBe(5)
    await p.stop()
  })

  it('waits firstDelayMs before the first pass when told to', async () => {
    const { p, state } = poller({ firstDelayMs: 500 })
    p.start()
    await vi.advanceTimersByTimeAsync(499)
    expect(state.passes).toBe(0)
    await vi.advanceTimersByTimeAsync(1)
    expect(state.passes).toBe(1)
    await p.stop()
  })

  it('runs a pass at once on a kick between passes', async () => {
    const { p, state } = poller()
    p.start()
    await vi.advanceTimersByTimeAsync(0)
    p.kick()
    await vi.advanceTimersByTimeAsync(0)
    expect(state.passes).toBe(2)
    // The interval counts from the kicked pass.
    await vi.advanceTimersByTimeAsync(999)
    expect(state.passes).toBe(2)
    await vi.advanceTimersByTimeAsync(1)
    expect(state.passes).toBe(3)
    await p.stop()
  })

  it('coalesces kicks during a pass into exactly one more pass, never overlapping', async () => {
    const held = gate()
    let inFlight = 0
    let most = 0
    const { p, state } = poller({}, async (n) => {
      inFlight++
      most = Math.max(most, inFlight)
      if (n === 1) await held.done
      inFlight--
      return false
    })
    p.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(state.passes).toBe(1)
    for (let i = 0; i < 10; i++) p.kick()
    await vi.advanceTimersByTimeAsync(0)
    expect(state.passes).toBe(1)
    held.finish()
    await vi.advanceTimersByTimeAsync(0)
    expect(state.passes).toBe(2)
    await vi.advanceTimersByTimeAsync(999)
    expect(state.passes).toBe(2)
    expect(most).toBe(1)
    await p.stop()
  })

  it('runs again at once while a pass reports more work', async () => {
    const { p, state } = poller({}, async (n) => n < 4)
    p.start()
    // (Fake timers put a timer set for "now" from inside a timer one millisecond later.)
    await vi.advanceTimersByTimeAsync(10)
    expect(state.passes).toBe(4)
    await vi.advanceTimersByTimeAsync(980)
    expect(state.passes).toBe(4)
    await vi.advanceTimersByTimeAsync(20)
    expect(state.passes).toBe(5)
    await p.stop()
  })

  it('reports an error and goes on after errorDelayMs (default the interval)', async () => {
    const boom = new Error('database is down')
    const { p, state } = poller({}, async (n) => {
      if (n === 1) throw boom
      return false
    })
    p.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(state.errors).toEqual([boom])
    await vi.advanceTimersByTimeAsync(1000)
    expect(state.passes).toBe(2)
    await p.stop()

    const quick = poller({ errorDelayMs: 10 }, async () => {
      throw boom
    })
    quick.p.start()
    await vi.advanceTimersByTimeAsync(25)
    expect(quick.state.passes).toBe(3)
    await quick.p.stop()
  })

  it('goes on when the error hook itself throws', async () => {
    const run = vi.fn(async () => {
      throw new Error('pass')
    })
    const p = new Poller({
      intervalMs: 10,
      run,
      onError: () => {
        throw new Error('hook')
      },
    })
    p.start()
    await vi.advanceTimersByTimeAsync(20)
    expect(run).toHaveBeenCalledTimes(3)
    await p.stop()
  })

  it('stop waits for the pass in flight, and no pass runs after it', async () => {
    const held = gate()
    let finished = false
    const { p, state } = poller({}, async (n) => {
      if (n === 1) await held.done
      finished = true
      return true
    })
    p.start()
    await vi.advanceTimersByTimeAsync(0)
    let stopped = false
    const stopping = p.stop().then(() => {
      stopped = true
    })
    await vi.advanceTimersByTimeAsync(0)
    expect(stopped).toBe(false)
    held.finish()
    await stopping
    expect(finished).toBe(true)
    // The pass asked for more work, but the loop is stopped.
    await vi.advanceTimersByTimeAsync(10_000)
    expect(state.passes).toBe(1)
    expect(p.running).toBe(false)
  })

  it('stop resolves at once when no pass runs; a kick after stop does nothing', async () => {
    const { p, state } = poller()
    p.start()
    await vi.advanceTimersByTimeAsync(0)
    await p.stop()
    p.kick()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(state.passes).toBe(1)
  })

  it('drops a kick made during the last pass when stopped', async () => {
    const held = gate()
    const { p, state } = poller({}, async (n) => {
      if (n === 1) await held.done
      return false
    })
    p.start()
    await vi.advanceTimersByTimeAsync(0)
    p.kick()
    const stopping = p.stop()
    held.finish()
    await stopping
    await vi.advanceTimersByTimeAsync(10_000)
    expect(state.passes).toBe(1)
  })

  it('starts again after a stop, without overlapping a pass still in flight', async () => {
    const held = gate()
    let inFlight = 0
    let most = 0
    const { p, state } = poller({}, async (n) => {
      inFlight++
      most = Math.max(most, inFlight)
      if (n === 1) await held.done
      inFlight--
      return false
    })
    p.start()
    await vi.advanceTimersByTimeAsync(0)
    const stopping = p.stop()
    p.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(state.passes).toBe(1)
    held.finish()
    await stopping
    await vi.advanceTimersByTimeAsync(0)
    expect(state.passes).toBe(2)
    expect(most).toBe(1)
    await p.stop()
  })

  it('unrefs its timers: a loop does not keep the process alive', async () => {
    const unref = vi.fn()
    const real = globalThis.setTimeout
    const spy = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
      const t = real(fn, ms)
      const unrefReal = t.unref.bind(t)
      t.unref = () => {
        unref()
        return unrefReal()
      }
      return t
    }) as typeof setTimeout)
    const { p } = poller()
    p.start()
    await vi.advanceTimersByTimeAsync(0)
    spy.mockRestore()
    expect(unref).toHaveBeenCalledTimes(2)
    await p.stop()
  })
})
