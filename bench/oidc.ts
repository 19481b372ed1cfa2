/**
 * oidc: what the OpenID Connect provider answers per second on one server process (SQLite).
 *
 *  (a) token introspection (`POST /oidc/token/introspection`, client credentials, an opaque access
 *      token) and userinfo (`GET /oidc/userinfo`, Bearer) against a bare `node:http` server that
 *      answers a fixed JSON body of the same size on the same path (the floor), measured in the same
 *      run with the same client (autocannon) in interleaved rounds; target ≥ 0.3× the floor each;
 *  (b) complete sign-ins of a Gatehouse session into an application per second: authorization
 *      request with the session cookie → interaction → code → token endpoint, one at a time and
 *      with `--concurrency` at once.
 *
 *   npm run bench -- oidc [--seconds 12] [--rounds 6] [--warmup 2] [--connections 64]
 *                         [--exchange-seconds 8] [--concurrency 8]
 *
 * Gatehouse runs as `node dist/cli.js serve` on the embedded default, with access tokens living an
 * hour (GATEHOUSE_OIDC_ACCESS_TOKEN_TTL) so that the one measured outlives the run. Ok only when no
 * request failed.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { startChildServer } from './lib/child-server.js'
import { createGatehouseAccount } from './lib/gatehouse-account.js'
import { type Figures, httpWorkload, interleave, ratioSpread } from './lib/load.js'
import { basicAuth, codeExchange, registerSqliteClient } from './lib/oidc-flow.js'
import { machine, scope } from './lib/scope.js'
import { startServer } from './lib/server.js'
import { startFastSmtpSink } from './lib/smtp-sink.js'
import { int, ms, percentile, table } from './lib/stats.js'
import { type BenchOptions, type BenchResult, numberOption } from './lib/types.js'

export const description =
  'OpenID Connect: introspection/s and userinfo/s vs bare node:http; complete code exchanges/s'

const log = (line: string) => console.log(`[oidc] ${line}`)

const TARGET_VS_BARE = 0.3
const INTROSPECTION = '/oidc/token/introspection'
const USERINFO = '/oidc/userinfo'

/** Sign-ins one after another, `concurrency` at a time, for `seconds`: rate, latencies, failures. */
const exchanges = async (run: () => Promise<unknown>, seconds: number, concurrency: number) => {
  const latencies: number[] = []
  const errors: string[] = []
  const start = performance.now()
  const end = start + seconds * 1000
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t = performance.now()
        try {
          await run()
          latencies.push(performance.now() - t)
        } catch (err) {
          errors.push((err as Error).message)
        }
      }
    }),
  )
  const elapsed = (performance.now() - start) / 1000
  return { perSecond: latencies.length / elapsed, latencies, errors, count: latencies.length }
}

