/**
 * guard: what the detectors cost and what they save, measured in one run against two servers that
 * differ only in GATEHOUSE_GUARD (true / false), one after the other, each on a fresh database.
 *
 *   npm run bench -- guard [--postgres[=postgres://…/postgres]] [--logins 1200] [--recoveries 4000]
 *     [--skip-mix]
 *
 * 1. The attack mix of the guard simulation (test/guard/simulation.test.ts): a 10,000-identifier
 *    sweep, a recovery flood on 20 accounts, 5,000 stuffing pairs, 80 legitimate users.
 * 2. Then legitimate logins: 60 users, each from its own address with its device token, 16 in flight.
 * 3. Legitimate recovery requests: each from an address of its own (16 per /24, 40 per /16), half
 *    naming an account, 32 in flight.
 * With --postgres, each server gets a fresh PostgreSQL database and Redis (REDIS_URL, default
 * redis://127.0.0.1:6379) as limiter store, under a key prefix of its own.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { createMemoryLimiterStore } from '../src/adapters/limits/memory.js'
import { createRedisLimiterStore } from '../src/adapters/limits/redis.js'
import { openPostgres, openSqlite } from '../src/adapters/sql/database.js'
import type { LimiterStore } from '../src/modules/guard/ports.js'
import { defaultMix, type MixReport, runAttackMix } from './lib/attack-mix.js'
import { onCleanup } from './lib/cleanup.js'
import { inParallel, request, sourceAgents } from './lib/http.js'
import { type MixServer, seedMix, startMixServer } from './lib/mix-server.js'
import { createScratchDatabase, DEFAULT_POSTGRES, postgresOption } from './lib/postgres.js'
import { startFastSmtpSink } from './lib/smtp-sink.js'
import { int, ms, percentile, table } from './lib/stats.js'
import { type BenchOptions, type BenchResult, numberOption } from './lib/types.js'

export const description =
  'detector cost on legitimate logins and recoveries, and the attack mix, with the guard on and off'

const log = (line: string) => console.log(`[guard] ${line}`)

interface Phase {
  requests: number
  seconds: number
  latencies: number[]
  statuses: Record<number, number>
}

/** Runs `count` requests, `concurrency` at a time; `next(i)` sends the i-th. */
const phase = async (
  count: number,
  concurrency: number,
  next: (i: number) => Promise<{ status: number; ms: number }>,
): Promise<Phase> => {
  const latencies: number[] = []
  const statuses: Record<number, number> = {}
  const started = performance.now()
  await inParallel(count, concurrency, async (i) => {
    const r = await next(i)
    latencies.push(r.ms)
    statuses[r.status] = (statuses[r.status] ?? 0) + 1
  })
  return { requests: count, seconds: (performance.now() - started) / 1000, latencies, statuses }
}

interface Measured {
  logins: Phase
  recoveries: Phase
  mix: MixReport | null
  screenMeanUs: number | null
}

const measure = async (guard: boolean, options: BenchOptions): Promise<Measured> => {
  const dataDir = mkdtempSync(join(os.tmpdir(), 'gatehouse-bench-guard-'))
  const removeDir = () => rmSync(dataDir, { recursive: true, force: true })
  const forgetDir = onCleanup('temp dir', removeDir)
  const sink = await startFastSmtpSink()
  const forgetSink = onCleanup('smtp sink', () => sink.close())
  let limiter: LimiterStore = createMemoryLimiterStore()
  let database = openSqlite(join(dataDir, 'gatehouse.sqlite'))
  let databaseUrl: string | undefined
  let dropDatabase: (() => Promise<void>) | undefined
  if (options.postgres) {
    const { name, url, drop } = await createScratchDatabase(
      postgresOption(options.postgres) ?? DEFAULT_POSTGRES,
      'gh_bench_guard',
    )
    databaseUrl = url
    await database.close()
    database = await openPostgres(databaseUrl)
    limiter = await createRedisLimiterStore(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
      keyPrefix: `gatehouse-bench:${name}:`,
      onFallback: (e) => log(`Redis limiter store fell back to memory: ${e.message}`),
    })
    dropDatabase = drop
  }
  const server: MixServer = await startMixServer({
    dataDir,
    database,
    databaseUrl,
    limiter,
    sink,
    // The global recovery budget (3000/min by default) would otherwise refuse the legitimate phase
    // after the attack mix, more so when the mix ran faster: the comparison is of the guard alone.
    env: { GATEHOUSE_GUARD: String(guard), GATEHOUSE_RECOVERY_LIMIT_GLOBAL: '1000000/60' },
  })
  const stop = async () => {
    await server.close()
    await limiter.close()
    await dropDatabase?.()
  }
  const forgetServer = onCleanup('server', stop)
  try {
    const plan = await seedMix(server)
    const agents = sourceAgents(5000)
    const post = (ip: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
      request(server.target, {
        method: 'POST',
        path,
        body,
        agent: agents.agent(ip),
        localAddress: ip,
        headers,
      })

    // The attack mix first, on the fresh server (as the simulation runs it); then legitimate traffic,
    // with whatever state the attack left behind.
    const mix = options['skip-mix'] ? null : await runAttackMix(server.target, plan, defaultMix)
    const loginOnce = (i: number) => {
      const u = plan.regulars[i % plan.regulars.length]!
      return post(
        u.home,
        '/v1/sessions',
        { identifier: u.username, password: u.password },
        {
          'x-gatehouse-device': u.deviceToken!,
        },
      )
    }
    // Warm-up (JIT, connection pools, password lists), not measured.
    await phase(120, 16, loginOnce)
    const logins = await phase(numberOption(options, 'logins', 1200), 16, loginOnce)
    const known = plan.floodTargets.map((u) => u.email)
    const recoveries = await phase(numberOption(options, 'recoveries', 4000), 32, (i) =>
      // Ordinary users, not one network sweeping: 100 /16s, in each up to 16 addresses of a /24 and
      // 40 requests (of 4,000) — below what the guard and the recovery limits allow a /16 and a /24.
      post(
        `127.${150 + (i % 100)}.${Math.floor(i / 1600)}.${(Math.floor(i / 100) % 16) + 1}`,
        '/v1/recovery',
        {
          identifier: i % 2 === 0 ? known[i % known.length]! : `nobody${i}@example.net`,
        },
      ),
    )
    agents.destroy()
    const screen = (await server.app.metrics.guardScreen.get()).values
    const sum = screen.find((v) => v.metricName === 'gatehouse_guard_screen_seconds_sum')?.value ?? 0
    const count = screen.find((v) => v.metricName === 'gatehouse_guard_screen_seconds_count')?.value ?? 0
    return { logins, recoveries, mix, screenMeanUs: count > 0 ? (sum / count) * 1e6 : null }
  } finally {
    forgetServer()
    await stop()
    forgetSink()
    await sink.close()
    forgetDir()
    removeDir()
  }
}

