/**
 * startup: how long `node dist/cli.js serve` takes, from spawn to the first `GET /healthz` answered,
 * on the embedded default (SQLite, memory limiter, mail and texts as files) — on a fresh data folder
 * (which also creates the database and applies every migration) and on a second start on the same
 * folder. Also the CPU time the process had used by then (user + system, from /proc on Linux), which
 * depends far less on what else the machine is doing than the wall time.
 *
 *   npm run bench -- startup [--runs 5]
 *
 * Each round starts the server twice on a new temporary folder; `/healthz` is polled every 10 ms.
 * Target: under 2 s wall time on both starts (median). The server is killed after each start.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { onCleanup } from './lib/cleanup.js'
import { CLI } from './lib/server.js'
import { median } from './lib/stats.js'
import { type BenchOptions, type BenchResult, numberOption } from './lib/types.js'

export const description = 'start-up: time to the first /healthz of `gatehouse serve`, fresh and second start'

const log = (line: string) => console.log(`[startup] ${line}`)

const TARGET_MS = 2000

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })

/** User + system CPU milliseconds of a process so far (Linux), or null where /proc is missing. */
const cpuMs = (pid: number): number | null => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the command name (in parentheses, which may hold spaces): utime is the 14th field.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100
  } catch {
    return null
  }
}

const healthy = async (url: string): Promise<boolean> => {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) })
    return res.status === 200
  } catch {
    return false
  }
}

/** One start: milliseconds to the first healthy answer, and the CPU the server had used by then. */
const startOnce = async (dataDir: string): Promise<{ wallMs: number; cpuMs: number | null }> => {
  const port = await freePort()
  const started = performance.now()
  const child = spawn(process.execPath, [CLI, 'serve'], {
    env: {
      PATH: process.env.PATH ?? '',
      GATEHOUSE_DATA_DIR: dataDir,
      GATEHOUSE_PORT: String(port),
      GATEHOUSE_METRICS_PORT: '0',
      GATEHOUSE_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString()
  })
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()))
  const dispose = onCleanup('startup server', async () => {
    child.kill('SIGKILL')
    await exited
  })
  try {
    const url = `http://127.0.0.1:${port}/healthz`
    while (!(await healthy(url))) {
      if (child.exitCode !== null)
        throw new Error(`gatehouse serve exited with ${child.exitCode}:\n${stderr}`)
      if (performance.now() - started > 60_000) throw new Error(`no /healthz within 60 s:\n${stderr}`)
      await new Promise((r) => setTimeout(r, 10))
    }
    const wallMs = performance.now() - started
    return { wallMs, cpuMs: child.pid ? cpuMs(child.pid) : null }
  } finally {
    child.kill('SIGKILL')
    await exited
    dispose()
  }
}

const fmt = (xs: number[]) =>
  xs.length ? `${Math.round(median(xs))} ms (${xs.map((x) => Math.round(x)).join(', ')})` : 'n/a'

export const run = async (options: BenchOptions): Promise<BenchResult> => {
  const runs = numberOption(options, 'runs', 5)
  const fresh: { wall: number[]; cpu: number[] } = { wall: [], cpu: [] }
  const second: { wall: number[]; cpu: number[] } = { wall: [], cpu: [] }
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-startup-'))
    const dispose = onCleanup('startup data folder', () => rmSync(dir, { recursive: true, force: true }))
    try {
      const a = await startOnce(join(dir, 'data'))
      const b = await startOnce(join(dir, 'data'))
      fresh.wall.push(a.wallMs)
      second.wall.push(b.wallMs)
      if (a.cpuMs !== null) fresh.cpu.push(a.cpuMs)
      if (b.cpuMs !== null) second.cpu.push(b.cpuMs)
      log(
        `round ${i + 1}: fresh ${Math.round(a.wallMs)} ms (cpu ${a.cpuMs ?? '?'} ms), second ${Math.round(b.wallMs)} ms (cpu ${b.cpuMs ?? '?'} ms)`,
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
      dispose()
    }
  }
  const met = median(fresh.wall) < TARGET_MS && median(second.wall) < TARGET_MS
  const rows: [string, string][] = [
    ['fresh data folder: to /healthz, median (each)', fmt(fresh.wall)],
    ['fresh data folder: CPU used by then', fmt(fresh.cpu)],
    ['second start: to /healthz, median (each)', fmt(second.wall)],
    ['second start: CPU used by then', fmt(second.cpu)],
    [`under ${TARGET_MS} ms (median, both)`, met ? 'yes' : 'no'],
  ]
  console.log('')
  console.log('| figure | value |\n|---|---|')
  for (const [label, value] of rows) console.log(`| ${label} | ${value} |`)
  // A figure, not an invariant: a loaded machine is slower, and the run still succeeds.
  return { name: 'startup', ok: true, rows }
}
