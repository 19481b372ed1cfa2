/**
 * Scratch PostgreSQL databases for benchmarks run with `--postgres[=postgres://…/postgres]`: a fresh
 * database on that server (the local one by default), dropped again when the benchmark is done.
 */
import { randomBytes } from 'node:crypto'
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
