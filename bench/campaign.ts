/**
 * campaign: how fast a force_password_reset campaign goes through a large user base. Seeds N accounts
 * (each with a live session) by direct inserts, creates the campaign through the service (targets
 * materialised with one INSERT … SELECT) and lets the real campaign worker run it to the end; then
 * checks every account is under a required reset, every session revoked and one security event per
 * account was written.
 *
 *   npm run bench -- campaign [--accounts 100000] [--postgres[=postgres://…/postgres]] [--batch 1000]
 *     [--workers 2] [--no-sqlite]
 *
 * SQLite always runs (unless --no-sqlite); with --postgres PostgreSQL runs too and the ratio of the
 * two rates is printed. The target: 1,000,000 accounts within 5 minutes on PostgreSQL (3,333/s).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { sql } from 'kysely'
import pino from 'pino'
import { createApp } from '../src/app.js'
import { loadConfig } from '../src/config/index.js'
import { onCleanup } from './lib/cleanup.js'
import { createScratchDatabase, DEFAULT_POSTGRES, postgresOption } from './lib/postgres.js'
import { machine } from './lib/scope.js'
import { seedAccounts } from './lib/seed-accounts.js'
import { int, table } from './lib/stats.js'
import { type BenchOptions, type BenchResult, numberOption } from './lib/types.js'

export const description =
  'force_password_reset campaign: accounts/s through the real worker (SQLite, PostgreSQL)'

const TARGET_PER_SECOND = 1_000_000 / 300

const log = (line: string) => console.log(`[campaign] ${line}`)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

interface Measured {
  seedSeconds: number
  materialiseSeconds: number
  runSeconds: number
  totalSeconds: number
  perSecond: number
  ok: boolean
}

const measure = async (
  kind: 'sqlite' | 'postgres',
  accounts: number,
  options: BenchOptions,
): Promise<Measured> => {
  const dataDir = mkdtempSync(join(os.tmpdir(), 'gatehouse-bench-campaign-'))
  const forgetDir = onCleanup('temp dir', () => rmSync(dataDir, { recursive: true, force: true }))
  let databaseUrl: string | undefined
  let drop: (() => Promise<void>) | undefined
  if (kind === 'postgres') {
    const scratch = await createScratchDatabase(
      postgresOption(options.postgres) ?? DEFAULT_POSTGRES,
      'gh_bench_campaign',
    )
    databaseUrl = scratch.url
    drop = scratch.drop
  }
  const forgetDb = drop ? onCleanup('drop database', drop) : () => {}
  const config = loadConfig({
    GATEHOUSE_DATA_DIR: dataDir,
    GATEHOUSE_LOG_LEVEL: 'warn',
    GATEHOUSE_PUBLIC_URL: 'https://id.example.test',
    GATEHOUSE_WORKER_INTERVAL_MS: '50',
    GATEHOUSE_CAMPAIGN_BATCH_SIZE: String(numberOption(options, 'batch', 1000)),
    GATEHOUSE_CAMPAIGN_WORKERS: String(numberOption(options, 'workers', 2)),
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  })
  const app = await createApp(config, { logger: pino({ level: 'warn' }), manualWorkers: true })
  try {
    const db = app.database.db
    const seedStart = performance.now()
    await seedAccounts(db, kind, { count: accounts, prefix: 'b', now: Date.now(), sessions: true })
    if (kind === 'postgres') await sql`analyze`.execute(db)
    const seedSeconds = (performance.now() - seedStart) / 1000
    log(`${kind}: seeded ${int(accounts)} accounts with a session each in ${seedSeconds.toFixed(1)} s`)

    const started = performance.now()
    const campaign = await app.services.campaigns.create(
      { selector: { kind: 'saved', name: 'all_users' }, action: 'force_password_reset', params: {} },
      'bench',
      { ip: null, userAgent: null, clientVersion: null, requestId: 'bench' },
    )
    const materialiseSeconds = (performance.now() - started) / 1000
    log(
      `${kind}: campaign ${campaign.id}: ${int(campaign.total)} targets in ${materialiseSeconds.toFixed(1)} s`,
    )
    app.workers.campaigns.start()
    let lastLog = performance.now()
    for (;;) {
      const c = await app.services.campaigns.get(campaign.id)
      if (c.status === 'completed') break
      if (performance.now() - lastLog > 10_000) {
        lastLog = performance.now()
        const p = await app.services.campaigns.progress(c)
        log(`${kind}: ${int(p.done)}/${int(p.total)} at ${int(p.rate)}/s, eta ${p.etaSeconds ?? '?'} s`)
      }
      await sleep(100)
    }
    const totalSeconds = (performance.now() - started) / 1000
    const runSeconds = totalSeconds - materialiseSeconds
    await app.workers.campaigns.stop()

    const count = async (q: ReturnType<typeof sql<{ n: number }>>) => Number((await q.execute(db)).rows[0]?.n)
    const required = await count(
      sql<{ n: number }>`select count(*) as n from accounts where password_reset_required_at is not null`,
    )
    const live = await count(sql<{ n: number }>`select count(*) as n from sessions where revoked_at is null`)
    const events = await count(
      sql<{
        n: number
      }>`select count(*) as n from security_events where type = 'campaign_password_reset_forced'`,
    )
    const final = await app.services.campaigns.get(campaign.id)
    const ok = required === accounts && live === 0 && events === accounts && final.done === accounts
    if (!ok) log(`${kind}: CHECK FAILED required=${required} live_sessions=${live} events=${events}`)
    return {
      seedSeconds,
      materialiseSeconds,
      runSeconds,
      totalSeconds,
      perSecond: accounts / totalSeconds,
      ok,
    }
  } finally {
    await app.close()
    await drop?.()
    forgetDb()
    rmSync(dataDir, { recursive: true, force: true })
    forgetDir()
  }
}

export const run = async (options: BenchOptions): Promise<BenchResult> => {
  const accounts = Math.round(numberOption(options, 'accounts', 100_000))
  log(`machine: ${machine()}; ${int(accounts)} accounts`)
  const kinds: Array<'sqlite' | 'postgres'> = [
    ...(options['no-sqlite'] ? [] : (['sqlite'] as const)),
    ...(options.postgres ? (['postgres'] as const) : []),
  ]
  const results = new Map<string, Measured>()
  for (const kind of kinds) results.set(kind, await measure(kind, accounts, options))
  const rows: Array<readonly [string, string]> = []
  for (const [kind, m] of results) {
    rows.push(
      [`${kind}: seed (not timed in the rate)`, `${m.seedSeconds.toFixed(1)} s`],
      [`${kind}: targets materialised`, `${m.materialiseSeconds.toFixed(1)} s`],
      [`${kind}: worker run`, `${m.runSeconds.toFixed(1)} s`],
      [`${kind}: create → completed`, `${m.totalSeconds.toFixed(1)} s`],
      [`${kind}: accounts/s`, int(m.perSecond)],
      [`${kind}: vs target 3,333/s (1M in 5 min)`, `${(m.perSecond / TARGET_PER_SECOND).toFixed(2)}×`],
      [`${kind}: every account reset, sessions revoked, one event each`, m.ok ? 'yes' : 'NO'],
    )
  }
  const s = results.get('sqlite')
  const p = results.get('postgres')
  if (s && p) rows.push(['postgres / sqlite accounts/s', `${(p.perSecond / s.perSecond).toFixed(2)}×`])
  console.log(table(rows, ['figure', 'value']))
  return { name: 'campaign', ok: [...results.values()].every((m) => m.ok), rows }
}
