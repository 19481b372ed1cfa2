/**
 * seed-scale: the adoption after an incident, at the 2025/26 leak's size (17.5 million records). At
 * each scale, on a fresh database:
 *
 * 1. **import** N accounts from a CSV export with bcrypt hashes (`external_id, username, email,
 *    email verified, created, hash`) through the account import, as `gatehouse accounts import`
 *    runs it. The file cycles `--hashes` real bcrypt hashes (cost `--bcrypt-cost`) of known
 *    passwords: an import stores hashes, it does not verify them;
 * 2. **logins** of imported accounts over HTTP (`POST /v1/sessions`, each account once, each from its
 *    own loopback address, in-process injection): bcrypt verification plus the argon2id rehash
 *    that replaces the imported hash — against the raw work (`@node-rs/bcrypt` verify + Gatehouse's
 *    argon2id hash) at the same concurrency, in alternating rounds;
 * 3. **leak**: an N-row leaked data set (70 % naming an account, 25 % nobody, 5 % unparseable)
 *    through the incidents import against them;
 * 4. **reset**: a force_password_reset campaign over every account, run by the real campaign worker.
 *
 *   npm run bench -- seed-scale [--postgres[=postgres://…/postgres] | --own-postgres]
 *     [--scales 1000000,17500000] [--hashes 1000] [--bcrypt-cost 10] [--logins 150]
 *     [--concurrency 4] [--campaign-batch 1000] [--campaign-workers 2] [--profile]
 *     [--pg-settings name=value,…] [--steps logins,leak,reset]
 *
 * `--own-postgres` runs on a cluster the benchmark starts (and removes) itself, sized as production
 * on this machine (bench/lib/postgres.ts, ownPostgres), rather than on a server's stock settings;
 * `--profile` (with it) prints the statements that took the most time in each step, and
 * `--pg-settings` changes its settings. `--steps` names the steps that follow the import (all three
 * unless given). A scale named more than once runs as often, on a fresh database each time
 * (`--scales 1000000,1000000,17500000,1000000`: the baseline before and after the large run).
 *
 * Printed per scale and step: seconds, rows/s, peak RSS of the process (the service runs in it);
 * then each step's per-row cost at the largest scale relative to the smallest, from each scale's
 * median over its runs (a 1M step lasts 20-40 s, and the machine's pace drifts by a third between
 * such runs; a 17.5M step lasts minutes and averages the drift out). Targets (issue 22):
 * every step of 17.5M ≤ 15 min on PostgreSQL, per-row cost 17.5M / 1M ≤ 1.2, memory flat, logins
 * ≥ 0.9 of the raw work. `ok` is false when a step's checks fail (counts, every account reset) or a
 * 17.5M+ step exceeds 15 minutes.
 */

import { once } from 'node:events'
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { compare as bcryptCompare, hash as bcryptHash } from '@node-rs/bcrypt'
import { sql } from 'kysely'
import pg from 'pg'
import pino from 'pino'
import { createApp } from '../src/app.js'
import type { App } from '../src/app-types.js'
import { loadConfig } from '../src/config/index.js'
import { PasswordHasher } from '../src/modules/accounts/password-hasher.js'
import { CLI_ADMINISTRATOR } from '../src/modules/admin/lifecycle.js'
import { onCleanup } from './lib/cleanup.js'
import { createScratchDatabase, ownPostgres, postgresOption, topStatements } from './lib/postgres.js'
import { prng } from './lib/random.js'
import { machine } from './lib/scope.js'
import { int, median, table } from './lib/stats.js'
import { type BenchOptions, type BenchResult, numberOption } from './lib/types.js'

export const description =
  'adoption at the leak’s scale: import N bcrypt accounts, log some in, import an N-row leak, force a reset of all'

const STEP_LIMIT_SECONDS = 15 * 60
const LARGE = 17_500_000
const log = (line: string) => console.log(`[seed-scale] ${line}`)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const ctx = { ip: null, userAgent: null, clientVersion: null, requestId: 'bench' }

const password = (k: number) => `Seed-scale pass ${k} of the old app`

