/**
 * Timing comparison for the oracle tests: do requests of two kinds (an existing account and a
 * missing one) take the same time? Requests run in pairs, one of each kind back to back, the order
 * swapped from one pair to the next. Two pairs in turn make a block, whose difference is the mean of
 * their two differences: a block shares the machine's load of its moment, so drift and other
 * processes' bursts cancel out of it, and so does any cost of going first or second. The statistic
 * is the median of the blocks' differences. (A median of per-pair differences would not do: a cost
 * of position splits them into two groups, and the median lands in either.)
 *
 * The comparison is sequential: it measures a round of pairs and stops early only when the median
 * difference is clearly within the bound (under half of it); otherwise it adds rounds, up to
 * `maxRounds`, and the caller judges all pairs measured. A real difference (a verification skipped,
 * a write done for one kind only) holds in every round, so more pairs only make it clearer, while
 * noise shrinks as pairs accumulate. An idle machine decides in the first round.
 */

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

export interface PairedTiming<K extends string> {
  /** Median time of each kind, in milliseconds. */
  medians: Record<K, number>
  /** Median over the blocks of two pairs of (first kind − second kind), in milliseconds. */
  difference: number
  pairs: number
  rounds: number
  /** One line for the test's output and its failure message. */
  summary: string
}

export interface PairedTimingOptions<K extends string> {
  /** The two kinds compared; the difference is the first minus the second. */
  kinds: readonly [K, K]
  /** Makes one request of a kind; `i` is the pair's number, for varying the input. */
  run: (kind: K, i: number) => Promise<void>
  /** The largest median difference that counts as the same time, in milliseconds. */
  boundMs: number
  /** Pairs measured in a round: an even number, so that rounds are made of whole blocks. */
  pairsPerRound: number
  maxRounds?: number
  /** Unmeasured pairs first, to warm caches, JIT and connections. */
  warmup?: number
  /** Runs after each measured pair, untimed (a worker's turn, say). */
  between?: (i: number) => Promise<void>
}

export const comparePaired = async <K extends string>(
  options: PairedTimingOptions<K>,
): Promise<PairedTiming<K>> => {
  const { kinds, run, boundMs, pairsPerRound, maxRounds = 4, warmup = 5, between } = options
  const [a, b] = kinds
  if (pairsPerRound < 2 || pairsPerRound % 2) throw new Error('pairsPerRound must be even')
  for (let i = 0; i < warmup; i++) {
    await run(i % 2 ? a : b, i)
    await run(i % 2 ? b : a, i)
  }
  const times = new Map<K, number[]>([
    [a, []],
    [b, []],
  ])
  const pairDifferences: number[] = []
  const differences: number[] = []
  let rounds = 0
  let i = 0
  const timed = async (kind: K, n: number) => {
    const t0 = performance.now()
    await run(kind, n)
    const took = performance.now() - t0
    times.get(kind)!.push(took)
    return took
  }
  for (;;) {
    rounds++
    for (const end = i + pairsPerRound; i < end; i++) {
      let ta: number
      let tb: number
      if (i % 2) {
        ta = await timed(a, i)
        tb = await timed(b, i)
      } else {
        tb = await timed(b, i)
        ta = await timed(a, i)
      }
      pairDifferences.push(ta - tb)
      if (i % 2) differences.push((pairDifferences[i - 1]! + pairDifferences[i]!) / 2)
      await between?.(i)
    }
    const difference = median(differences)
    if (Math.abs(difference) < boundMs / 2 || rounds >= maxRounds) {
      const medians = Object.fromEntries([...times].map(([k, xs]) => [k, median(xs)])) as Record<K, number>
      const summary =
        `${a} ${medians[a].toFixed(2)} ms, ${b} ${medians[b].toFixed(2)} ms, ` +
        `median difference ${difference.toFixed(2)} ms over ${pairDifferences.length} pairs ` +
        `(${rounds} round${rounds > 1 ? 's' : ''}, bound ${boundMs} ms)`
      return { medians, difference, pairs: pairDifferences.length, rounds, summary }
    }
  }
}
