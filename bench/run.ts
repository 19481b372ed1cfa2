/**
 * Benchmark runner: `npm run bench` runs every benchmark in bench/ (each `bench/<name>.ts` except this
 * file), `npm run bench -- <name> [<name>…] [--option value] [--flag]` runs the named ones. Options go
 * to every benchmark that runs. Exits 1 when a benchmark fails or an invariant it checks does not hold.
 */
import { readdirSync } from 'node:fs'
import { basename } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { runCleanups } from './lib/cleanup.js'
import type { Benchmark, BenchOptions, BenchResult } from './lib/types.js'

const here = fileURLToPath(new URL('.', import.meta.url))
const self = basename(fileURLToPath(import.meta.url))

const available = (): string[] =>
  readdirSync(here)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && f !== self)
    .map((f) => f.slice(0, -3))
    .sort()

const parseArgs = (argv: string[]): { names: string[]; options: BenchOptions } => {
  const names: string[] = []
  const options: Record<string, string | boolean> = {}
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (!arg.startsWith('--')) {
      names.push(arg)
      continue
    }
    const eq = arg.indexOf('=')
    if (eq > 0) {
      options[arg.slice(2, eq)] = arg.slice(eq + 1)
    } else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--') && /^[\d.]+$/.test(argv[i + 1]!)) {
      // A flag takes the next word as its value only when it is a number: `--seconds 30 recovery-flood`.
      options[arg.slice(2)] = argv[++i]!
    } else {
      options[arg.slice(2)] = true
    }
  }
  return { names, options }
}

/** Every benchmark's figures in one Markdown table, as bench/README.md shows them. */
const printSummary = (results: BenchResult[]) => {
  console.log('\n== summary\n')
  console.log('| benchmark | figure | value |\n|---|---|---|')
  for (const r of results) {
    for (const [label, value] of r.rows)
      console.log(`| ${r.name}${r.ok ? '' : ' (FAILED)'} | ${label} | ${value} |`)
  }
}

const main = async (): Promise<number> => {
  const { names, options } = parseArgs(process.argv.slice(2))
  const all = available()
  const unknown = names.filter((n) => !all.includes(n))
  if (unknown.length) {
    console.error(`unknown benchmark ${unknown.join(', ')}; available: ${all.join(', ')}`)
    return 2
  }
  const chosen = names.length ? names : all
  const failed: string[] = []
  const results: BenchResult[] = []
  for (const name of chosen) {
    const bench = (await import(pathToFileURL(`${here}${name}.ts`).href)) as Benchmark
    console.log(`\n== ${name}: ${bench.description}\n`)
    try {
      const result = await bench.run(options)
      results.push(result)
      if (!result.ok) failed.push(name)
    } catch (err) {
      console.error(`${name} failed: ${(err as Error).stack ?? String(err)}`)
      failed.push(name)
    }
  }
  if (results.length > 1) printSummary(results)
  console.log(failed.length ? `\nFAILED: ${failed.join(', ')}` : `\nOK: ${chosen.join(', ')}`)
  return failed.length ? 1 : 0
}

let interrupted = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(130)
    interrupted = true
    console.error(`\n${signal}: cleaning up (again to exit at once)`)
    void runCleanups().finally(() => process.exit(130))
  })
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (err: Error) => {
    console.error(err.stack ?? String(err))
    void runCleanups().finally(() => process.exit(1))
  },
)
