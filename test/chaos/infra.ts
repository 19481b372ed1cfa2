import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/*
 * What the chaos suites break: a PostgreSQL cluster, a Redis server and a small volume of their
 * own, started in a temporary folder on free ports, and stopped by their process ids. Never the
 * machine's shared PostgreSQL (5432) or Redis (6379).
 */

const why = (): string | null => {
  if (process.getuid?.() !== 0) return 'needs root (runs PostgreSQL as the postgres user and mounts a tmpfs)'
  if (!existsSync(pgBin('initdb'))) return `PostgreSQL's initdb is not in ${pgBinDir()}`
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' })
  } catch {
    return 'redis-server is not installed'
  }
  return null
}

/**
 * Why the chaos suites cannot run here, or null when they can (they need root, PostgreSQL's server
 * binaries and redis-server). A skip says so on the console.
 */
export const chaosUnavailable = (): string | null => {
  const reason = why()
  if (reason) console.warn(`\n*** chaos suite SKIPPED: ${reason} ***\n`)
  return reason
}

let binDir: string | undefined
const pgBinDir = (): string => {
  binDir ??= (() => {
    try {
      return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim()
    } catch {
      return '/usr/lib/postgresql/15/bin'
    }
  })()
  return binDir
}
const pgBin = (name: string) => join(pgBinDir(), name)

/** A TCP port nothing listens on now. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Sends `signal` to the process, or to its whole group when `group` (a server and its children). */
const signal = (pid: number, sig: NodeJS.Signals, group = false): void => {
  try {
    process.kill(group ? -pid : pid, sig)
  } catch {
    // gone already
  }
}

/** The pid and the pids of its children (PostgreSQL's backends each run in a session of their own). */
const withChildren = (pid: number): number[] => {
  const children: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      // `pid (comm) state ppid …`: comm may hold spaces, so read after the last parenthesis.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      if (ppid === pid) children.push(Number(entry))
    } catch {
      // gone meanwhile
    }
  }
  return [pid, ...children]
}

const asPostgres = (args: string[], opts: { cwd: string }) =>
  execFileSync('runuser', ['-u', 'postgres', '--', ...args], { ...opts, stdio: 'pipe', encoding: 'utf8' })

export interface Postgres {
  url: string
  port: number
  /** The postmaster's pid. */
  pid(): number
  /** Fast shutdown (connections refused from now on). */
  stop(): void
  start(): void
  /** SIGSTOP to the postmaster and every backend: connections stay open and nothing answers. */
  hang(): void
  /** SIGCONT: the hung server goes on. */
  resume(): void
  /** Stops it (immediate) and removes its folder. */
  destroy(): void
}

export interface PostgresOptions {
  /**
   * Keep the server's durability (fsync, full-page writes, synchronous commit), as a production
   * server runs: for measurements. Without it the cluster trades durability for speed, as tests may.
   */
  durable?: boolean
  /** Server settings (`-c name=value`) on top of those. */
  settings?: Record<string, string | number>
}