/** `count` bcrypt hashes of password(0…count-1), cached in the temp folder across runs. */
const bcryptHashes = async (count: number, cost: number): Promise<string[]> => {
  const file = join(os.tmpdir(), `gatehouse-bench-bcrypt-${cost}-${count}.json`)
  if (existsSync(file)) {
    const cached = JSON.parse(readFileSync(file, 'utf8')) as string[]
    if (cached.length === count) return cached
  }
  const t = performance.now()
  const out: string[] = new Array(count)
  let next = 0
  const worker = async () => {
    while (next < count) {
      const k = next++
      out[k] = await bcryptHash(password(k), cost)
    }
  }
  await Promise.all(Array.from({ length: 8 }, worker))
  writeFileSync(file, JSON.stringify(out))
  log(`made ${int(count)} bcrypt hashes (cost ${cost}) in ${((performance.now() - t) / 1000).toFixed(1)} s`)
  return out
}

const username = (i: number) => `member${i}`
const email = (i: number) => `member${i}@example.net`

/** The export of the old application: one account per line, hashes cycled. */
const writeAccounts = async (file: string, n: number, hashes: readonly string[]): Promise<void> => {
  const out = createWriteStream(file)
  const created = Date.UTC(2019, 0, 1)
  let buf = 'id,login,mail,mail_confirmed,signed_up,pw\n'
  for (let i = 0; i < n; i++) {
    const at = new Date(created + i * 1000).toISOString()
    buf += `legacy-${i},${username(i)},${email(i)},${i % 10 === 0 ? 'false' : 'true'},${at},${hashes[i % hashes.length]}\n`
    if (buf.length > 1 << 16) {
      if (!out.write(buf)) await once(out, 'drain')
      buf = ''
    }
  }
  out.end(buf)
  await once(out, 'finish')
}

/** The leak: how many rows name an account, how many are unparseable, and how many accounts it names. */
const writeLeak = async (file: string, rows: number, accounts: number) => {
  const out = createWriteStream(file)
  const rand = prng(rows)
  let matching = 0
  let broken = 0
  // The accounts the leak names, one bit each: how many distinct ones it exposes.
  const named = new Uint8Array(Math.ceil(accounts / 8))
  let exposed = 0
  let buf = 'login,Email,city\n'
  for (let r = 0; r < rows; r++) {
    const x = rand()
    const city = r % 4 === 0 ? '"Paris, France"' : 'Leeds'
    if (x < 0.7) {
      matching += 1
      const i = Math.floor(rand() * accounts)
      if (!(named[i >> 3]! & (1 << (i & 7)))) {
        named[i >> 3]! |= 1 << (i & 7)
        exposed += 1
      }
      const mail = r % 2 ? `Member${i}@Example.NET` : email(i)
      const login = r % 5 === 0 ? '' : username(i)
      buf += `${login},${mail},${city}\n`
    } else if (x < 0.95) {
      const i = Math.floor(rand() * 1e9)
      buf += `ghost${i},ghost${i}@example.org,${city}\n`
    } else {
      broken += 1
      buf += r % 2 ? 'too,many,columns,here\n' : `,,${city}\n`
    }
    if (buf.length > 1 << 16) {
      if (!out.write(buf)) await once(out, 'drain')
      buf = ''
    }
  }
  out.end(buf)
  await once(out, 'finish')
  return { matching, broken, exposed }
}

/**
 * The machine's CPU time so far, in ticks (Linux's /proc/stat, 100 a second): busy and in all, and of
 * the busy time, the kernel's (system, interrupts) and the time the hypervisor gave to other guests
 * (steal); null elsewhere.
 */
const cpuTimes = (): { busy: number; total: number; kernel: number; steal: number } | null => {
  if (!existsSync('/proc/stat')) return null
  const ticks = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number)
  const total = ticks.reduce((a, b) => a + b, 0)
  // user nice system idle iowait irq softirq steal …: idle and iowait are the time nothing ran.
  const at = (i: number) => ticks[i] ?? 0
  return { busy: total - at(3) - at(4), total, kernel: at(2) + at(5) + at(6), steal: at(7) }
}
/** PostgreSQL's maintenance processes, whose work is not a statement's: told apart by their titles. */
const MAINTENANCE =
  /autovacuum|checkpointer|background writer|walwriter|walsender|archiver|logical replication/

