/**
 * recovery-compare: the same password-reset flood against Gatehouse and against better-auth — many
 * requests for a few accounts, each from an address of its own — counting the reset messages each
 * account receives. Gatehouse caps messages per account (3 an hour by default); better-auth limits
 * requests per address (3 per 60 s), so a flood from many addresses reaches the account once per
 * request.
 *
 *   npm run bench -- recovery-compare [--requests 2000] [--accounts 20] [--concurrency 32]
 *
 * Gatehouse runs in-process (bench/lib/mix-server.ts: production defaults, SQLite, workers running,
 * mail to the fast SMTP sink); its requests leave from distinct loopback addresses (127.140.x.y, every
 * address in its own /24). better-auth runs as a child process in its production set-up (rate limiter
 * on) behind what it is told is a proxy: each request carries its own `X-Forwarded-For` address.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { createMemoryLimiterStore } from '../src/adapters/limits/memory.js'
import { openSqlite } from '../src/adapters/sql/database.js'
import { settings } from '../src/config/schema.js'
import { startChildServer } from './lib/child-server.js'
import { onCleanup } from './lib/cleanup.js'
import { inParallel, request, sourceAgent } from './lib/http.js'
import { seedMix, startMixServer } from './lib/mix-server.js'
import { startFastSmtpSink } from './lib/smtp-sink.js'
import { int, table } from './lib/stats.js'
import { type BenchOptions, type BenchResult, numberOption } from './lib/types.js'

export const description =
  'the same reset flood (distinct addresses, few accounts) against Gatehouse and better-auth: mails per account'

const log = (line: string) => console.log(`[recovery-compare] ${line}`)

/** The i-th flood address: 250 /24s, then the next address in each. */
const address = (i: number) => `127.140.${i % 250}.${Math.floor(i / 250) + 1}`

const summary = (counts: number[]) => ({
  max: Math.max(...counts),
  mean: counts.reduce((a, b) => a + b, 0) / counts.length,
  total: counts.reduce((a, b) => a + b, 0),
})

export const run = async (options: BenchOptions): Promise<BenchResult> => {
  const requests = numberOption(options, 'requests', 2000)
  const accounts = numberOption(options, 'accounts', 20)
  const concurrency = numberOption(options, 'concurrency', 32)
  const dir = mkdtempSync(join(os.tmpdir(), 'gatehouse-bench-compare-'))
  const removeDir = () => rmSync(dir, { recursive: true, force: true })
  const forgetDir = onCleanup('temp dir', removeDir)
  const sink = await startFastSmtpSink()
  const forgetSink = onCleanup('smtp sink', () => sink.close())
  try {
    // ---- Gatehouse ----------------------------------------------------------------------------
    const limiter = createMemoryLimiterStore()
    const gatehouse = await startMixServer({
      dataDir: dir,
      database: openSqlite(join(dir, 'gatehouse.sqlite')),
      limiter,
      sink,
    })
    const stopGatehouse = onCleanup('gatehouse', () => gatehouse.close())
    const plan = await seedMix(gatehouse, {
      regulars: 0,
      travellers: 0,
      newcomers: 0,
      flood: accounts,
      victims: 0,
    })
    const gStatuses: Record<number, number> = {}
    let started = performance.now()
    await inParallel(requests, concurrency, async (i) => {
      const ip = address(i)
      const agent = sourceAgent(ip, 1000)
      const r = await request(gatehouse.target, {
        method: 'POST',
        path: '/v1/recovery',
        body: { identifier: plan.floodTargets[i % accounts]!.email },
        agent,
        localAddress: ip,
      })
      agent.destroy()
      gStatuses[r.status] = (gStatuses[r.status] ?? 0) + 1
    })
    const gSeconds = (performance.now() - started) / 1000
    await gatehouse.app.workers.recovery.drain()
    await gatehouse.app.workers.outbox.drain()
    const gCounts = plan.floodTargets.map(
      (t) => sink.messages.filter((m) => m.to.includes(t.email) && /reset/i.test(m.subject)).length,
    )
    stopGatehouse()
    await gatehouse.close()
    log('Gatehouse: done')

    // ---- better-auth ----------------------------------------------------------------------------
    const ba = await startChildServer('./better-auth-server.ts', {
      BA_DB: join(dir, 'better-auth.sqlite'),
      BA_RESET: '1',
    })
    const stopBa = onCleanup('better-auth', () => ba.stop())
    const emails = Array.from({ length: accounts }, (_, i) => `flood${i}@example.org`)
    for (const [i, email] of emails.entries()) {
      const res = await fetch(`${ba.baseUrl}/api/auth/sign-up/email`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          origin: ba.baseUrl,
          'x-forwarded-for': `10.250.${i}.1`,
        },
        body: JSON.stringify({ email, password: 'copper kettle season 1843', name: `Flood ${i}` }),
      })
      if (res.status !== 200) throw new Error(`better-auth sign-up: ${res.status} ${await res.text()}`)
    }
    const bStatuses: Record<number, number> = {}
    started = performance.now()
    await inParallel(requests, concurrency, async (i) => {
      const res = await fetch(`${ba.baseUrl}/api/auth/request-password-reset`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: ba.baseUrl, 'x-forwarded-for': address(i) },
        body: JSON.stringify({ email: emails[i % accounts] }),
      })
      await res.arrayBuffer()
      bStatuses[res.status] = (bStatuses[res.status] ?? 0) + 1
    })
    const bSeconds = (performance.now() - started) / 1000
    const mails = (await (await fetch(`${ba.baseUrl}/__reset-mails`)).json()) as Record<string, number>
    const bCounts = emails.map((e) => mails[e] ?? 0)
    stopBa()
    await ba.stop()
    log('better-auth: done')

    const g = summary(gCounts)
    const b = summary(bCounts)
    const cap = Number(String(settings.recoveryCapPerHour.default))
    const ok = g.max <= cap
    const rows: Array<readonly [string, string]> = [
      [
        'flood',
        `${int(requests)} reset requests for ${accounts} accounts, each from its own address, ${concurrency} in flight`,
      ],
      [
        'Gatehouse answers',
        `${JSON.stringify(gStatuses)} in ${gSeconds.toFixed(1)} s (${int(requests / gSeconds)}/s)`,
      ],
      [
        'Gatehouse reset mails per account',
        `max ${g.max}, mean ${g.mean.toFixed(2)}, total ${g.total} (cap ${cap}/h) → ${ok ? 'PASS' : 'FAIL'}`,
      ],
      [
        'better-auth answers',
        `${JSON.stringify(bStatuses)} in ${bSeconds.toFixed(1)} s (${int(requests / bSeconds)}/s)`,
      ],
      ['better-auth reset mails per account', `max ${b.max}, mean ${b.mean.toFixed(2)}, total ${b.total}`],
      ['mails per account, better-auth ÷ Gatehouse (max)', `${(b.max / Math.max(1, g.max)).toFixed(0)}×`],
    ]
    console.log(table(rows, ['recovery-compare', 'figure']))
    return { name: 'recovery-compare', ok, rows }
  } finally {
    forgetSink()
    await sink.close()
    forgetDir()
    removeDir()
  }
}
