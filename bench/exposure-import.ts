/**
 * exposure-import: streams leaked data sets of 100,000 and 1,000,000 rows (CSV: username, email,
 * phone, city) through the incidents service against 1,000,000 accounts, and prints rows/s, seconds,
 * peak RSS and the per-row cost at 1M relative to 100k (about 1 when the cost grows linearly).
 *
 *   npm run bench -- exposure-import [--postgres[=postgres://…/postgres]] [--accounts 1000000]
 *     [--rows 1000000] [--batch 20000]
 *
 * Accounts are seeded by SQL (generate_series / a recursive CTE; one fixed password hash). Every
 * third account has a verified phone. Leak rows: 70 % name an account (username, email in mixed
 * case, phone written nationally for a third of them), 25 % name nobody, 5 % are unparseable
 * (wrong column count, broken quoting, no identifier). Target: 1M rows within 60 s on both databases.
 */

import { once } from 'node:events'
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { sql } from 'kysely'
import { SqlAuditLog } from '../src/adapters/sql/audit-repository.js'
import { openPostgres, openSqlite, type SqlDatabase } from '../src/adapters/sql/database.js'
import { SqlIncidentRepository } from '../src/adapters/sql/incidents-repository.js'
import { migrateToLatest } from '../src/adapters/sql/migrate.js'
import { AuditService } from '../src/modules/audit/service.js'
import { IMPORT_BATCH_ROWS, IncidentsService } from '../src/modules/incidents/service.js'
import { onCleanup } from './lib/cleanup.js'
import { createScratchDatabase, postgresOption } from './lib/postgres.js'
import { prng } from './lib/random.js'
import { int, table } from './lib/stats.js'
import { type BenchOptions, type BenchResult, numberOption } from './lib/types.js'

export const description =
  'leaked-data import: rows/s, seconds and peak RSS at 100k and 1M rows against 1M accounts; linear growth'

const TARGET_SECONDS_1M = 60
const log = (line: string) => console.log(`[exposure-import] ${line}`)

/** A real argon2id hash of a throwaway password: the accounts are never logged into. */
const HASH = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$Y2WcHXH0a0B2mX9m3q4sQe3R2XUJ6GXTL6oM8Qm7bNE'

const openScratch = async (postgres: string | undefined, dir: string): Promise<SqlDatabase> => {
  if (!postgres) {
    const db = openSqlite(join(dir, 'gatehouse.sqlite'))
    const r = await migrateToLatest(db.db as never, db.dialect)
    if (r.error) throw r.error
    return db
  }
  const { url, drop } = await createScratchDatabase(postgres, `gh_bench_import_${process.pid}`)
  const undo = onCleanup('drop the scratch database', drop)
  const db = await openPostgres(url, 4)
  const r = await migrateToLatest(db.db as never, db.dialect)
  if (r.error) throw r.error
  return {
    ...db,
    close: async () => {
      await db.close()
      await drop()
      undo()
    },
  }
}

/** Accounts 1..n: `user<i>`, `user<i>@example.net`; every third one a verified London number. */
const seed = async (database: SqlDatabase, n: number) => {
  const now = Date.now()
  const cols = `id, username, email, email_norm, phone, phone_verified_at, password_hash, role,
    email_verified_at, must_change_password, password_changed_at, created_at, updated_at`
  const values = (i: string, concat: (...p: string[]) => string) => `
    ${concat("'acc-'", i)}, ${concat("'user'", i)}, ${concat("'user'", i, "'@example.net'")},
    ${concat("'user'", i, "'@example.net'")},
    case when ${i} % 3 = 0 then ${concat("'+4420'", `(70000000 + ${i})`)} else null end,
    case when ${i} % 3 = 0 then ${now} else null end,
    '${HASH}', 'user', ${now}, 0, ${now}, ${now}, ${now}`
  const chunk = 200_000
  for (let from = 1; from <= n; from += chunk) {
    const to = Math.min(n, from + chunk - 1)
    if (database.dialect.name === 'postgres') {
      await sql
        .raw(
          `insert into accounts (${cols}) select ${values('g', (...p) => p.map((x) => `(${x})::text`).join(' || '))}
           from generate_series(${from}, ${to}) as g`,
        )
        .execute(database.db)
    } else {
      await sql
        .raw(
          `with recursive s(i) as (select ${from} union all select i + 1 from s where i < ${to})
           insert into accounts (${cols}) select ${values('i', (...p) => p.join(' || '))} from s`,
        )
        .execute(database.db)
    }
  }
  if (database.dialect.name === 'postgres') await sql`analyze accounts`.execute(database.db)
}

