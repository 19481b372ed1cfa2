/**
 * sdk: what the server package costs an API server, and how big the browser client is.
 *
 *  (a) access-token checks per second: `verifier.verify(token)` against bare `jose.jwtVerify` of the
 *      same token with the same public key (the floor), RS256 and ES256, in interleaved rounds on one
 *      core; target ≥ 0.9× the floor;
 *  (b) cached session checks per second (`verifier.verify(sessionToken)`, the answer in its cache)
 *      against a plain `Map` lookup of the token; target ≥ 100,000/s;
 *  (c) the Fastify middleware's overhead: requests/s of a bare route, and of the same route behind
 *      `fastifyGatehouse` with a cached session and with an ES256 JWT (autocannon, the application in
 *      a child process, interleaved rounds);
 *  (d) the client's gzipped sizes (bench/lib/client-sizes.ts), against their budgets.
 *
 *   npm run bench -- sdk [--seconds 6] [--rounds 20] [--http-seconds 8] [--http-rounds 4] [--connections 32]
 *
 * In-process contenders take turns in short slices (`--seconds` per contender over `--rounds`
 * rounds); the ratio is the median of the per-round ratios, the machine being shared.
 *
 * The issuer is a stand-in on loopback (bench/lib/sdk-issuer.ts): what is measured never reaches it.
 * Ok when every check succeeded and the client is within its budgets.
 */
import { performance } from 'node:perf_hooks'
import { jwtVerify } from 'jose'
import { createVerifier } from '../packages/server/src/index.js'
import { startChildServer } from './lib/child-server.js'
import { clientSizes } from './lib/client-sizes.js'
import { type Figures, httpWorkload, interleave, ratioSpread } from './lib/load.js'
import { machine, scope } from './lib/scope.js'
import { AUDIENCE, SESSION_TOKEN, startBenchIssuer } from './lib/sdk-issuer.js'
import { int, ms } from './lib/stats.js'
import { type BenchOptions, type BenchResult, numberOption } from './lib/types.js'

export const description =
  'server package: token checks/s vs bare jose.jwtVerify, cached session checks/s, Fastify middleware overhead; client sizes'

const log = (line: string) => console.log(`[sdk] ${line}`)

const TARGET_VS_JOSE = 0.9
const TARGET_CACHED = 100_000

/** Runs `op` back to back (awaited when it returns a promise) for `seconds`: operations per second. */
const opsPerSecond = async (op: () => unknown, seconds: number): Promise<number> => {
  let n = 0
  const start = performance.now()
  const end = start + seconds * 1000
  while (performance.now() < end) {
    // Batches of 64 between clock reads: the clock is not what is measured.
    for (let i = 0; i < 64; i++) {
      const r = op()
      if (r instanceof Promise) await r
    }
    n += 64
  }
  return n / ((performance.now() - start) / 1000)
}

