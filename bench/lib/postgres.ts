/**
 * Scratch PostgreSQL databases for benchmarks run with `--postgres[=postgres://…/postgres]`: a fresh
 * database on that server (the local one by default), dropped again when the benchmark is done.
 */
import { randomBytes } from 'node:crypto'
import os from 'node:os'
import pg from 'pg'

export const DEFAULT_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres'

/** The server `--postgres` names: its value, or the local default for the bare flag; undefined without it. */
export const postgresOption = (value: unknown): string | undefined =>
  value === undefined || value === false ? undefined : typeof value === 'string' ? value : DEFAULT_POSTGRES

const run = async (adminUrl: string, statement: string) => {
  const c = new pg.Client({ connectionString: adminUrl })
  await c.connect()
  try {
    await c.query(statement)
  } finally {
    await c.end()
  }
}

/** Creates `<prefix>_<random>` on the server of `adminUrl`; returns its URL and how to drop it. */
export const createScratchDatabase = async (
  adminUrl: string,
  prefix: string,
): Promise<{ name: string; url: string; drop: () => Promise<void> }> => {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`
  await run(adminUrl, `create database ${name}`)
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return {
    name,
    url: url.toString(),
    drop: () => run(adminUrl, `drop database if exists ${name} with (force)`),
  }
}

/**
 * A PostgreSQL cluster of the benchmark's own (`--own-postgres`), sized as a production server for
 * the benchmark's data on this machine would be: half of the memory as shared buffers (at 17.5
 * million accounts the accounts table and its indexes take 12 GB; with a quarter, the import's index
 * pages and the reset's table pages went back and forth between the buffers and the page cache, which
 * this machine also pages out when idle: bench/README.md, seed-scale), the planner told about the
 * page cache, checkpoints spread out for bulk loads, the disk's prefetch and WAL compression on.
 * Durable (fsync, full-page writes, synchronous commit as shipped). With `statements`,
 * pg_stat_statements is loaded for `topStatements`. Its settings are returned for the report; it is
 * stopped and removed by `destroy`.
 */
export const ownPostgres = async (
  opts: { statements?: boolean; settings?: Record<string, string> } = {},
): Promise<{ url: string; settings: Record<string, string>; destroy: () => void }> => {
  const { startPostgres } = await import('../../test/chaos/infra.js')
  const mib = Math.floor(os.totalmem() / 2 ** 20)
  const settings: Record<string, string> = {
    shared_buffers: `${Math.floor(mib / 2)}MB`,
    effective_cache_size: `${Math.floor((mib * 3) / 4)}MB`,
    maintenance_work_mem: '1GB',
    work_mem: '32MB',
    max_wal_size: '16GB',
    checkpoint_timeout: '15min',
    checkpoint_completion_target: '0.9',
    random_page_cost: '1.1',
    // Solid-state disks: prefetch for bitmap heap scans, and full-page images compressed (PostgreSQL
    // built with lz4, as Debian's and the PGDG packages are).
    effective_io_concurrency: '200',
    wal_compression: 'lz4',
    ...(opts.statements ? { shared_preload_libraries: 'pg_stat_statements' } : {}),
    ...opts.settings,
  }
  const pg = await startPostgres({ durable: true, settings })
  return { url: pg.url, settings, destroy: pg.destroy }
}

/** Per database: the tables' block counts at the last profile (pg_statio_user_tables), for deltas. */
const blocksBefore = new Map<string, Map<string, number[]>>()

/**
 * The tables whose pages were asked for most since the last call: heap and index blocks, and the
 * share of each that was not in shared buffers (read from the OS cache or the disk).
 */
const blockLine = async (c: pg.Client, url: string): Promise<string | null> => {
  const r = await c.query<{ relname: string; hr: string; hh: string; ir: string; ih: string }>(
    `select relname, heap_blks_read as hr, heap_blks_hit as hh,
        coalesce(idx_blks_read, 0) as ir, coalesce(idx_blks_hit, 0) as ih
      from pg_statio_user_tables`,
  )
  const before = blocksBefore.get(url) ?? new Map<string, number[]>()
  const now = new Map<string, number[]>()
  const rows = r.rows.map((t) => {
    const counts = [t.hr, t.hh, t.ir, t.ih].map(Number)
    now.set(t.relname, counts)
    const b = before.get(t.relname) ?? [0, 0, 0, 0]
    const [hr, hh, ir, ih] = counts.map((n, k) => n - b[k]!) as [number, number, number, number]
    return { name: t.relname, hr, heap: hr + hh, ir, idx: ir + ih }
  })
  blocksBefore.set(url, now)
  const top = rows
    .filter((t) => t.heap + t.idx > 10_000)
    .sort((a, b) => b.heap + b.idx - (a.heap + a.idx))
    .slice(0, 5)
  if (top.length === 0) return null
  const m = (n: number) => `${(n / 1e6).toFixed(2)}M`
  const pct = (part: number, all: number) => `${all > 0 ? Math.round((100 * part) / all) : 0} %`
  return `blocks asked for since the last profile, heap / index (not in shared buffers): ${top
    .map((t) => `${t.name} ${m(t.heap)} (${pct(t.hr, t.heap)}) / ${m(t.idx)} (${pct(t.ir, t.idx)})`)
    .join(', ')}`
}

/** The statements that took the most time since the last reset (pg_stat_statements), then resets. */
export const topStatements = async (url: string, limit = 8): Promise<string[]> => {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    await c.query('create extension if not exists pg_stat_statements')
    const r = await c.query<{ ms: number; calls: string; rows: string; query: string }>(
      `select total_exec_time as ms, calls, rows, query from pg_stat_statements
        order by total_exec_time desc limit $1`,
      [limit],
    )
    await c.query('select pg_stat_statements_reset()')
    const updated = await c.query<{ relname: string; upd: string; hot: string }>(
      `select relname, n_tup_upd as upd, n_tup_hot_upd as hot from pg_stat_user_tables
        where n_tup_upd > 1000 order by n_tup_upd desc limit 4`,
    )
    const hot = updated.rows.map((t) => `${t.relname} ${t.hot}/${t.upd}`).join(', ')
    const vacuumed = await c.query<{ relname: string; v: string; a: string; size: string }>(
      `select relname, autovacuum_count as v, autoanalyze_count as a,
          pg_size_pretty(pg_total_relation_size(relid)) as size
        from pg_stat_user_tables where autovacuum_count + autoanalyze_count > 0
        order by pg_total_relation_size(relid) desc limit 6`,
    )
    const vacuums = vacuumed.rows.map((t) => `${t.relname} (${t.size}) ${t.v}/${t.a}`).join(', ')
    const blocks = await blockLine(c, url)
    return [
      ...(blocks ? [blocks] : []),
      ...(hot ? [`updates so far, heap-only of all: ${hot}`] : []),
      ...(vacuums ? [`autovacuums/autoanalyzes so far: ${vacuums}`] : []),
      ...r.rows.map(
        (s) =>
          `${(s.ms / 1000).toFixed(1).padStart(7)} s ${String(s.calls).padStart(7)} calls ${String(s.rows).padStart(10)} rows  ${s.query.replace(/\s+/g, ' ').slice(0, 160)}`,
      ),
    ]
  } finally {
    await c.end()
  }
}
