/**
 * login: how close login throughput comes to the password hash's own rate — for Gatehouse (argon2id)
 * and, as a reference, for better-auth (scrypt) — measured in the same run on the same machine.
 *
 *   npm run bench -- login [--seconds 12] [--rounds 3] [--warmup 2] [--connections 8] [--better-auth-wal]
 *                          [--baseline=<git ref>]   (also an earlier Gatehouse, built from that commit, in the
 *                                                    same rounds: the ratio to it, target ≥ 0.95)
 *
 * Five workloads, in interleaved rounds (bench/lib/load.ts), `--seconds` each in all:
 * - raw argon2id: Gatehouse's PasswordHasher with its default parameters (read from the settings table)
 *   verifying one correct password, `--connections` verifications in flight, in this process;
 * - bare node:http + argon2id (the floor): a child process that parses the JSON body, verifies the same
 *   way and answers a token — what any HTTP login here can reach (bench/lib/bare-login-server.ts);
 * - Gatehouse: `POST /v1/sessions` with correct credentials of one verified account, sending the device
 *   token its first login returned (`X-Gatehouse-Device`), so every login is from a known device;
 * - raw scrypt: better-auth's own `verifyPassword` (better-auth/crypto), the same way;
 * - better-auth: `POST /api/auth/sign-in/email` with correct credentials.
 * 8 in flight by default keep the 4 threads of the pool busy with 4 waiting, and keep a scrypt login's
 * latency well inside a 4 s round. Both hashes run in libuv's thread pool (default 4 threads, UV_THREADPOOL_SIZE unset) in this process
 * and in the servers alike. Ok only when no request or verification failed.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { hashPassword as scryptHash, verifyPassword as scryptVerify } from 'better-auth/crypto'
import { settings } from '../src/config/schema.js'
import { PasswordHasher } from '../src/modules/accounts/password-hasher.js'
import { baselineCli } from './lib/baseline.js'
import { createBetterAuthAccount, startBetterAuth } from './lib/better-auth-client.js'
import { startChildServer } from './lib/child-server.js'
import { createGatehouseAccount } from './lib/gatehouse-account.js'
import {
  type Figures,
  httpWorkload,
  interleave,
  ratioSpread,
  type Slice,
  steadyRate,
  type Workload,
} from './lib/load.js'
import { machine, scope } from './lib/scope.js'
import { startServer } from './lib/server.js'
import { startFastSmtpSink } from './lib/smtp-sink.js'
import { int, ms, table } from './lib/stats.js'
import { type BenchOptions, type BenchResult, numberOption } from './lib/types.js'

export const description =
  'logins/s against the hash rate: Gatehouse POST /v1/sessions vs argon2id, better-auth sign-in vs scrypt'

const log = (line: string) => console.log(`[login] ${line}`)

const TARGET_VS_HASH = 0.95
/** Against an earlier Gatehouse (--baseline): within 5 %. */
const TARGET_VS_BASELINE = 0.95

/** `inFlight` calls of `verify` at a time for `seconds`; each must resolve true. */
const hashWorkload =
  (inFlight: number, verify: () => Promise<boolean>): Workload =>
  async (seconds) => {
    const latencies: number[] = []
    let good = 0
    let failed = 0
    let first = 0
    let last = 0
    const start = performance.now()
    const deadline = start + seconds * 1000
    const lane = async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now()
        let ok = false
        try {
          ok = await verify()
        } catch {
          ok = false
        }
        if (ok) {
          good++
          last = performance.now()
          if (first === 0) first = last
          latencies.push(last - t0)
        } else failed++
      }
    }
    await Promise.all(Array.from({ length: inFlight }, lane))
    const slice: Slice = {
      // Counted like the HTTP workloads: from the first verification done to the last.
      ...steadyRate(good, first, last, (performance.now() - start) / 1000),
      failed,
      latencies,
      counts: { verified: good, failed },
    }
    return slice
  }