const rate = (p: Phase) => p.requests / p.seconds

export const run = async (options: BenchOptions): Promise<BenchResult> => {
  log(`store: ${options.postgres ? 'PostgreSQL + Redis' : 'SQLite + memory'}; guard off first, then on`)
  const off = await measure(false, options)
  log('guard off: done')
  const on = await measure(true, options)
  log('guard on: done')
  const rows: Array<readonly [string, string]> = [
    [
      'legitimate logins/s (off → on)',
      `${rate(off.logins).toFixed(1)} → ${rate(on.logins).toFixed(1)} (${(rate(on.logins) / rate(off.logins)).toFixed(3)}×)`,
    ],
    [
      '  login p50 / p99 off',
      `${ms(percentile(off.logins.latencies, 50))} / ${ms(percentile(off.logins.latencies, 99))}`,
    ],
    [
      '  login p50 / p99 on',
      `${ms(percentile(on.logins.latencies, 50))} / ${ms(percentile(on.logins.latencies, 99))}`,
    ],
    [
      'legitimate recovery requests/s (off → on)',
      `${rate(off.recoveries).toFixed(0)} → ${rate(on.recoveries).toFixed(0)} (${(rate(on.recoveries) / rate(off.recoveries)).toFixed(3)}×)`,
    ],
    [
      '  recovery p50 / p99 off',
      `${ms(percentile(off.recoveries.latencies, 50))} / ${ms(percentile(off.recoveries.latencies, 99))}`,
    ],
    [
      '  recovery p50 / p99 on',
      `${ms(percentile(on.recoveries.latencies, 50))} / ${ms(percentile(on.recoveries.latencies, 99))}`,
    ],
    [
      '  statuses off / on',
      `${JSON.stringify(off.recoveries.statuses)} / ${JSON.stringify(on.recoveries.statuses)}`,
    ],
    ['guard screen, mean per request', on.screenMeanUs === null ? 'n/a' : `${on.screenMeanUs.toFixed(0)} µs`],
  ]
  let ok = on.logins.statuses[201] === on.logins.requests && off.logins.statuses[201] === off.logins.requests
  if (on.mix && off.mix) {
    const m = (r: MixReport) => r.requests / r.seconds
    rows.push(
      [
        'attack mix requests/s (off → on)',
        `${m(off.mix).toFixed(0)} → ${m(on.mix).toFixed(0)} (${int(off.mix.requests)} / ${int(on.mix.requests)} requests in ${off.mix.seconds.toFixed(1)} / ${on.mix.seconds.toFixed(1)} s)`,
      ],
      [
        'stuffing pairs with the password checked (off / on)',
        `${int(off.mix.stuffing.checked)} / ${int(on.mix.stuffing.checked)} of 5,000`,
      ],
      [
        'valid stuffing pairs found without solving (off / on)',
        `${off.mix.stuffing.found} / ${on.mix.stuffing.found} of ${on.mix.stuffing.validTried}`,
      ],
      [
        'legitimate users challenged (on)',
        `${on.mix.legit.filter((l) => l.challenges > 0).length} of ${on.mix.legit.length}, at most ${Math.max(...on.mix.legit.map((l) => l.challenges))} each`,
      ],
      [
        'legitimate logins that failed (off / on)',
        `${off.mix.legit.filter((l) => !l.loginOk).length} / ${on.mix.legit.filter((l) => !l.loginOk).length}`,
      ],
    )
    ok &&= on.mix.stuffing.found === 0 && on.mix.legit.every((l) => l.loginOk && l.challenges <= 1)
  }
  console.log(table(rows, ['guard', 'figure']))
  return { name: 'guard', ok, rows }
}