/** A PostgreSQL cluster of its own: initdb in a temporary folder, on a free port, trust auth. */
export const startPostgres = async (opts: PostgresOptions = {}): Promise<Postgres> => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-chaos-pg-'))
  chownSync(dir, uidOf('postgres'), gidOf('postgres'))
  const data = join(dir, 'data')
  const port = await freePort()
  asPostgres(
    [
      pgBin('initdb'),
      '-D',
      data,
      '-A',
      'trust',
      '-U',
      'postgres',
      '--no-sync',
      '-E',
      'UTF8',
      '--no-instructions',
    ],
    { cwd: dir },
  )
  const settings: Record<string, string | number> = {
    listen_addresses: '127.0.0.1',
    max_connections: 60,
    ...(opts.durable ? {} : { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' }),
    ...opts.settings,
  }
  const options = [
    `-p ${port} -k ${dir}`,
    ...Object.entries(settings).map(([name, value]) => `-c ${name}=${value}`),
  ].join(' ')
  const start = () =>
    asPostgres(
      [pgBin('pg_ctl'), '-D', data, '-o', options, '-l', join(dir, 'log'), '-w', '-t', '30', 'start'],
      {
        cwd: dir,
      },
    )
  start()
  const pid = () => Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0])
  let hung: number[] = []
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    pid,
    stop: () => {
      asPostgres([pgBin('pg_ctl'), '-D', data, '-m', 'fast', '-w', 'stop'], { cwd: dir })
    },
    start,
    hang: () => {
      // The postmaster first: it forks no new backend meanwhile.
      hung = withChildren(pid())
      for (const p of hung) signal(p, 'SIGSTOP')
    },
    resume: () => {
      for (const p of hung) signal(p, 'SIGCONT')
      hung = []
    },
    destroy: () => {
      for (const p of hung) signal(p, 'SIGCONT')
      if (existsSync(join(data, 'postmaster.pid'))) {
        const p = pid()
        signal(p, 'SIGQUIT')
        for (let i = 0; i < 50 && alive(p); i++) execFileSync('sleep', ['0.1'])
        if (alive(p)) for (const c of withChildren(p)) signal(c, 'SIGKILL')
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

const uidOf = (user: string) => Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim())
const gidOf = (user: string) => Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim())

export interface RedisServer {
  url: string
  port: number
  pid(): number
  /** SIGKILL: connections drop and are refused until `start`. */
  kill(): Promise<void>
  /** Starts it again on the same port (empty: no persistence). */
  start(): Promise<void>
  hang(): void
  resume(): void
  destroy(): Promise<void>
}

/** A Redis of its own on a free port, without persistence. */
export const startRedis = async (): Promise<RedisServer> => {
  const port = await freePort()
  let child: ChildProcess | undefined
  let exited: Promise<void> = Promise.resolve()
  const start = async () => {
    const c = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    )
    child = c
    exited = new Promise((resolve) => c.once('exit', () => resolve()))
    for (let i = 0; i < 100; i++) {
      try {
        execFileSync('redis-cli', ['-p', String(port), 'ping'], { stdio: 'pipe' })
        return
      } catch {
        await sleep(50)
      }
    }
    throw new Error(`redis-server did not start on port ${port}`)
  }
  await start()
  const pid = () => child?.pid ?? -1
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid,
    kill: async () => {
      signal(pid(), 'SIGKILL')
      await exited
    },
    start,
    hang: () => signal(pid(), 'SIGSTOP'),
    resume: () => signal(pid(), 'SIGCONT'),
    destroy: async () => {
      signal(pid(), 'SIGCONT')
      signal(pid(), 'SIGKILL')
      await exited
    },
  }
}

export interface SmallVolume {
  dir: string
  /** Fills the volume to `leaveBytes` free with a file of its own. */
  fill(leaveBytes?: number): void
  /** Removes the filler. */
  free(): void
  destroy(): void
}

/** A tmpfs of `mib` MiB mounted on a temporary folder (root only). */
export const mountTmpfs = (mib: number): SmallVolume => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-chaos-disk-'))
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${mib}m,mode=0700`, 'tmpfs', dir])
  const filler = join(dir, 'filler')
  return {
    dir,
    fill: (leaveBytes = 0) => {
      const out = execFileSync('df', ['-B1', '--output=avail', dir], { encoding: 'utf8' })
      const avail = Number(out.trim().split('\n')[1])
      const bytes = Math.max(0, avail - leaveBytes)
      // fallocate takes the space at once (a tmpfs allocates it).
      execFileSync('fallocate', ['-l', String(bytes), `${filler}.${Date.now()}`])
    },
    free: () => {
      execFileSync('sh', ['-c', `rm -f ${filler}.*`])
    },
    destroy: () => {
      try {
        execFileSync('umount', ['-l', dir])
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  }
}