const CITIES = ['London', 'Leeds', '"Paris, France"', 'Oslo', '']

/** Writes the leak file; returns how many rows name an account and how many are unparseable. */
const writeLeak = async (file: string, rows: number, accounts: number) => {
  const out = createWriteStream(file)
  const rand = prng(rows)
  let matching = 0
  let broken = 0
  let buf = 'login,Email,tel,city\n'
  for (let r = 0; r < rows; r++) {
    const x = rand()
    const city = CITIES[r % CITIES.length]
    if (x < 0.7) {
      matching += 1
      const i = 1 + Math.floor(rand() * accounts)
      const email = r % 2 ? `User${i}@Example.NET` : `user${i}@example.net`
      const phone =
        i % 3 === 0 && r % 4 === 0
          ? `020 ${String(70000000 + i).slice(0, 4)} ${String(70000000 + i).slice(4)}`
          : ''
      const login = r % 5 === 0 ? '' : `user${i}`
      buf += `${login},${email},${phone},${city}\n`
    } else if (x < 0.95) {
      const i = Math.floor(rand() * 1e9)
      buf += `ghost${i},ghost${i}@example.org,+1 202 555 ${String(i % 10000).padStart(4, '0')},${city}\n`
    } else {
      broken += 1
      const k = r % 3
      buf += k === 0 ? `too,many,columns,here,now\n` : k === 1 ? `x"y,bad@example.org,,\n` : `,,,${city}\n`
    }
    if (buf.length > 1 << 16) {
      if (!out.write(buf)) await once(out, 'drain')
      buf = ''
    }
  }
  out.end(buf)
  await once(out, 'finish')
  return { matching, broken }
}

interface Run {
  rows: number
  seconds: number
  rowsPerSecond: number
  peakRssMb: number
  matched: number
  unparseable: number
  accounts: number
  lookupSeconds?: number
  upsertSeconds?: number
}

const runImport = async (service: IncidentsService, file: string, rows: number): Promise<Run> => {
  const incident = await service.create(
    { title: `bench ${rows}`, summary: 'benchmark', severity: 'low' },
    'bench',
    { ip: null, requestId: null },
  )
  global.gc?.()
  let peak = process.memoryUsage().rss
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss)
  }, 50)
  const start = performance.now()
  const done = await service.importLeak(
    {
      incidentId: incident.id,
      format: 'csv',
      mapping: { username: 'login', email: 'Email', phone: 'tel', location: 'city' },
      phoneRegion: 'GB',
      sourceName: 'bench.csv',
      input: createReadStream(file),
    },
    'bench',
    { ip: null, requestId: null },
  )
  const seconds = (performance.now() - start) / 1000
  clearInterval(sampler)
  peak = Math.max(peak, process.memoryUsage().rss)
  if (done.rowsRead !== rows) throw new Error(`read ${done.rowsRead} rows of ${rows}`)
  return {
    rows,
    seconds,
    rowsPerSecond: rows / seconds,
    peakRssMb: peak / 2 ** 20,
    matched: done.rowsMatched,
    unparseable: done.rowsUnparseable,
    accounts: done.accountsMatched,
  }
}

