/**
 * recovery-flood: a password-reset flood from ~16,000 loopback addresses in 64 /24 networks against
 * 1,000 verified accounts, with the default limits and caps. It measures what the flood gets through
 * (202 vs 429, latency, requests/s), how many reset mails each account receives (the invariant: never
 * more than the hourly cap), and how much slower a legitimate login gets meanwhile.
 *
 *   npm run bench -- recovery-flood [--seconds 60] [--postgres[=postgres://…/postgres]]
 *     [--accounts 1000] [--concurrency 64] [--subnets 64] [--baseline-seconds 10] [--idle-ms 2000]
 *     [--seed-concurrency 32] [--probe-interval-ms 100] [--resend-after 0] [--test-sink]
 *
 * --test-sink uses the smtp-server sink of test/helpers instead of bench/lib/smtp-sink.ts (see there why).
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { settings } from '../src/config/schema.js'
import { startSmtpSink } from '../test/helpers/smtp-sink.js'
import { onCleanup } from './lib/cleanup.js'
import { type Reply, request, sourceAgent, type Target, targetOf } from './lib/http.js'
import { type ProbeResult, startLoginProbe } from './lib/login-probe.js'
import { createScratchDatabase, postgresOption } from './lib/postgres.js'
import { prng } from './lib/random.js'
import { type RunningServer, startServer } from './lib/server.js'
import { type Sink, startFastSmtpSink } from './lib/smtp-sink.js'
import { int, mean, ms, percentile, table } from './lib/stats.js'
import { type BenchOptions, type BenchResult, numberOption } from './lib/types.js'

export const description =
  'reset-mail flood from ~16k loopback addresses: 202/429, latency, mails per account vs cap, login latency'

const RESET_SUBJECT = 'Reset your'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const log = (line: string) => console.log(`[recovery-flood] ${line}`)

/** The default of a setting, as written in the settings table (`20/3600`, `3`). */
const defaultOf = <K extends keyof typeof settings>(key: K): string => String(settings[key].default)

/** Deterministic shuffle (mulberry32), so every run floods in the same order. */
const shuffle = <T>(items: T[], seed: number): T[] => {
  const rand = prng(seed)
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1))
    ;[items[i], items[j]] = [items[j]!, items[i]!]
  }
  return items
}

interface Account {
  username: string
  email: string
  password: string
}

const newAccount = (username: string): Account => ({
  username,
  email: `${username}@example.org`,
  password: `velvet harbor ${randomBytes(4).toString('hex')} lantern`,
})

/** Runs `fn` over `items` with at most `limit` at a time; the first failure stops the rest. */
const pool = async <T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>) => {
  let next = 0
  let failed: unknown
  const lane = async () => {
    while (failed === undefined && next < items.length) {
      const i = next++
      try {
        await fn(items[i]!, i)
      } catch (err) {
        failed ??= err
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane))
  if (failed !== undefined) throw failed
}

const PROM_LINE = /^(\w+)(?:\{([^}]*)\})?\s+([-+\d.eE]+|NaN)$/

/** The counters that say whether the server still has recovery or mail work in hand. */
interface Backlog {
  processed: number
  queued: number
  settled: number
}

const readBacklog = async (target: Target, agent: http.Agent): Promise<Backlog | undefined> => {
  const reply = await request(target, { method: 'GET', path: '/metrics', agent, timeoutMs: 5000 })
  if (reply.status !== 200) return undefined
  let processed = 0
  let queued = 0
  let settled = 0
  let seen = false
  for (const line of reply.body.split('\n')) {
    const m = PROM_LINE.exec(line)
    if (!m) continue
    const [, name, labels = '', value] = m
    if (name === 'gatehouse_recovery_requests_total') {
      processed += Number(value)
      seen = true
    } else if (name === 'gatehouse_messages_total') {
      const state = /state="(\w+)"/.exec(labels)?.[1]
      if (state === 'queued') queued += Number(value)
      else if (state === 'sent' || state === 'suppressed' || state === 'abandoned') settled += Number(value)
      seen = true
    }
  }
  return seen ? { processed, queued, settled } : undefined
}

interface FloodFigures {
  elapsedMs: number
  /** Date.now() when the flood started and when its last accepted (202) request ended. */
  startedAt: number
  lastAcceptedAt: number
  statuses: Map<string, number>
  all: number[]
  accepted: number[]
  refused: number[]
  reused: number
}