/** CPU time so far of each PostgreSQL server process on this machine, in ms (Linux; empty elsewhere). */
interface DatabaseProcess {
  ms: number
  maintenance: boolean
  autovacuum: boolean
}
const databaseProcesses = (): Map<string, DatabaseProcess> => {
  const seen = new Map<string, DatabaseProcess>()
  if (!existsSync('/proc/self/stat')) return seen
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      if (!stat.includes('(postgres)')) continue
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      const title = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      seen.set(pid, {
        ms: ((Number(f[11]) + Number(f[12])) * 1000) / 100,
        maintenance: MAINTENANCE.test(title),
        autovacuum: title.includes('autovacuum worker'),
      })
    } catch {
      // gone meanwhile
    }
  }
  return seen
}

/**
 * PostgreSQL's CPU time since `before` (a `databaseProcesses()` reading), in ms: in all, in its
 * maintenance processes (autovacuum, checkpoints, WAL writing), and in autovacuum workers alone.
 * `seen` holds the latest reading of every process seen meanwhile (a sampler's); without it, a
 * process that ended meanwhile (an autovacuum worker, say) is missed.
 */
const databaseCpuSince = (
  before: ReturnType<typeof databaseProcesses>,
  seen: ReturnType<typeof databaseProcesses> = databaseProcesses(),
): { all: number; maintenance: number; autovacuum: number } => {
  const cpu = { all: 0, maintenance: 0, autovacuum: 0 }
  for (const [pid, now] of seen) {
    const ms = now.ms - (before.get(pid)?.ms ?? 0)
    cpu.all += ms
    if (now.maintenance) cpu.maintenance += ms
    if (now.autovacuum) cpu.autovacuum += ms
  }
  return cpu
}
const pct = ({ busyTicks, ticks }: { busyTicks: number; ticks: number }) =>
  ticks ? `${((100 * busyTicks) / ticks).toFixed(0)} %` : 'n/a'

/** WAL written so far by the whole PostgreSQL cluster (pg_stat_wal); null on SQLite. Set per scale. */
let walSoFar: (() => Promise<Wal>) | null = null
interface Wal {
  bytes: number
  /** Full-page images: a page's first change after a checkpoint writes the whole page. */
  fullPages: number
}

/**
 * Peak RSS while `f` runs (sampled every 50 ms), with its duration and where the CPU time went:
 * the service's process, PostgreSQL's processes, and how busy the machine was; on PostgreSQL, the
 * WAL it wrote.
 */
const measured = async <T>(
  f: () => Promise<T>,
): Promise<{ value: T; seconds: number; peakMb: number; cpu: StepCpu }> => {
  global.gc?.()
  let peak = process.memoryUsage().rss
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss)
  }, 50)
  const start = performance.now()
  const own = process.cpuUsage()
  const db = databaseProcesses()
  // Every second, so that processes that end during the step (autovacuum workers) count too.
  const seen = new Map(db)
  const look = () => {
    for (const [pid, p] of databaseProcesses()) seen.set(pid, p)
  }
  const looker = setInterval(look, 1000)
  const machine = cpuTimes()
  const wal = await walSoFar?.()
  try {
    const value = await f()
    const used = process.cpuUsage(own)
    const after = cpuTimes()
    look()
    const database = databaseCpuSince(db, seen)
    const walAfter = await walSoFar?.()
    const serviceS = (used.user + used.system) / 1e6
    const ticks = (k: 'busy' | 'kernel' | 'steal') => (machine && after ? (after[k] - machine[k]) / 100 : 0)
    return {
      value,
      seconds: (performance.now() - start) / 1000,
      peakMb: Math.max(peak, process.memoryUsage().rss) / 2 ** 20,
      cpu: {
        serviceS,
        databaseS: database.all / 1000,
        maintenanceS: database.maintenance / 1000,
        autovacuumS: database.autovacuum / 1000,
        // Busy time that was neither the service's nor PostgreSQL's: other processes, the kernel's
        // own threads (page cache, writeback), the hypervisor (steal).
        otherS: ticks('busy') - serviceS - database.all / 1000,
        kernelS: ticks('kernel'),
        stealS: ticks('steal'),
        busy:
          machine && after
            ? pct({ busyTicks: after.busy - machine.busy, ticks: after.total - machine.total })
            : 'n/a',
        wal:
          wal && walAfter
            ? { bytes: walAfter.bytes - wal.bytes, fullPages: walAfter.fullPages - wal.fullPages }
            : null,
      },
    }
  } finally {
    clearInterval(sampler)
    clearInterval(looker)
  }
}

