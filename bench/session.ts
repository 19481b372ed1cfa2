/**
 * session: how many session validations per second one server process answers, against two references
 * measured in the same run on the same machine — a bare `node:http` server (the floor: no framework, no
 * database) and better-auth's session lookup on the same kind of database (SQLite, better-sqlite3).
 *
 *   npm run bench -- session [--seconds 12] [--rounds 6] [--warmup 2] [--connections 64] [--better-auth-wal]
 *                            [--session-cache-ms 1000]   (Gatehouse's GATEHOUSE_SESSION_CACHE_MS; 0: no cache)
 *                            [--baseline=<git ref>]      (also an earlier Gatehouse, built from that commit,
 *                                                         in the same rounds: the ratio to it, target ≥ 0.95)
 *
 * Each server runs in a child process of its own; the load generator (autocannon) runs in this process
 * and loads one server at a time, in interleaved rounds (bench/lib/load.ts), `--seconds` per server in
 * all. Ok only when no request failed.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { baselineCli } from './lib/baseline.js'
import { createBetterAuthAccount, startBetterAuth } from './lib/better-auth-client.js'
import { startChildServer } from './lib/child-server.js'
import { createGatehouseAccount } from './lib/gatehouse-account.js'
import { type Figures, httpWorkload, interleave, ratioSpread, type Workload } from './lib/load.js'
import { machine, scope } from './lib/scope.js'
import { startServer } from './lib/server.js'
import { startFastSmtpSink } from './lib/smtp-sink.js'
import { int, ms, table } from './lib/stats.js'
import { type BenchOptions, type BenchResult, numberOption } from './lib/types.js'

export const description =
  'session validation/s: Gatehouse GET /v1/sessions/current vs bare node:http vs better-auth get-session'

const log = (line: string) => console.log(`[session] ${line}`)

const TARGET_VS_BARE = 0.4
const TARGET_VS_BETTER_AUTH = 20
/** Against an earlier Gatehouse (--baseline): within 5 %. */
const TARGET_VS_BASELINE = 0.95

