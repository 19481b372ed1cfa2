/** Nearest-rank percentile (p in 0..100) of unsorted samples; NaN when there are none. */
export const percentile = (samples: readonly number[], p: number): number => {
  if (samples.length === 0) return Number.NaN
  const sorted = [...samples].sort((a, b) => a - b)
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)))
  return sorted[rank - 1]!
}

/** The middle sample (the mean of the two middle ones for an even count); NaN when there are none. */
export const median = (samples: readonly number[]): number => {
  if (samples.length === 0) return Number.NaN
  const sorted = [...samples].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

export const mean = (samples: readonly number[]): number =>
  samples.length === 0 ? Number.NaN : samples.reduce((a, b) => a + b, 0) / samples.length

export const ms = (value: number): string => (Number.isNaN(value) ? 'n/a' : `${value.toFixed(1)} ms`)

export const int = (value: number): string => Math.round(value).toLocaleString('en-US')

/** A two-column Markdown table, padded so it also reads well in a terminal. */
export const table = (rows: ReadonlyArray<readonly [string, string]>, head: [string, string]): string => {
  const all = [head, ...rows]
  const w0 = Math.max(...all.map((r) => r[0].length))
  const w1 = Math.max(...all.map((r) => r[1].length))
  const line = (a: string, b: string) => `| ${a.padEnd(w0)} | ${b.padEnd(w1)} |`
  return [
    line(...head),
    `|${'-'.repeat(w0 + 2)}|${'-'.repeat(w1 + 2)}|`,
    ...rows.map((r) => line(r[0], r[1])),
  ].join('\n')
}