/**
 * A count over the whole of a table, for the checks after a step. On PostgreSQL through a
 * connection of its own: the service's pool holds its statement deadline (10 s) and the driver's
 * read deadline behind it, which a count of 17.5 million rows outlives.
 */
const countAll = async (
  app: App,
  url: string | undefined,
  query: ReturnType<typeof sql<{ n: number }>>,
): Promise<number> => {
  const db = app.database.db
  if (app.database.dialect.name !== 'postgres' || !url) return Number((await query.execute(db)).rows[0]?.n)
  const { sql: text, parameters } = query.compile(db)
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return Number((await client.query<{ n: string }>(text, [...parameters])).rows[0]?.n)
  } finally {
    await client.end()
  }
}

/** CPU seconds a step took in the service and in PostgreSQL, and the machine's busy share. */
interface StepCpu {
  serviceS: number
  databaseS: number
  /** Of `databaseS`: maintenance processes, and autovacuum workers alone. */
  maintenanceS: number
  autovacuumS: number
  /** Machine busy time that was neither the service's nor PostgreSQL's. */
  otherS: number
  /** Of all busy time: the kernel's (system, interrupts), and steal. */
  kernelS: number
  stealS: number
  busy: string
  wal: Wal | null
}
const cpuLine = (c: StepCpu, rows: number) =>
  `CPU ${c.serviceS.toFixed(1)} s in the service + ${c.databaseS.toFixed(1)} s in PostgreSQL (${((1e6 * c.serviceS) / rows).toFixed(0)} + ${((1e6 * c.databaseS) / rows).toFixed(0)} µs/row; ${c.maintenanceS.toFixed(1)} s of it maintenance, ${c.autovacuumS.toFixed(1)} s autovacuum), ${c.otherS.toFixed(1)} s elsewhere (${((1e6 * c.otherS) / rows).toFixed(0)} µs/row), machine ${c.busy} busy (kernel ${c.kernelS.toFixed(1)} s, steal ${c.stealS.toFixed(1)} s)${
    c.wal
      ? `; WAL ${(c.wal.bytes / 2 ** 30).toFixed(2)} GiB (${(c.wal.bytes / rows).toFixed(0)} B/row), ${int(c.wal.fullPages)} full-page images`
      : ''
  }`
interface Step {
  seconds: number
  peakMb: number
  cpu: StepCpu
  ok: boolean
  detail: string
}
interface Scale {
  accounts: number
  steps: { import: Step } & Partial<Record<'leak' | 'reset', Step>>
  logins?: { perSecond: number; rawPerSecond: number; ratio: number; rounds: string; cpuBusy: string }
}

const importAccounts = async (app: App, file: string, n: number): Promise<Step> => {
  let last = performance.now()
  const m = await measured(() =>
    app.accountImports.importAccounts(
      {
        format: 'csv',
        mapping: {
          external_id: 'id',
          username: 'login',
          email: 'mail',
          email_verified: 'mail_confirmed',
          created_at: 'signed_up',
          password_hash: 'pw',
        },
        hashFormat: 'bcrypt',
        sourceName: 'old-app-export.csv',
        input: createReadStream(file),
        onProgress: (c) => {
          if (performance.now() - last < 30_000) return
          last = performance.now()
          log(`  import: ${int(c.rowsRead)} rows read`)
        },
      },
      { ...CLI_ADMINISTRATOR, actor: 'bench' },
      { ip: null, requestId: 'bench' },
    ),
  )
  const r = m.value
  const ok = r.status === 'completed' && r.rowsCreated === n && r.rowsBad === 0
  return {
    seconds: m.seconds,
    peakMb: m.peakMb,
    cpu: m.cpu,
    ok,
    detail: `${int(r.rowsCreated)} created, ${int(r.rowsBad)} bad, ${r.status}`,
  }
}

/**
 * Logins of imported accounts against the raw work, alternating `rounds` rounds of `perRound`
 * each; each login is a different account, from its own source address.
 */