export const run = async (options: BenchOptions): Promise<BenchResult> => {
  const postgres = postgresOption(options.postgres)
  const accounts = numberOption(options, 'accounts', 1_000_000)
  const sizes = options.rows !== undefined ? [numberOption(options, 'rows', 1_000_000)] : [100_000, 1_000_000]
  const batchSize = numberOption(options, 'batch', IMPORT_BATCH_ROWS)
  const dir = mkdtempSync(join(os.tmpdir(), 'gatehouse-bench-import-'))
  const undoDir = onCleanup('remove the scratch folder', () => rmSync(dir, { recursive: true, force: true }))
  const database = await openScratch(postgres, dir)
  try {
    log(`${postgres ? 'PostgreSQL' : 'SQLite'}; seeding ${int(accounts)} accounts`)
    let t = performance.now()
    await seed(database, accounts)
    log(`seeded in ${((performance.now() - t) / 1000).toFixed(1)} s`)
    const audit = new AuditService({
      log: new SqlAuditLog(database.db, database.dialect),
      now: () => Date.now(),
    })
    // Time spent matching the staged rows and writing the exposures, to tell the database's share.
    const repo = new SqlIncidentRepository(database.db, database.dialect, database.maintain)
    const spent = { lookups: 0, upserts: 0 }
    const timed =
      <A extends unknown[], R>(key: keyof typeof spent, f: (...a: A) => Promise<R>) =>
      async (...a: A): Promise<R> => {
        const t0 = performance.now()
        try {
          return await f(...a)
        } finally {
          spent[key] += performance.now() - t0
        }
      }
    const openStage = repo.openLeakStage.bind(repo)
    repo.openLeakStage = async (importId) => {
      const stage = await openStage(importId)
      stage.match = timed('lookups', stage.match.bind(stage))
      return stage
    }
    repo.recordExposures = timed('upserts', repo.recordExposures.bind(repo))
    const service = new IncidentsService({
      incidents: repo,
      audit,
      now: () => Date.now(),
      batchSize,
    })
    const runs: Run[] = []
    for (const rows of sizes) {
      const file = join(dir, `leak-${rows}.csv`)
      t = performance.now()
      const mix = await writeLeak(file, rows, accounts)
      log(
        `wrote ${int(rows)} rows (${(statSync(file).size / 2 ** 20).toFixed(1)} MiB; ${int(mix.matching)} naming an account, ${int(mix.broken)} unparseable) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
      )
      spent.lookups = 0
      spent.upserts = 0
      const r = await runImport(service, file, rows)
      r.lookupSeconds = spent.lookups / 1000
      r.upsertSeconds = spent.upserts / 1000
      if (r.matched !== mix.matching || r.unparseable !== mix.broken) {
        throw new Error(
          `matched ${r.matched} (expected ${mix.matching}), unparseable ${r.unparseable} (expected ${mix.broken})`,
        )
      }
      log(
        `${int(rows)} rows: ${r.seconds.toFixed(1)} s, ${int(r.rowsPerSecond)} rows/s, peak RSS ${r.peakRssMb.toFixed(0)} MiB`,
      )
      runs.push(r)
      rmSync(file)
    }
    const rowsOut: Array<readonly [string, string]> = [
      ['database', postgres ? 'PostgreSQL' : 'SQLite'],
      ['accounts', int(accounts)],
      ['batch size', int(batchSize)],
    ]
    for (const r of runs) {
      rowsOut.push(
        [`${int(r.rows)} rows: seconds`, r.seconds.toFixed(1)],
        [`${int(r.rows)} rows: rows/s`, int(r.rowsPerSecond)],
        [
          `${int(r.rows)} rows: of which lookups / upserts`,
          `${r.lookupSeconds?.toFixed(1)} s / ${r.upsertSeconds?.toFixed(1)} s`,
        ],
        [`${int(r.rows)} rows: peak RSS`, `${r.peakRssMb.toFixed(0)} MiB`],
        [
          `${int(r.rows)} rows: matched / unparseable / accounts`,
          `${int(r.matched)} / ${int(r.unparseable)} / ${int(r.accounts)}`,
        ],
      )
    }
    const small = runs.find((r) => r.rows === 100_000)
    const big = runs.find((r) => r.rows === 1_000_000)
    let ok = true
    if (small && big) {
      const ratio = big.seconds / big.rows / (small.seconds / small.rows)
      rowsOut.push(['per-row cost 1M / 100k (1.0 = linear)', ratio.toFixed(2)])
      rowsOut.push(['peak RSS 1M / 100k', (big.peakRssMb / small.peakRssMb).toFixed(2)])
    }
    if (big) {
      ok = big.seconds <= TARGET_SECONDS_1M
      rowsOut.push([`1M rows within ${TARGET_SECONDS_1M} s`, ok ? 'yes' : 'NO'])
    }
    console.log(table(rowsOut, ['figure', 'value']))
    return { name: 'exposure-import', ok, rows: rowsOut }
  } finally {
    await database.close()
    rmSync(dir, { recursive: true, force: true })
    undoDir()
  }
}
