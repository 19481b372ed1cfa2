import { describe, expect, it } from 'vitest'
import { WriteBehind } from './write-behind.js'

const tick = () => new Promise((resolve) => setTimeout(resolve, 5))

describe('WriteBehind', () => {
  it('looks a batch up while the one before it is written, and writes in order', async () => {
    const log: string[] = []
    const releases: Array<() => void> = []
    const w = new WriteBehind<number>(0)
    const write = (n: number) => async (found: string, previous: number) => {
      log.push(`write ${n} (${found}, after ${previous})`)
      await new Promise<void>((resolve) => releases.push(resolve))
      return n
    }
    const lookup = (n: number) => async () => {
      log.push(`lookup ${n}`)
      return `found ${n}`
    }
    await w.add(lookup(1), write(1))
    await w.add(lookup(2), write(2))
    await tick()
    // Batch 2 was looked up while batch 1 was being written (not yet released); its write waits.
    expect([...log].sort()).toEqual(['lookup 1', 'lookup 2', 'write 1 (found 1, after 0)'])
    // A third batch waits until the write before the previous one (batch 1) is done.
    const third = w.add(lookup(3), write(3))
    await tick()
    expect(log).not.toContain('lookup 3')
    releases.shift()!()
    await third
    await tick()
    // Batch 1 written: batch 2's write starts, and batch 3 is looked up beside it.
    expect(log.slice(3).sort()).toEqual(['lookup 3', 'write 2 (found 2, after 1)'])
    releases.shift()!()
    await tick()
    releases.shift()!()
    expect(await w.settled()).toBe(3)
    expect(log[5]).toBe('write 3 (found 3, after 2)')
  })

  it('passes a failed lookup or write on to the last write and to the next add', async () => {
    const w = new WriteBehind<void>(undefined)
    await w.add(
      async () => {
        throw new Error('lookup failed')
      },
      async () => {},
    )
    await w.add(
      async () => 'fine',
      async () => {},
    )
    await expect(w.settled()).rejects.toThrow('lookup failed')
    await expect(
      w.add(
        async () => 'later',
        async () => {},
      ),
    ).rejects.toThrow('lookup failed')
  })
})