const logins = async (
  app: App,
  url: string | undefined,
  accounts: number,
  hashes: readonly string[],
  perRound: number,
  concurrency: number,
): Promise<NonNullable<Scale['logins']>> => {
  const hasher = new PasswordHasher(app.config.passwords.hasher)
  let nextAccount = 0
  const login = async (): Promise<void> => {
    // Every tenth account's email is unverified in the export: those cannot log in.
    let i = nextAccount++ % accounts
    while (i % 10 === 0) i = nextAccount++ % accounts
    const res = await app.http.inject({
      method: 'POST',
      url: '/v1/sessions',
      remoteAddress: `127.${20 + ((i >> 16) & 0x7f)}.${(i >> 8) & 0xff}.${(i & 0xff) | 1}`,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ identifier: username(i), password: password(i % hashes.length) }),
    })
    if (res.statusCode !== 201 && res.statusCode !== 200) {
      throw new Error(`login of ${username(i)} answered ${res.statusCode}: ${res.body.slice(0, 200)}`)
    }
  }
  let rawK = 0
  const raw = async (): Promise<void> => {
    const k = rawK++ % hashes.length
    if (!(await bcryptCompare(password(k), hashes[k]!))) throw new Error('raw bcrypt refused its password')
    await hasher.hash(password(k))
  }
  /** Over the measured rounds of one kind: machine ticks busy and in all, CPU ms per operation. */
  const cpuOf = () => ({ busyTicks: 0, ticks: 0, serviceMs: 0, databaseMs: 0, maintenanceMs: 0 })
  const busy = { raw: cpuOf(), login: cpuOf() }
  const round = async (f: () => Promise<void>, into?: ReturnType<typeof cpuOf>): Promise<number> => {
    let left = perRound
    const cpu = cpuTimes()
    const own = process.cpuUsage()
    const db = databaseProcesses()
    const start = performance.now()
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (left > 0) {
          left -= 1
          await f()
        }
      }),
    )
    const rate = perRound / ((performance.now() - start) / 1000)
    const after = cpuTimes()
    if (into && cpu && after) {
      into.busyTicks += after.busy - cpu.busy
      into.ticks += after.total - cpu.total
      const used = process.cpuUsage(own)
      into.serviceMs += (used.user + used.system) / 1000 / perRound
      const dbCpu = databaseCpuSince(db)
      into.databaseMs += dbCpu.all / perRound
      into.maintenanceMs += dbCpu.maintenance / perRound
    }
    return rate
  }
  await round(raw) // warm-up of both paths
  await round(login)
  const ratios: number[] = []
  let sumLogin = 0
  let sumRaw = 0
  for (let r = 0; r < 3; r++) {
    const a = await round(raw, busy.raw)
    const b = await round(login, busy.login)
    sumRaw += a
    sumLogin += b
    ratios.push(b / a)
  }
  const rehashed = await countAll(
    app,
    url,
    sql<{ n: number }>`select count(*) as n from accounts
      where password_hash like '$argon2id$%' and external_id is not null`,
  )
  const expected = Math.min(Math.floor(accounts * 0.9), perRound * 4)
  if (rehashed < expected) throw new Error(`${rehashed} imported accounts rehashed after ${expected} logins`)
  return {
    perSecond: sumLogin / 3,
    rawPerSecond: sumRaw / 3,
    ratio: sumLogin / sumRaw,
    rounds: ratios.map((r) => r.toFixed(2)).join(', '),
    cpuBusy: `raw ${pct(busy.raw)}, logins ${pct(busy.login)}; CPU per operation: raw ${(busy.raw.serviceMs / 3).toFixed(1)} ms, login ${(busy.login.serviceMs / 3).toFixed(1)} ms in the service + ${(busy.login.databaseMs / 3).toFixed(1)} ms in PostgreSQL (${(busy.login.maintenanceMs / 3).toFixed(1)} ms of it maintenance: autovacuum, checkpoints, WAL; ${(busy.raw.databaseMs / 3).toFixed(1)} ms per raw operation)`,
  }
}