const flood = async (
  target: Target,
  bodies: readonly Buffer[],
  sources: readonly string[],
  opts: { seconds: number; concurrency: number; idleMs: number },
): Promise<FloodFigures> => {
  const agents = new Map<string, http.Agent>()
  const agentFor = (source: string) => {
    let agent = agents.get(source)
    if (!agent) {
      agent = sourceAgent(source, opts.idleMs)
      agents.set(source, agent)
    }
    return agent
  }
  const figures: FloodFigures = {
    elapsedMs: 0,
    startedAt: Date.now(),
    lastAcceptedAt: 0,
    statuses: new Map(),
    all: [],
    accepted: [],
    refused: [],
    reused: 0,
  }
  const count = (key: string) => figures.statuses.set(key, (figures.statuses.get(key) ?? 0) + 1)
  let n = 0
  const start = performance.now()
  const deadline = start + opts.seconds * 1000
  const lane = async () => {
    while (performance.now() < deadline) {
      const k = n++
      const source = sources[k % sources.length]!
      const reply: Reply = await request(target, {
        method: 'POST',
        path: '/v1/recovery',
        body: bodies[k % bodies.length],
        agent: agentFor(source),
        localAddress: source,
      })
      count(reply.status === 0 ? `error ${reply.error}` : String(reply.status))
      figures.all.push(reply.ms)
      if (reply.reused) figures.reused++
      if (reply.status === 202) {
        figures.accepted.push(reply.ms)
        figures.lastAcceptedAt = Date.now()
      } else if (reply.status === 429) figures.refused.push(reply.ms)
    }
  }
  await Promise.all(Array.from({ length: opts.concurrency }, lane))
  figures.elapsedMs = performance.now() - start
  for (const agent of agents.values()) agent.destroy()
  return figures
}

