import { describe, expect, it } from 'vitest'
import { InFlight } from './in-flight.js'

const tick = () => new Promise((resolve) => setTimeout(resolve, 5))

/** A task that logs its start and ends when released. */
const gated = (log: string[], releases: Map<number, () => void>) => (n: number) => async () => {
  log.push(`start ${n}`)
  await new Promise<void>((resolve) => releases.set(n, resolve))
  log.push(`end ${n}`)
}

describe('InFlight', () => {
  it('runs at most `limit` tasks at a time, in the order added', async () => {
    const log: string[] = []
    const releases = new Map<number, () => void>()
    const task = gated(log, releases)
    const w = new InFlight(2)
    await w.add(task(1))
    await w.add(task(2))
    const third = w.add(task(3))
    await tick()
    expect(log).toEqual(['start 1', 'start 2'])
    // The second ends first: the third starts in its place while the first still runs.
    releases.get(2)!()
    await third
    expect(log).toEqual(['start 1', 'start 2', 'end 2', 'start 3'])
    const settled = w.settled()
    let done = false
    void settled.then(() => {
      done = true
    })
    releases.get(3)!()
    await tick()
    expect(done).toBe(false)
    releases.get(1)!()
    await settled
    expect(log.slice(-2)).toEqual(['end 3', 'end 1'])
  })

  it('passes the first failure on to settled() and to the next add, and starts nothing after it', async () => {
    const w = new InFlight(2)
    let started = 0
    await w.add(async () => {
      started += 1
      await tick()
      throw new Error('write failed')
    })
    await w.add(async () => {
      started += 1
      await tick()
      await tick()
      throw new Error('later failure')
    })
    await expect(w.settled()).rejects.toThrow('write failed')
    await expect(
      w.add(async () => {
        started += 1
      }),
    ).rejects.toThrow('write failed')
    expect(started).toBe(2)
  })

  it('refuses a limit below one', () => {
    expect(() => new InFlight(0)).toThrow(RangeError)
  })
})
