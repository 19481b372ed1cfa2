/** Options from the command line: `--seconds 30` → `{ seconds: '30' }`, `--postgres` → `{ postgres: true }`. */
export type BenchOptions = Readonly<Record<string, string | boolean>>

export interface BenchResult {
  name: string
  /** False when an invariant the benchmark checks did not hold (the runner then exits non-zero). */
  ok: boolean
  /** The figures in the order they are printed: label, value. */
  rows: ReadonlyArray<readonly [string, string]>
}

/** What every `bench/<name>.ts` exports. */
export interface Benchmark {
  description: string
  run(options: BenchOptions): Promise<BenchResult>
}

export const numberOption = (
  options: BenchOptions,
  name: string,
  fallback: number,
  zeroOk = false,
): number => {
  const raw = options[name]
  if (raw === undefined) return fallback
  const value = Number(raw)
  if (typeof raw !== 'string' || !Number.isFinite(value) || value < 0 || (value === 0 && !zeroOk)) {
    throw new Error(
      `--${name} must be a ${zeroOk ? 'non-negative' : 'positive'} number (got ${JSON.stringify(raw)})`,
    )
  }
  return value
}
