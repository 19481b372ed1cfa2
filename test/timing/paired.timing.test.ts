/**
 * The paired comparison the oracle tests rely on (helpers/timing.ts): it finds a difference as
 * small as its bound, and finds none between kinds that do the same work. Work here is a busy wait
 * on the wall clock, so the machine's load lengthens it as it lengthens a request.
 */
import { describe, expect, it } from 'vitest'
import { comparePaired, median } from '../helpers/timing.js'

const work = async (ms: number) => {
  const until = performance.now() + ms
  while (performance.now() < until) {}
  await new Promise((resolve) => setImmediate(resolve))
}

describe('paired timing comparison', () => {
  it('takes the median of an even count as the mean of the middle two', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5)
    expect(median([5, 1, 3])).toBe(3)
  })

  it('finds no difference between kinds that do the same work, in one round', async () => {
    const result = await comparePaired({
      kinds: ['a', 'b'] as const,
      run: () => work(3),
      boundMs: 1,
      pairsPerRound: 30,
    })
    expect(Math.abs(result.difference), result.summary).toBeLessThan(0.5)
    expect(result.rounds).toBe(1)
    expect(result.pairs).toBe(30)
    expect(result.medians.a).toBeGreaterThanOrEqual(3)
  })

  it('cancels a cost of going first in a pair', async () => {
    let previous = -1
    const result = await comparePaired({
      kinds: ['a', 'b'] as const,
      run: (_kind, i) => {
        const first = i !== previous
        previous = i
        return work(first ? 5 : 3)
      },
      boundMs: 1,
      pairsPerRound: 30,
      warmup: 0,
    })
    expect(Math.abs(result.difference), result.summary).toBeLessThan(0.5)
  })

  it('refuses a round that is not whole blocks of two pairs', async () => {
    await expect(
      comparePaired({ kinds: ['a', 'b'] as const, run: () => work(0), boundMs: 1, pairsPerRound: 3 }),
    ).rejects.toThrow('pairsPerRound must be even')
  })

  it('measures a 2 ms difference through every round it is allowed, and reports its sign', async () => {
    let between = 0
    const result = await comparePaired({
      kinds: ['slow', 'fast'] as const,
      run: (kind) => work(kind === 'slow' ? 5 : 3),
      between: async () => {
        between++
      },
      boundMs: 1,
      pairsPerRound: 20,
      maxRounds: 3,
    })
    // At least the 2 ms; a loaded machine lengthens the longer work more, as it would a request.
    expect(result.difference, result.summary).toBeGreaterThan(1.5)
    expect(result.rounds).toBe(3)
    expect(result.pairs).toBe(60)
    expect(between).toBe(60)
  })
})