export const run = async (options: BenchOptions): Promise<BenchResult> => {
  const seconds = numberOption(options, 'seconds', 12)
  const rounds = numberOption(options, 'rounds', 6)
  const warmupSeconds = numberOption(options, 'warmup', 2, true)
  const connections = numberOption(options, 'connections', 64)
  const exchangeSeconds = numberOption(options, 'exchange-seconds', 8)
  const concurrency = numberOption(options, 'concurrency', 8)

  const cleanup = scope()
  try {
    const dir = mkdtempSync(join(os.tmpdir(), 'gatehouse-bench-oidc-'))
    cleanup.later('remove temp dir', () => rmSync(dir, { recursive: true, force: true }))

    // 1. Gatehouse with its defaults (SQLite in a fresh data dir), an application, a signed-in account.
    const sink = await startFastSmtpSink()
    cleanup.later('close SMTP sink', () => sink.close())
    const dataDir = join(dir, 'gatehouse')
    const gatehouse = await startServer({
      GATEHOUSE_DATA_DIR: dataDir,
      GATEHOUSE_SMTP_URL: sink.url,
      GATEHOUSE_LOG_LEVEL: 'warn',
      GATEHOUSE_WORKER_INTERVAL_MS: '100',
      GATEHOUSE_OIDC_ACCESS_TOKEN_TTL: '3600',
      // Every exchange starts at /oidc/auth from this one address.
      GATEHOUSE_OIDC_AUTHORIZE_LIMIT_IP: '1000000/60',
      GATEHOUSE_OIDC_AUTHORIZE_LIMIT_SUBNET: '1000000/60',
    })
    cleanup.later('stop Gatehouse', () => gatehouse.stop(10_000))
    const account = await createGatehouseAccount(gatehouse.baseUrl, sink)
    const client = await registerSqliteClient(dataDir)
    const tokens = await codeExchange(gatehouse.baseUrl, client, account.token)
    log(`Gatehouse at ${gatehouse.baseUrl}, application ${client.id}, ${account.username} signed in`)

    // 2. The answers to measure, and the floor: the same sizes from a bare server.
    const introspect = {
      method: 'POST' as const,
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(client) },
      body: new URLSearchParams({ token: tokens.access_token }).toString(),
    }
    const userinfo = { headers: { authorization: `Bearer ${tokens.access_token}` } }
    const sample = async (path: string, init: RequestInit) => {
      const res = await fetch(`${gatehouse.baseUrl}${path}`, init)
      const text = await res.text()
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${text}`)
      return text
    }
    const introspected = await sample(INTROSPECTION, introspect)
    const info = await sample(USERINFO, userinfo)
    if (!introspected.includes('"active":true')) throw new Error(`introspection: ${introspected}`)
    const sameSize = (text: string) => {
      const pad = JSON.stringify({ ok: true, pad: '' }).length
      return JSON.stringify({ ok: true, pad: 'x'.repeat(Math.max(0, text.length - pad)) })
    }
    const bare = await startChildServer('./bare-json-server.ts', {
      BARE_BODIES: JSON.stringify({ [INTROSPECTION]: sameSize(introspected), [USERINFO]: sameSize(info) }),
    })
    cleanup.later('stop bare server', () => bare.stop())
    log(`bare node:http at ${bare.baseUrl}; answers of ${introspected.length} and ${info.length} bytes`)

    // 3. Load, in interleaved rounds.
    log(`${warmupSeconds} s warm-up each, then ${rounds} rounds, ${seconds} s per server and endpoint in all`)
    const bareOk = (b: string) => b.includes('"ok":true')
    const figures = await interleave(
      {
        bareIntrospection: httpWorkload({
          url: `${bare.baseUrl}${INTROSPECTION}`,
          ...introspect,
          connections,
          verify: bareOk,
        }),
        introspection: httpWorkload({
          url: `${gatehouse.baseUrl}${INTROSPECTION}`,
          ...introspect,
          connections,
          verify: (b) => b.includes('"active":true'),
        }),
        bareUserinfo: httpWorkload({
          url: `${bare.baseUrl}${USERINFO}`,
          ...userinfo,
          connections,
          verify: bareOk,
        }),
        userinfo: httpWorkload({
          url: `${gatehouse.baseUrl}${USERINFO}`,
          ...userinfo,
          connections,
          verify: (b) => b.includes(`"preferred_username":"${account.username}"`),
        }),
      },
      { seconds, warmupSeconds, rounds },
      (name, round, s) => log(`round ${round} ${name}: ${int(s.good / s.seconds)} ok/s, failed ${s.failed}`),
    )

    // 4. Complete sign-ins, one at a time, then several at once.
    const signIn = () => codeExchange(gatehouse.baseUrl, client, account.token)
    await exchanges(signIn, 1, 1)
    const sequential = await exchanges(signIn, exchangeSeconds, 1)
    log(`sequential: ${sequential.perSecond.toFixed(1)} sign-ins/s, ${sequential.errors.length} failed`)
    const parallel = await exchanges(signIn, exchangeSeconds, concurrency)
    log(
      `${concurrency} at once: ${parallel.perSecond.toFixed(1)} sign-ins/s, ${parallel.errors.length} failed`,
    )

    const f = figures
    const ratio = (a: Figures, b: Figures) => a.okPerSecond / b.okPerSecond
    const verdict = (v: number) =>
      `${v.toFixed(2)} (target ≥ ${TARGET_VS_BARE}: ${v >= TARGET_VS_BARE ? 'met' : 'NOT met'})`
    const line = (x: Figures) =>
      `${int(x.okPerSecond)} /s, p50 ${ms(x.p50)}, p99 ${ms(x.p99)}, failed ${int(x.failed)}`
    const flow = (x: typeof sequential) =>
      `${x.perSecond.toFixed(1)} /s (${int(x.count)} in ${exchangeSeconds} s), p50 ${ms(percentile(x.latencies, 50))}, ` +
      `p99 ${ms(percentile(x.latencies, 99))}, failed ${int(x.errors.length)}`
    const failed =
      Object.values(f).reduce((a, x) => a + x.failed, 0) + sequential.errors.length + parallel.errors.length
    const rows: Array<[string, string]> = [
      ['machine', machine()],
      ['node', process.version],
      [
        'load',
        `autocannon, ${connections} connections, ${warmupSeconds} s warm-up, ${rounds} rounds, ${int(f.introspection!.seconds)} s per workload`,
      ],
      [`bare node:http  POST ${INTROSPECTION} (same size)`, line(f.bareIntrospection!)],
      [`Gatehouse  POST ${INTROSPECTION} (client_secret_basic, opaque token)`, line(f.introspection!)],
      [
        'introspection: Gatehouse / bare',
        `${verdict(ratio(f.introspection!, f.bareIntrospection!))}; rounds ${ratioSpread(f.introspection!, f.bareIntrospection!)}`,
      ],
      [`bare node:http  GET ${USERINFO} (same size)`, line(f.bareUserinfo!)],
      [`Gatehouse  GET ${USERINFO} (Bearer, opaque token)`, line(f.userinfo!)],
      [
        'userinfo: Gatehouse / bare',
        `${verdict(ratio(f.userinfo!, f.bareUserinfo!))}; rounds ${ratioSpread(f.userinfo!, f.bareUserinfo!)}`,
      ],
      ['sign-in → code → tokens, one at a time', flow(sequential)],
      [`sign-in → code → tokens, ${concurrency} at once`, flow(parallel)],
      ['requests failed (non-2xx, wrong body, no answer)', int(failed)],
    ]
    console.log(`\noidc\n\n${table(rows, ['figure', 'value'])}\n`)
    for (const [name, x] of Object.entries(f)) if (x.failed > 0) console.log(`FAIL: ${name}: ${x.detail}`)
    for (const e of [...new Set([...sequential.errors, ...parallel.errors])].slice(0, 5))
      console.log(`FAIL: sign-in: ${e}`)
    return { name: 'oidc', ok: failed === 0, rows }
  } finally {
    await cleanup.close()
  }
}