const importLeak = async (
  app: App,
  file: string,
  mix: { matching: number; broken: number; exposed: number },
): Promise<Step> => {
  const incident = await app.incidents.create(
    { title: 'the 2025/26 leak', summary: 'seed-scale benchmark', severity: 'high' },
    'bench',
    { ip: null, requestId: null },
  )
  let last = performance.now()
  const m = await measured(() =>
    app.incidents.importLeak(
      {
        incidentId: incident.id,
        format: 'csv',
        mapping: { username: 'login', email: 'Email', location: 'city' },
        phoneRegion: undefined,
        sourceName: 'leak.csv',
        input: createReadStream(file),
        onProgress: (c) => {
          if (performance.now() - last < 30_000) return
          last = performance.now()
          log(`  leak: ${int(c.rowsRead)} rows read`)
        },
      },
      'bench',
      { ip: null, requestId: null },
    ),
  )
  const r = m.value
  const ok =
    r.rowsMatched === mix.matching && r.rowsUnparseable === mix.broken && r.accountsMatched === mix.exposed
  return {
    seconds: m.seconds,
    peakMb: m.peakMb,
    cpu: m.cpu,
    ok,
    detail: `${int(r.rowsMatched)} matched (expected ${int(mix.matching)}), ${int(r.rowsUnparseable)} unparseable, ${int(r.accountsMatched)} accounts (expected ${int(mix.exposed)})`,
  }
}

const forceReset = async (app: App, accounts: number, url: string | undefined): Promise<Step> => {
  const m = await measured(async () => {
    const campaign = await app.services.campaigns.create(
      { selector: { kind: 'saved', name: 'all_users' }, action: 'force_password_reset', params: {} },
      'bench',
      ctx,
    )
    app.workers.campaigns.start()
    let last = performance.now()
    for (;;) {
      const c = await app.services.campaigns.get(campaign.id)
      if (c.status === 'completed') break
      if (performance.now() - last > 30_000) {
        last = performance.now()
        log(`  reset: ${int(c.done)}/${int(c.total)}`)
      }
      await sleep(200)
    }
    await app.workers.campaigns.stop()
    return campaign.id
  })
  log(`  reset: ${m.seconds.toFixed(1)} s, peak RSS ${m.peakMb.toFixed(0)} MiB; checking`)
  const n = await countAll(
    app,
    url,
    sql<{ n: number }>`select count(*) as n from accounts where password_reset_required_at is not null`,
  )
  const live = await countAll(
    app,
    url,
    sql<{ n: number }>`select count(*) as n from sessions where revoked_at is null`,
  )
  const ok = n === accounts && live === 0
  return {
    seconds: m.seconds,
    peakMb: m.peakMb,
    cpu: m.cpu,
    ok,
    detail: `${int(n)} under a required reset, ${live} live sessions`,
  }
}

const OPTIONAL_STEPS = ['logins', 'leak', 'reset'] as const
type OptionalStep = (typeof OPTIONAL_STEPS)[number]

/** `--steps logins,reset`: which steps run after the import (all of them by default). */
const stepsOption = (options: BenchOptions): Set<OptionalStep> => {
  if (options.steps === undefined) return new Set(OPTIONAL_STEPS)
  const named = String(options.steps).split(',').filter(Boolean)
  for (const step of named)
    if (!(OPTIONAL_STEPS as readonly string[]).includes(step))
      throw new Error(`--steps: ${step} is not one of ${OPTIONAL_STEPS.join(', ')} (the import always runs)`)
  return new Set(named as OptionalStep[])
}