export const run = async (options: BenchOptions): Promise<BenchResult> => {
  const seconds = numberOption(options, 'seconds', 12)
  const rounds = numberOption(options, 'rounds', 3)
  const warmupSeconds = numberOption(options, 'warmup', 2, true)
  const connections = numberOption(options, 'connections', 8)
  const baWal = options['better-auth-wal'] === true
  const threadpool = process.env.UV_THREADPOOL_SIZE ?? '4 (default)'
  const baselineRef = typeof options.baseline === 'string' ? options.baseline : undefined

  const cleanup = scope()
  try {
    const dir = mkdtempSync(join(os.tmpdir(), 'gatehouse-bench-login-'))
    cleanup.later('remove temp dir', () => rmSync(dir, { recursive: true, force: true }))

    // 1. The hashes, as the servers run them.
    const params = {
      memoryKiB: Number(settings.argon2MemoryKiB.default),
      iterations: Number(settings.argon2Iterations.default),
      parallelism: Number(settings.argon2Parallelism.default),
    }
    const password = 'copper kettle season 1843'
    const hasher = new PasswordHasher(params)
    const argon2Hash = await hasher.hash(password)
    const scryptStored = await scryptHash(password)
    log(`argon2id ${argon2Hash.split('$').slice(0, 4).join('$')}…, scrypt N=16384 r=16 p=1 (better-auth)`)

    // 2. Gatehouse with its defaults (SQLite in a fresh data dir): one account and its device token.
    const sink = await startFastSmtpSink()
    cleanup.later('close SMTP sink', () => sink.close())
    const env = (data: string) => ({
      GATEHOUSE_DATA_DIR: join(dir, data),
      GATEHOUSE_SMTP_URL: sink.url,
      GATEHOUSE_LOG_LEVEL: 'warn',
    })
    const gatehouse = await startServer(env('gatehouse'))
    cleanup.later('stop Gatehouse', () => gatehouse.stop(10_000))
    const account = await createGatehouseAccount(gatehouse.baseUrl, sink)
    log(`Gatehouse at ${gatehouse.baseUrl}, account ${account.username}, device token kept`)
    // 2b. With --baseline: the same, from an earlier commit's build.
    let baseline: { commit: string; baseUrl: string; account: typeof account } | undefined
    if (baselineRef) {
      const { cli, commit } = await baselineCli(baselineRef)
      const server = await startServer(env('baseline'), 30_000, cli)
      cleanup.later('stop the baseline Gatehouse', () => server.stop(10_000))
      baseline = {
        commit,
        baseUrl: server.baseUrl,
        account: await createGatehouseAccount(server.baseUrl, sink, 'bench_baseline'),
      }
      log(`Gatehouse ${commit} (baseline) at ${server.baseUrl}`)
    }

    // 3. The floor: node:http, a JSON body, the same argon2id verification, a token-shaped answer.
    const bare = await startChildServer('./bare-login-server.ts', { BENCH_PASSWORD: password })
    cleanup.later('stop bare login server', () => bare.stop())
    log(`bare node:http + argon2id at ${bare.baseUrl}`)

    // 4. better-auth: one account through its email sign-up.
    const betterAuth = await startBetterAuth(dir, baWal)
    cleanup.later('stop better-auth', () => betterAuth.stop())
    const baAccount = await createBetterAuthAccount(betterAuth.baseUrl)
    log(`better-auth at ${betterAuth.baseUrl}, account ${baAccount.email}`)

    // 5. Load, in interleaved rounds.
    log(`${warmupSeconds} s warm-up each, then ${rounds} rounds, ${seconds} s per workload in all`)
    const gatehouseLogin = (baseUrl: string, a: typeof account) =>
      httpWorkload({
        url: `${baseUrl}/v1/sessions`,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-gatehouse-device': a.deviceToken },
        body: JSON.stringify({ identifier: a.username, password: a.password }),
        connections,
        // 201 with a session token; a step-up challenge would be a 200 without one.
        verify: (b) => b.includes('"token":"'),
      })
    const workloads: Record<string, Workload> = {
      argon2: hashWorkload(connections, () => hasher.verify(argon2Hash, password)),
      bare: httpWorkload({
        url: `${bare.baseUrl}/`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ identifier: account.username, password: account.password }),
        connections,
        verify: (b) => b.includes('"token":"'),
      }),
      gatehouse: gatehouseLogin(gatehouse.baseUrl, account),
      ...(baseline ? { baseline: gatehouseLogin(baseline.baseUrl, baseline.account) } : {}),
      scrypt: hashWorkload(connections, () => scryptVerify({ hash: scryptStored, password })),
      betterAuth: httpWorkload({
        url: `${betterAuth.baseUrl}/api/auth/sign-in/email`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: baAccount.email, password: baAccount.password }),
        connections,
        verify: (b) => b.includes('"token":"'),
      }),
    }
    const figures = await interleave(workloads, { seconds, warmupSeconds, rounds }, (name, round, s) =>
      log(`round ${round} ${name}: ${(s.good / s.seconds).toFixed(1)}/s, failed ${s.failed}`),
    )

    const [a, b, g, s, ba] = [
      figures.argon2!,
      figures.bare!,
      figures.gatehouse!,
      figures.scrypt!,
      figures.betterAuth!,
    ]
    const base = figures.baseline
    const failed = a.failed + b.failed + g.failed + s.failed + ba.failed + (base?.failed ?? 0)
    const bVsHash = b.okPerSecond / a.okPerSecond
    const gVsBare = g.okPerSecond / b.okPerSecond
    const gVsHash = g.okPerSecond / a.okPerSecond
    const baVsHash = ba.okPerSecond / s.okPerSecond
    const gVsBa = g.okPerSecond / ba.okPerSecond
    const rate = (f: Figures) =>
      `${f.okPerSecond.toFixed(1)} /s, p50 ${ms(f.p50)}, p99 ${ms(f.p99)}, failed ${int(f.failed)}`
    const rows: Array<[string, string]> = [
      ['machine', machine()],
      ['node', process.version],
      [
        'load',
        `${connections} in flight (autocannon connections / concurrent verifications), ` +
          `${warmupSeconds} s warm-up, ${rounds} rounds, ${int(a.seconds)} s per workload`,
      ],
      ['libuv thread pool (this process and the servers)', threadpool],
      [
        `raw argon2id verify (m=${params.memoryKiB} KiB, t=${params.iterations}, p=${params.parallelism}), in-process`,
        rate(a),
      ],
      ['bare node:http + the same argon2id verify  POST / (the floor)', rate(b)],
      ['bare logins/s ÷ argon2id verifications/s', `${bVsHash.toFixed(3)}; rounds ${ratioSpread(b, a)}`],
      ['Gatehouse  POST /v1/sessions (known device)', rate(g)],
      [
        'Gatehouse logins/s ÷ argon2id verifications/s',
        `${gVsHash.toFixed(3)} (target ≥ ${TARGET_VS_HASH}: ${gVsHash >= TARGET_VS_HASH ? 'met' : 'NOT met'}); ` +
          `rounds ${ratioSpread(g, a)}`,
      ],
      ['Gatehouse logins/s ÷ bare logins/s', `${gVsBare.toFixed(3)}; rounds ${ratioSpread(g, b)}`],
      ['raw scrypt verify (better-auth/crypto, N=16384 r=16 p=1), in-process', rate(s)],
      [`better-auth  POST /api/auth/sign-in/email (${baWal ? 'WAL' : 'rollback journal'})`, rate(ba)],
      [
        'better-auth logins/s ÷ scrypt verifications/s',
        `${baVsHash.toFixed(3)}; rounds ${ratioSpread(ba, s)}`,
      ],
      ['Gatehouse logins/s ÷ better-auth logins/s', `${gVsBa.toFixed(2)}×; rounds ${ratioSpread(g, ba, 1)}`],
      ...(base && baseline
        ? ([
            [`Gatehouse ${baseline.commit} (baseline)  POST /v1/sessions (known device)`, rate(base)],
            [
              `Gatehouse logins/s ÷ Gatehouse ${baseline.commit} logins/s`,
              `${(g.okPerSecond / base.okPerSecond).toFixed(3)} (target ≥ ${TARGET_VS_BASELINE}: ` +
                `${g.okPerSecond / base.okPerSecond >= TARGET_VS_BASELINE ? 'met' : 'NOT met'}); rounds ${ratioSpread(g, base, 3)}`,
            ],
          ] as Array<[string, string]>)
        : []),
      ['failed (non-2xx, wrong body, no answer, false verify)', int(failed)],
    ]
    console.log(`\nlogin\n\n${table(rows, ['figure', 'value'])}\n`)
    for (const [name, f] of [
      ['raw argon2id', a],
      ['bare node:http + argon2id', b],
      ['Gatehouse', g],
      ['raw scrypt', s],
      ['better-auth', ba],
      ...(base ? ([['baseline', base]] as const) : []),
    ] as const) {
      if (f.failed > 0) console.log(`FAIL: ${name}: ${f.detail}`)
    }
    return { name: 'login', ok: failed === 0, rows }
  } finally {
    await cleanup.close()
  }
}