export const run = async (options: BenchOptions): Promise<BenchResult> => {
  const seconds = numberOption(options, 'seconds', 60)
  const accountCount = Math.round(numberOption(options, 'accounts', 1000))
  const concurrency = Math.round(numberOption(options, 'concurrency', 64))
  const subnets = Math.min(256, Math.round(numberOption(options, 'subnets', 64)))
  const baselineSeconds = numberOption(options, 'baseline-seconds', 10)
  const probeIntervalMs = numberOption(options, 'probe-interval-ms', 100)
  const idleMs = numberOption(options, 'idle-ms', 2000)
  // Not a default: `--resend-after 0` turns off the "no new mail while a recent link is live" rule, so
  // that repeated requests for one account reach the hourly cap itself instead of stopping at one mail.
  const resendAfter =
    options['resend-after'] === undefined ? undefined : String(numberOption(options, 'resend-after', 0, true))
  const seedConcurrency = Math.round(numberOption(options, 'seed-concurrency', 32))
  const legitCount = 5
  const capPerHour = Number(defaultOf('recoveryCapPerHour'))
  const postgresBase = postgresOption(options.postgres)

  const cleanups: Array<{ label: string; fn: () => Promise<void> | void; dispose: () => void }> = []
  const cleanupLater = (label: string, fn: () => Promise<void> | void) =>
    cleanups.push({ label, fn, dispose: onCleanup(label, fn) })

  try {
    // 1. Sink, database, server.
    const dataDir = mkdtempSync(join(os.tmpdir(), 'gatehouse-bench-'))
    cleanupLater('remove temp dir', () => rmSync(dataDir, { recursive: true, force: true }))
    let databaseUrl: string | undefined
    if (postgresBase) {
      const scratch = await createScratchDatabase(postgresBase, `gh_bench_${process.pid}`)
      cleanupLater('drop database', scratch.drop)
      databaseUrl = scratch.url
    }
    const sink: Sink = options['test-sink'] ? await startSmtpSink() : await startFastSmtpSink()
    cleanupLater('close SMTP sink', () => sink.close())
    const server: RunningServer = await startServer({
      GATEHOUSE_DATA_DIR: dataDir,
      GATEHOUSE_SMTP_URL: sink.url,
      GATEHOUSE_LOG_LEVEL: 'warn',
      GATEHOUSE_WORKER_INTERVAL_MS: '100',
      // The seeding signs up a thousand accounts from one /16: the sign-up budgets of sources are
      // not what this measures.
      GATEHOUSE_SIGNUP_LIMIT_SUBNET: '100000/3600',
      GATEHOUSE_SIGNUP_LIMIT_GLOBAL: '100000/60',
      ...(resendAfter !== undefined ? { GATEHOUSE_RECOVERY_RESEND_AFTER: resendAfter } : {}),
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    })
    cleanupLater('stop server', () => server.stop(10_000))
    const target = targetOf(server.baseUrl)
    const database = databaseUrl ? 'PostgreSQL (fresh database)' : 'SQLite (fresh temp data dir)'
    log(`server at ${server.baseUrl}, ${database}, SMTP sink at ${sink.url}`)

    // 2. Seed verified accounts: sign up, read the Token: line of the verification mail, verify.
    const accounts = Array.from({ length: accountCount }, (_, i) =>
      newAccount(`acct_${String(i).padStart(5, '0')}`),
    )
    const legit = Array.from({ length: legitCount }, (_, i) => newAccount(`legit_${i}`))
    const seedAgent = new http.Agent({ keepAlive: false })
    const seedStart = performance.now()
    const seedTimes = { signup: [] as number[], mail: [] as number[], verify: [] as number[] }
    await pool([...accounts, ...legit], seedConcurrency, async (a, i) => {
      // Spread over addresses too, so that a sign-up limit per source would not stop the seeding.
      const localAddress = `127.20.${i % 250}.${1 + Math.floor(i / 250)}`
      const signup = await request(target, {
        method: 'POST',
        path: '/v1/accounts',
        body: a,
        agent: seedAgent,
        localAddress,
      })
      if (signup.status !== 202) throw new Error(`sign-up of ${a.username}: ${signup.status} ${signup.body}`)
      seedTimes.signup.push(signup.ms)
      const waitStart = performance.now()
      const mail = await sink.waitFor(
        (m) => m.to.some((t) => t.toLowerCase() === a.email) && /verif/i.test(m.subject),
        60_000,
      )
      seedTimes.mail.push(performance.now() - waitStart)
      const verify = await request(target, {
        method: 'POST',
        path: '/v1/accounts/verify',
        body: { token: sink.tokenFrom(mail) },
        agent: seedAgent,
        localAddress,
      })
      if (verify.status !== 200)
        throw new Error(`verification of ${a.username}: ${verify.status} ${verify.body}`)
      seedTimes.verify.push(verify.ms)
      if ((i + 1) % 250 === 0) log(`seeded ${i + 1} accounts`)
    })
    seedAgent.destroy()
    const seedSeconds = (performance.now() - seedStart) / 1000
    const seedSummary =
      `sign-up p50 ${ms(percentile(seedTimes.signup, 50))}, mail wait p50 ${ms(percentile(seedTimes.mail, 50))}, ` +
      `verify p50 ${ms(percentile(seedTimes.verify, 50))}`
    log(
      `seeded ${accounts.length + legit.length} verified accounts in ${seedSeconds.toFixed(1)} s (${seedSummary})`,
    )
    const mailsBeforeFlood = sink.messages.length

    // 3. Baseline: legitimate logins with no flood.
    const logins = legit.map((a, i) => ({ identifier: i % 2 ? a.email : a.username, password: a.password }))
    log(`baseline: legitimate logins for ${baselineSeconds} s`)
    const baseline: ProbeResult = await (
      await startLoginProbe({
        baseUrl: server.baseUrl,
        logins,
        durationMs: baselineSeconds * 1000,
        intervalMs: probeIntervalMs,
      })
    ).result

    // 4. The flood, with the login probe running alongside.
    const identifiers: string[] = []
    for (const a of accounts) identifiers.push(a.username, a.email)
    const ghosts = Math.max(1, Math.round(accountCount / 10))
    for (let i = 0; i < ghosts; i++) identifiers.push(`ghost_${i}`, `ghost_${i}@example.org`)
    const bodies = shuffle(identifiers, 0x5eed).map((identifier) =>
      Buffer.from(JSON.stringify({ identifier })),
    )
    // Consecutive requests come from different /24s: 127.10.0.1, 127.10.1.1, …, 127.10.63.1, 127.10.0.2, …
    const sources: string[] = []
    for (let host = 1; host <= 254; host++)
      for (let net = 0; net < subnets; net++) sources.push(`127.10.${net}.${host}`)
    log(
      `flood: ${seconds} s, ${concurrency} in flight, ${sources.length} source addresses in ${subnets} /24s, ` +
        `${identifiers.length} identifiers (${ghosts * 2} without an account)`,
    )
    const probe = await startLoginProbe({
      baseUrl: server.baseUrl,
      logins,
      durationMs: seconds * 1000,
      intervalMs: probeIntervalMs,
      devices: baseline.devices,
    })
    const figures = await flood(target, bodies, sources, { seconds, concurrency, idleMs })
    const during = await probe.result
    const sent = figures.all.length
    const acceptedCount = figures.statuses.get('202') ?? 0
    const refusedCount = figures.statuses.get('429') ?? 0
    log(`flood done: ${int(sent)} requests, ${int(acceptedCount)} × 202, ${int(refusedCount)} × 429`)

    // 5. Let the server finish: no new mail for 3 s and no movement in its recovery/outbox counters.
    const drainStart = performance.now()
    const metricsAgent = new http.Agent({ keepAlive: true })
    let lastMails = sink.messages.length
    const metricsTarget = targetOf(server.metricsUrl)
    let lastBacklog = await readBacklog(metricsTarget, metricsAgent)
    let quietSince = performance.now()
    let drained = false
    while (performance.now() - drainStart < 180_000) {
      await sleep(500)
      const backlog = await readBacklog(metricsTarget, metricsAgent)
      const moved =
        sink.messages.length !== lastMails ||
        backlog?.processed !== lastBacklog?.processed ||
        backlog?.settled !== lastBacklog?.settled
      lastMails = sink.messages.length
      lastBacklog = backlog
      if (moved) quietSince = performance.now()
      const outboxEmpty = !backlog || backlog.queued <= backlog.settled
      if (outboxEmpty && performance.now() - quietSince >= 3000) {
        drained = true
        break
      }
    }
    metricsAgent.destroy()
    const drainSeconds = (performance.now() - drainStart) / 1000
    log(`${drained ? 'drained' : 'NOT drained (gave up)'} after ${drainSeconds.toFixed(1)} s`)

    const perAccount = new Map<string, number>(accounts.map((a) => [a.email, 0]))
    let strays = 0
    let resetMails = 0
    for (const m of sink.messages.slice(mailsBeforeFlood)) {
      if (!m.subject.includes(RESET_SUBJECT)) continue
      resetMails++
      for (const to of m.to) {
        const key = to.toLowerCase()
        const seen = perAccount.get(key)
        if (seen === undefined) strays++
        else perAccount.set(key, seen + 1)
      }
    }
    const counts = [...perAccount.values()]
    const maxPerAccount = Math.max(...counts)
    const meanPerAccount = mean(counts)
    const reached = counts.filter((c) => c >= 1).length
    const capHolds = maxPerAccount <= capPerHour && strays === 0
    const ok = capHolds && drained

    // 6. The table.
    const cpus = os.cpus()
    const others = [...figures.statuses.entries()].filter(([k]) => k !== '202' && k !== '429')
    const baseP50 = percentile(baseline.latencies, 50)
    const baseP99 = percentile(baseline.latencies, 99)
    const duringP50 = percentile(during.latencies, 50)
    const duringP99 = percentile(during.latencies, 99)
    // The flood has two phases: until the budgets run out (202s, with database writes and mail) and after.
    const acceptPhase = Math.max(0, (figures.lastAcceptedAt - figures.startedAt) / 1000)
    const early = during.latencies.filter((_, i) => during.startedAt[i]! <= figures.lastAcceptedAt)
    const late = during.latencies.filter((_, i) => during.startedAt[i]! > figures.lastAcceptedAt)
    const failedLogins = (r: ProbeResult) =>
      Object.entries(r.statuses)
        .filter(([k]) => k !== '201')
        .reduce((s, [, v]) => s + v, 0)
    const rows: Array<readonly [string, string]> = [
      ['machine', `${cpus.length} × ${cpus[0]?.model.trim() ?? '?'}, ${os.platform()} ${os.release()}`],
      ['node', process.version],
      ['database', database],
      [
        'limits (defaults)',
        `per IP ${defaultOf('recoveryLimitPerIp')}, per /24 ${defaultOf('recoveryLimitPerSubnet')}, ` +
          `global ${defaultOf('recoveryLimitGlobal')} (points/seconds)`,
      ],
      [
        'no resend while a link is younger than',
        resendAfter === undefined
          ? `${defaultOf('recoveryResendAfterSeconds')} s (default)`
          : `${resendAfter} s (--resend-after; default ${defaultOf('recoveryResendAfterSeconds')} s)`,
      ],
      [
        'flood',
        `${seconds} s, ${concurrency} in flight, ${int(sources.length)} addresses in ${subnets} /24s`,
      ],
      ['seeding', `${int(accounts.length + legit.length)} verified accounts in ${seedSeconds.toFixed(1)} s`],
      ['requests sent', int(sent)],
      ['requests/s', int(sent / (figures.elapsedMs / 1000))],
      ['accepted (202)', int(acceptedCount)],
      ['refused (429)', int(refusedCount)],
      ...(others.length
        ? [['other answers', others.map(([k, v]) => `${k}: ${int(v)}`).join(', ')] as const]
        : []),
      [
        'flood latency p50 / p99 (all)',
        `${ms(percentile(figures.all, 50))} / ${ms(percentile(figures.all, 99))}`,
      ],
      [
        'flood latency p50 / p99 (202)',
        `${ms(percentile(figures.accepted, 50))} / ${ms(percentile(figures.accepted, 99))}`,
      ],
      [
        'flood latency p50 / p99 (429)',
        `${ms(percentile(figures.refused, 50))} / ${ms(percentile(figures.refused, 99))}`,
      ],
      ['connections reused', `${int(figures.reused)} of ${int(sent)} requests`],
      ['outbox drained after flood', `${drained ? 'yes' : 'NO'}, ${drainSeconds.toFixed(1)} s`],
      [
        'recovery requests processed',
        lastBacklog ? `${int(lastBacklog.processed)} (of ${int(acceptedCount)} accepted)` : 'n/a',
      ],
      [
        'reset mails delivered',
        `${int(resetMails)}${strays ? ` (${strays} to addresses of no account!)` : ''}`,
      ],
      ['accounts with ≥ 1 reset mail', `${int(reached)} of ${int(accounts.length)}`],
      ['reset mails per account: max / mean', `${maxPerAccount} / ${meanPerAccount.toFixed(2)}`],
      ['cap per account', `${capPerHour} per hour`],
      ['invariant max ≤ cap', capHolds ? 'PASS' : 'FAIL'],
      [
        'login p50 / p99 without flood',
        `${ms(baseP50)} / ${ms(baseP99)} (n=${baseline.latencies.length}, failed ${failedLogins(baseline)})`,
      ],
      [
        'login p50 / p99 during flood',
        `${ms(duringP50)} / ${ms(duringP99)} (n=${during.latencies.length}, failed ${failedLogins(during)})`,
      ],
      [
        'login ratio during / without (p50, p99)',
        `${(duringP50 / baseP50).toFixed(2)}×, ${(duringP99 / baseP99).toFixed(2)}×`,
      ],
      [
        `  during, while 202s were given (first ${acceptPhase.toFixed(0)} s)`,
        `${ms(percentile(early, 50))} / ${ms(percentile(early, 99))} (n=${early.length})`,
      ],
      [
        '  during, once every request got 429',
        `${ms(percentile(late, 50))} / ${ms(percentile(late, 99))} (n=${late.length})`,
      ],
    ]
    console.log(`\nrecovery-flood\n\n${table(rows, ['figure', 'value'])}\n`)
    if (!capHolds)
      console.log(`FAIL: an account received ${maxPerAccount} reset mails; the cap is ${capPerHour}`)
    if (!drained)
      console.log('FAIL: the server did not finish its mail within 180 s, so the count is incomplete')
    return { name: 'recovery-flood', ok, rows }
  } finally {
    // 7. Clean up, newest first: server, sink, database, temp dir.
    for (const step of cleanups.reverse()) {
      step.dispose()
      try {
        await step.fn()
      } catch (err) {
        console.error(`clean-up "${step.label}" failed: ${(err as Error).message}`)
      }
    }
  }
}