const runScale = async (
  n: number,
  options: BenchOptions,
  hashes: readonly string[],
  postgres: string | undefined,
): Promise<Scale> => {
  const dir = mkdtempSync(join(os.tmpdir(), 'gatehouse-bench-seed-'))
  const forgetDir = onCleanup('remove the scratch folder', () =>
    rmSync(dir, { recursive: true, force: true }),
  )
  const scratch = postgres ? await createScratchDatabase(postgres, 'gh_bench_seed') : undefined
  const profile = async (step: string) => {
    if (!options.profile || !scratch) return
    const top = await topStatements(scratch.url, 12)
    log(`${int(n)}: ${step}, the statements that took longest:\n    ${top.join('\n    ')}`)
  }
  const forgetDb = scratch ? onCleanup('drop the scratch database', scratch.drop) : () => {}
  const config = loadConfig({
    GATEHOUSE_DATA_DIR: dir,
    GATEHOUSE_LOG_LEVEL: 'warn',
    GATEHOUSE_PUBLIC_URL: 'https://id.example.test',
    GATEHOUSE_WORKER_INTERVAL_MS: '50',
    GATEHOUSE_CAMPAIGN_BATCH_SIZE: String(numberOption(options, 'campaign-batch', 1000)),
    GATEHOUSE_CAMPAIGN_WORKERS: String(numberOption(options, 'campaign-workers', 2)),
    ...(scratch ? { DATABASE_URL: scratch.url } : {}),
  })
  const app = await createApp(config, { logger: pino({ level: 'warn' }), manualWorkers: true })
  walSoFar = scratch
    ? async () => {
        const { rows } = await sql<{ bytes: string; fpi: string }>`
          select wal_bytes::text as bytes, wal_fpi::text as fpi from pg_stat_wal`.execute(app.database.db)
        return { bytes: Number(rows[0]?.bytes), fullPages: Number(rows[0]?.fpi) }
      }
    : null
  try {
    const accountsFile = join(dir, 'accounts.csv')
    let t = performance.now()
    await writeAccounts(accountsFile, n, hashes)
    log(
      `${int(n)}: wrote the export (${(statSync(accountsFile).size / 2 ** 20).toFixed(0)} MiB) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    )
    await profile('before the import')
    const imported = await importAccounts(app, accountsFile, n)
    await profile('import')
    rmSync(accountsFile)
    log(
      `${int(n)}: import ${imported.seconds.toFixed(1)} s (${int(n / imported.seconds)} rows/s, peak RSS ${imported.peakMb.toFixed(0)} MiB), ${imported.detail}; ${cpuLine(imported.cpu, n)}`,
    )
    if (scratch) await sql`analyze`.execute(app.database.db)

    const steps = stepsOption(options)
    const result: Scale = { accounts: n, steps: { import: imported } }
    if (steps.has('logins')) {
      const perRound = numberOption(options, 'logins', 150)
      await profile('analyze')
      const l = await logins(app, scratch?.url, n, hashes, perRound, numberOption(options, 'concurrency', 4))
      await profile('logins')
      log(
        `${int(n)}: logins ${l.perSecond.toFixed(1)}/s vs raw ${l.rawPerSecond.toFixed(1)}/s = ${l.ratio.toFixed(3)} (CPU busy: ${l.cpuBusy})`,
      )
      result.logins = l
    }

    if (steps.has('leak')) {
      const leakFile = join(dir, 'leak.csv')
      t = performance.now()
      const mix = await writeLeak(leakFile, n, n)
      log(
        `${int(n)}: wrote the leak (${(statSync(leakFile).size / 2 ** 20).toFixed(0)} MiB) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
      )
      const leak = await importLeak(app, leakFile, mix)
      await profile('leak')
      rmSync(leakFile)
      log(
        `${int(n)}: leak ${leak.seconds.toFixed(1)} s (${int(n / leak.seconds)} rows/s, peak RSS ${leak.peakMb.toFixed(0)} MiB), ${leak.detail}; ${cpuLine(leak.cpu, n)}`,
      )
      result.steps.leak = leak
    }

    if (steps.has('reset')) {
      const reset = await forceReset(app, n, scratch?.url)
      await profile('reset')
      log(
        `${int(n)}: reset ${reset.seconds.toFixed(1)} s (${int(n / reset.seconds)} accounts/s), ${reset.detail}; ${cpuLine(reset.cpu, n)}`,
      )
      result.steps.reset = reset
    }
    return result
  } finally {
    await app.close()
    await scratch?.drop()
    forgetDb()
    rmSync(dir, { recursive: true, force: true })
    forgetDir()
  }
}