/** In-process contenders in interleaved rounds (as bench/lib/load.ts does for HTTP): per-round rates. */
const rounds = async <K extends string>(
  ops: Record<K, () => unknown>,
  seconds: number,
  count: number,
): Promise<Record<K, number[]>> => {
  const names = Object.keys(ops) as K[]
  const out = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>
  for (const n of names) await opsPerSecond(ops[n], 0.3) // warm-up (JIT, key import)
  for (let r = 0; r < count; r++)
    for (const n of r % 2 === 0 ? names : [...names].reverse())
      out[n].push(await opsPerSecond(ops[n], seconds / count))
  return out
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
const ratios = (a: number[], b: number[]) => a.map((x, i) => x / b[i]!).sort((x, y) => x - y)
/** The median of the per-round ratios: a round the shared machine disturbed moves it least. */
const medianRatio = (a: number[], b: number[]) => {
  const r = ratios(a, b)
  return r.length % 2 ? r[(r.length - 1) / 2]! : (r[r.length / 2 - 1]! + r[r.length / 2]!) / 2
}
const spread = (a: number[], b: number[]) => {
  const r = ratios(a, b)
  return `${r[0]!.toFixed(2)} – ${r.at(-1)!.toFixed(2)}`
}

/** (a) and (b): the package against its floors, in this process. */
const inProcess = async (
  issuerUrl: string,
  signers: Awaited<ReturnType<typeof startBenchIssuer>>['signers'],
  seconds: number,
  count: number,
) => {
  const verifier = createVerifier({ issuer: issuerUrl, audience: AUDIENCE, cache: { ttlSeconds: 3600 } })
  const rows: Array<[string, string]> = []
  let ok = true
  for (const s of signers) {
    const options = { issuer: issuerUrl, audience: AUDIENCE, typ: 'at+jwt', algorithms: [s.alg] }
    if ((await verifier.verify(s.token)).subject !== 'acc-bench') throw new Error(`${s.alg}: wrong principal`)
    await jwtVerify(s.token, s.publicKey, options)
    const r = await rounds(
      { jose: () => jwtVerify(s.token, s.publicKey, options), sdk: () => verifier.verify(s.token) },
      seconds,
      count,
    )
    const ratio = medianRatio(r.sdk, r.jose)
    ok &&= ratio >= TARGET_VS_JOSE
    log(`${s.alg}: jose ${int(mean(r.jose))}/s, package ${int(mean(r.sdk))}/s`)
    rows.push([`${s.alg} bare jose.jwtVerify (same token, same key)`, `${int(mean(r.jose))} /s`])
    rows.push([`${s.alg} verifier.verify (remote JWKS, cached)`, `${int(mean(r.sdk))} /s`])
    rows.push([
      `${s.alg} package / jose`,
      `${ratio.toFixed(3)} median of ${count} rounds (target ≥ ${TARGET_VS_JOSE}: ${ratio >= TARGET_VS_JOSE ? 'met' : 'NOT met'}); ` +
        `of the means ${(mean(r.sdk) / mean(r.jose)).toFixed(3)}; rounds ${spread(r.sdk, r.jose)}`,
    ])
  }
  await verifier.verify(SESSION_TOKEN)
  const map = new Map<string, object>()
  for (let i = 0; i < 10_000; i++) map.set(`token-${i}`, { i })
  map.set(SESSION_TOKEN, {})
  const r = await rounds(
    { map: () => map.get(SESSION_TOKEN), cached: () => verifier.verify(SESSION_TOKEN) },
    seconds,
    count,
  )
  const cached = mean(r.cached)
  ok &&= cached >= TARGET_CACHED
  rows.push(['plain Map lookup (10,001 entries)', `${int(mean(r.map))} /s`])
  rows.push([
    'cached session check (verifier.verify, SHA-256 key, LRU + TTL)',
    `${int(cached)} /s (target ≥ ${int(TARGET_CACHED)}: ${cached >= TARGET_CACHED ? 'met' : 'NOT met'}); ${(mean(r.map) / cached).toFixed(0)}× slower than the Map`,
  ])
  await verifier.close()
  return { rows, ok }
}

/** (c): the middleware on a bare Fastify route. */
const middleware = async (
  issuerUrl: string,
  jwt: string,
  plan: { seconds: number; rounds: number; connections: number },
  later: ReturnType<typeof scope>['later'],
) => {
  const app = await startChildServer('./sdk-fastify-server.ts', {
    SDK_ISSUER: issuerUrl,
    SDK_AUDIENCE: AUDIENCE,
  })
  later('stop the Fastify application', () => app.stop())
  const ok = (b: string) => b === '{"ok":true}'
  const route = (path: string, token?: string) =>
    httpWorkload({
      url: `${app.baseUrl}${path}`,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      connections: plan.connections,
      verify: ok,
    })
  const f = await interleave(
    { bare: route('/bare'), session: route('/session', SESSION_TOKEN), jwt: route('/jwt', jwt) },
    { seconds: plan.seconds, warmupSeconds: 1, rounds: plan.rounds },
    (name, round, s) => log(`round ${round} ${name}: ${int(s.good / s.seconds)} ok/s, failed ${s.failed}`),
  )
  const line = (x: Figures) =>
    `${int(x.okPerSecond)} /s, p50 ${ms(x.p50)}, p99 ${ms(x.p99)}, failed ${int(x.failed)}`
  const vs = (x: Figures) =>
    `${(x.okPerSecond / f.bare!.okPerSecond).toFixed(2)} of bare (rounds ${ratioSpread(x, f.bare!)}); ` +
    `${((1 / x.okPerSecond - 1 / f.bare!.okPerSecond) * 1e6).toFixed(1)} µs per request`
  const rows: Array<[string, string]> = [
    ['Fastify bare route', line(f.bare!)],
    ['behind fastifyGatehouse, cached session', line(f.session!)],
    ['  overhead', vs(f.session!)],
    ['behind fastifyGatehouse, ES256 JWT', line(f.jwt!)],
    ['  overhead', vs(f.jwt!)],
  ]
  return { rows, ok: Object.values(f).every((x) => x.failed === 0) }
}

// ---- The client's gzipped sizes (bench/lib/client-sizes.ts) ----
const clientSizeRows = async () => {
  const rows: Array<[string, string]> = []
  let ok = true
  for (const s of await clientSizes()) {
    const within = s.budget === undefined || s.gzipBytes <= s.budget
    ok &&= within
    const budget = s.budget === undefined ? '' : ` (budget ${int(s.budget)} B: ${within ? 'within' : 'OVER'})`
    rows.push([`client size: ${s.name}, gzipped`, `${int(s.gzipBytes)} B${budget}`])
  }
  return { rows, ok }
}

export const run = async (options: BenchOptions): Promise<BenchResult> => {
  const seconds = numberOption(options, 'seconds', 6)
  const count = numberOption(options, 'rounds', 20)
  const httpSeconds = numberOption(options, 'http-seconds', 8)
  const connections = numberOption(options, 'connections', 32)
  const cleanup = scope()
  try {
    const issuer = await startBenchIssuer()
    cleanup.later('stop the issuer', () => issuer.close())
    log(`issuer at ${issuer.url}; ${seconds} s per contender in ${count} interleaved rounds`)
    const a = await inProcess(issuer.url, issuer.signers, seconds, count)
    const es = issuer.signers.find((s) => s.alg === 'ES256')!.token
    const c = await middleware(
      issuer.url,
      es,
      { seconds: httpSeconds, rounds: numberOption(options, 'http-rounds', 4), connections },
      cleanup.later,
    )
    const d = await clientSizeRows()
    const rows: Array<[string, string]> = [
      ['machine', machine()],
      ['node', process.version],
      ...a.rows,
      ...c.rows,
      ...d.rows,
    ]
    console.log(`\n${rows.map(([k, v]) => `${k.padEnd(64)} ${v}`).join('\n')}\n`)
    return { name: 'sdk', ok: a.ok && c.ok && d.ok, rows }
  } finally {
    await cleanup.close()
  }
}