export const run = async (options: BenchOptions): Promise<BenchResult> => {
  const seconds = numberOption(options, 'seconds', 12)
  const rounds = numberOption(options, 'rounds', 6)
  const warmupSeconds = numberOption(options, 'warmup', 2, true)
  const connections = numberOption(options, 'connections', 64)
  const baWal = options['better-auth-wal'] === true
  const cacheMs = numberOption(options, 'session-cache-ms', 1000, true)
  const baselineRef = typeof options.baseline === 'string' ? options.baseline : undefined

  const cleanup = scope()
  try {
    const dir = mkdtempSync(join(os.tmpdir(), 'gatehouse-bench-session-'))
    cleanup.later('remove temp dir', () => rmSync(dir, { recursive: true, force: true }))

    // 1. The floor: a bare node:http server with a fixed JSON answer.
    const bare = await startChildServer('./bare-server.ts')
    cleanup.later('stop bare server', () => bare.stop())
    log(`bare node:http at ${bare.baseUrl}`)

    // 2. Gatehouse with its defaults (SQLite in a fresh data dir): one account, its session token.
    const sink = await startFastSmtpSink()
    cleanup.later('close SMTP sink', () => sink.close())
    const env = (data: string) => ({
      GATEHOUSE_DATA_DIR: join(dir, data),
      GATEHOUSE_SMTP_URL: sink.url,
      GATEHOUSE_LOG_LEVEL: 'warn',
      GATEHOUSE_WORKER_INTERVAL_MS: '100',
      GATEHOUSE_SESSION_CACHE_MS: String(cacheMs),
    })
    const gatehouse = await startServer(env('gatehouse'))
    cleanup.later('stop Gatehouse', () => gatehouse.stop(10_000))
    const account = await createGatehouseAccount(gatehouse.baseUrl, sink)
    log(`Gatehouse at ${gatehouse.baseUrl}, account ${account.username} logged in`)
    // 2b. With --baseline: the same, from an earlier commit's build.
    let baseline: { commit: string; baseUrl: string; token: string; username: string } | undefined
    if (baselineRef) {
      const { cli, commit } = await baselineCli(baselineRef)
      const server = await startServer(env('baseline'), 30_000, cli)
      cleanup.later('stop the baseline Gatehouse', () => server.stop(10_000))
      const a = await createGatehouseAccount(server.baseUrl, sink, 'bench_baseline')
      baseline = { commit, baseUrl: server.baseUrl, token: a.token, username: a.username }
      log(`Gatehouse ${commit} (baseline) at ${server.baseUrl}`)
    }

    // 3. better-auth: email sign-up (which signs in), then get-session with its session cookie.
    const betterAuth = await startBetterAuth(dir, baWal)
    cleanup.later('stop better-auth', () => betterAuth.stop())
    const baAccount = await createBetterAuthAccount(betterAuth.baseUrl)
    log(`better-auth at ${betterAuth.baseUrl}, ${baAccount.email} signed in`)

    // 4. Load, in interleaved rounds.
    log(`${warmupSeconds} s warm-up each, then ${rounds} rounds, ${seconds} s per server in all`)
    const sessionCheck = (baseUrl: string, token: string, username: string) =>
      httpWorkload({
        url: `${baseUrl}/v1/sessions/current`,
        headers: { authorization: `Bearer ${token}` },
        connections,
        verify: (b) => b.includes(`"${username}"`),
      })
    const workloads: Record<string, Workload> = {
      bare: httpWorkload({
        url: `${bare.baseUrl}/`,
        connections,
        verify: (b) => b.includes('"ok":true'),
      }),
      gatehouse: sessionCheck(gatehouse.baseUrl, account.token, account.username),
      ...(baseline ? { baseline: sessionCheck(baseline.baseUrl, baseline.token, baseline.username) } : {}),
      betterAuth: httpWorkload({
        url: `${betterAuth.baseUrl}/api/auth/get-session`,
        headers: { cookie: baAccount.cookie },
        connections,
        // An unknown or expired cookie gets 200 with the body `null`: only a session counts.
        verify: (b) => b.includes('"session":{') && b.includes(baAccount.email),
      }),
    }
    const figures = await interleave(workloads, { seconds, warmupSeconds, rounds }, (name, round, s) =>
      log(`round ${round} ${name}: ${int(s.good / s.seconds)} ok/s, failed ${s.failed}`),
    )

    const [b, g, ba] = [figures.bare!, figures.gatehouse!, figures.betterAuth!]
    const base = figures.baseline
    const failed = b.failed + g.failed + ba.failed + (base?.failed ?? 0)
    const vsBare = g.okPerSecond / b.okPerSecond
    const vsBetterAuth = g.okPerSecond / ba.okPerSecond
    const verdict = (value: number, target: number) => (value >= target ? 'met' : 'NOT met')
    const line = (f: Figures) =>
      `${int(f.okPerSecond)} /s, p50 ${ms(f.p50)}, p99 ${ms(f.p99)}, failed ${int(f.failed)}`
    const rows: Array<[string, string]> = [
      ['machine', machine()],
      ['node', process.version],
      [
        'load',
        `autocannon, ${connections} connections, ${warmupSeconds} s warm-up, ${rounds} rounds, ` +
          `${int(b.seconds)} s per server`,
      ],
      ['bare node:http  GET /', line(b)],
      [`Gatehouse  GET /v1/sessions/current (Bearer, session cache ${cacheMs} ms)`, line(g)],
      [`better-auth  GET /api/auth/get-session (cookie, ${baWal ? 'WAL' : 'rollback journal'})`, line(ba)],
      [
        'Gatehouse / bare node:http',
        `${vsBare.toFixed(2)} (target ≥ ${TARGET_VS_BARE}: ${verdict(vsBare, TARGET_VS_BARE)}); ` +
          `rounds ${ratioSpread(g, b)}`,
      ],
      [
        'Gatehouse / better-auth',
        `${vsBetterAuth.toFixed(1)}× (target ≥ ${TARGET_VS_BETTER_AUTH}×: ${verdict(vsBetterAuth, TARGET_VS_BETTER_AUTH)}); ` +
          `rounds ${ratioSpread(g, ba, 1)}`,
      ],
      ...(base && baseline
        ? ([
            [`Gatehouse ${baseline.commit} (baseline)  GET /v1/sessions/current`, line(base)],
            [
              `Gatehouse / Gatehouse ${baseline.commit}`,
              `${(g.okPerSecond / base.okPerSecond).toFixed(3)} (target ≥ ${TARGET_VS_BASELINE}: ` +
                `${verdict(g.okPerSecond / base.okPerSecond, TARGET_VS_BASELINE)}); rounds ${ratioSpread(g, base, 3)}`,
            ],
          ] as Array<[string, string]>)
        : []),
      ['requests failed (non-2xx, wrong body, no answer)', int(failed)],
    ]
    console.log(`\nsession\n\n${table(rows, ['figure', 'value'])}\n`)
    for (const [name, f] of [
      ['bare node:http', b],
      ['Gatehouse', g],
      ['better-auth', ba],
      ...(base ? ([['baseline', base]] as const) : []),
    ] as const) {
      if (f.failed > 0) console.log(`FAIL: ${name}: ${f.detail}`)
    }
    return { name: 'session', ok: failed === 0, rows }
  } finally {
    await cleanup.close()
  }
}