export const run = async (options: BenchOptions): Promise<BenchResult> => {
  const scales =
    typeof options.scales === 'string'
      ? options.scales.split(',').map((s) => Number(s.replace(/_/g, '')))
      : [50_000, 500_000]
  if (scales.some((s) => !Number.isInteger(s) || s < 1000)) throw new Error('--scales: whole numbers ≥ 1000')
  const hashes = await bcryptHashes(
    numberOption(options, 'hashes', 1000),
    numberOption(options, 'bcrypt-cost', 10),
  )
  const own = options['own-postgres']
    ? await ownPostgres({
        statements: Boolean(options.profile),
        settings: Object.fromEntries(
          String(options['pg-settings'] ?? '')
            .split(',')
            .filter(Boolean)
            .map((kv) => kv.split('=', 2) as [string, string]),
        ),
      })
    : undefined
  const forgetOwn = own ? onCleanup('stop the benchmark’s PostgreSQL', own.destroy) : () => {}
  const postgres = own?.url ?? postgresOption(options.postgres)
  const database = own
    ? `PostgreSQL of its own (${Object.entries(own.settings)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')})`
    : postgres
      ? 'PostgreSQL (the server’s settings)'
      : 'SQLite'
  log(`machine: ${machine()}; ${database}; scales ${scales.map(int).join(', ')}`)
  const results: Scale[] = []
  try {
    for (const n of scales) results.push(await runScale(n, options, hashes, postgres))
  } finally {
    own?.destroy()
    forgetOwn()
  }

  const rows: Array<readonly [string, string]> = [['database', database]]
  let ok = true
  for (const s of results) {
    // `1,000,000 (2)`: the second run of a scale named more than once.
    const runs = results.filter((r) => r.accounts === s.accounts)
    const label = runs.length > 1 ? `${int(s.accounts)} (${runs.indexOf(s) + 1})` : int(s.accounts)
    for (const [name, step] of Object.entries(s.steps) as Array<[string, Step]>) {
      const over = s.accounts >= LARGE && step.seconds > STEP_LIMIT_SECONDS
      ok &&= step.ok && !over
      rows.push(
        [
          `${label}: ${name}`,
          `${step.seconds.toFixed(1)} s, ${int(s.accounts / step.seconds)}/s, peak RSS ${step.peakMb.toFixed(0)} MiB${over ? ' — OVER 15 min' : ''}`,
        ],
        [`${label}: ${name} checked`, `${step.ok ? 'yes' : 'NO'}: ${step.detail}`],
      )
    }
    if (s.logins)
      rows.push([
        `${label}: logins of imported bcrypt accounts vs raw bcrypt + argon2id`,
        `${s.logins.perSecond.toFixed(1)}/s vs ${s.logins.rawPerSecond.toFixed(1)}/s = ${s.logins.ratio.toFixed(3)} (rounds ${s.logins.rounds}; CPU busy ${s.logins.cpuBusy})`,
      ])
  }
  // A scale named more than once ran as often (each time on a fresh database): its steps count by
  // their median, which a slow or fast moment of the machine in one run does not move.
  const sizes = [...new Set(results.map((s) => s.accounts))].sort((a, b) => a - b)
  const middle = (n: number, name: 'import' | 'leak' | 'reset') => {
    const seconds = results.flatMap((s) => (s.accounts === n && s.steps[name] ? [s.steps[name].seconds] : []))
    return { seconds: median(seconds), runs: seconds.length }
  }
  const peak = (n: number, name: 'import' | 'leak' | 'reset') =>
    Math.max(...results.flatMap((s) => (s.accounts === n && s.steps[name] ? [s.steps[name].peakMb] : [])))
  const [small, big] = [sizes[0], sizes.at(-1)]
  if (small !== undefined && big !== undefined && big !== small) {
    for (const name of ['import', 'leak', 'reset'] as const) {
      const [a, b] = [middle(small, name), middle(big, name)]
      if (a.runs === 0 || b.runs === 0) continue
      const ratio = b.seconds / big / (a.seconds / small)
      const of = (m: { seconds: number; runs: number }) =>
        m.runs > 1 ? `median of ${m.runs} runs, ${m.seconds.toFixed(1)} s` : `${m.seconds.toFixed(1)} s`
      rows.push([
        `${name}: per-row cost ${int(big)} / ${int(small)}`,
        `${ratio.toFixed(2)} (${of(b)} / ${of(a)}; peak RSS ${(peak(big, name) / peak(small, name)).toFixed(2)}×)`,
      ])
    }
  }
  console.log(table(rows, ['figure', 'value']))
  return { name: 'seed-scale', ok, rows }
}
