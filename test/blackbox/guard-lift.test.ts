import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases.js'
import { runCli, SOURCE_CLI, type Started, startServer } from '../helpers/process.js'

/*
 * `gatehouse guard lift` against a running server: the server is one process (the guard's state in
 * its memory, the default), the command line another; the lift goes through the database and the
 * server applies it within about a second. Sources are told apart by X-Forwarded-For (the server
 * trusts its proxy, here the test).
 */

/** How long a lift may take to reach the running server (it looks once a second). */
const BOUND_MS = 5000

describe.each(databaseKinds())('gatehouse guard lift against a running server on %s', (kind) => {
  let db: TestDatabase
  let server: Started
  let env: Record<string, string>
  let n = 0

  /** A failed login from `ip` on an identifier never used before: 401, or the guard's 429. */
  const failedLogin = async (ip: string) => {
    const res = await fetch(`${server.baseUrl}/v1/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
      body: JSON.stringify({ identifier: `nobody${n++}@example.net`, password: 'not a password 1234' }),
    })
    const body = (await res.json()) as { code?: string }
    return { status: res.status, code: body.code }
  }
  /** Stuffing from `ip`: failed logins on five identifiers, then its requests are challenged. */
  const challenge = async (ip: string) => {
    for (let i = 0; i < 5; i++) expect((await failedLogin(ip)).status).toBe(401)
    expect(await failedLogin(ip)).toEqual({ status: 429, code: 'challenge_required' })
  }
  /** Milliseconds until a request from `ip` passes the guard again (throws past the bound). */
  const untilPasses = async (ip: string, from: number): Promise<number> => {
    for (;;) {
      const r = await failedLogin(ip)
      if (r.status === 401) return Date.now() - from
      expect(r).toEqual({ status: 429, code: 'challenge_required' })
      if (Date.now() - from > BOUND_MS) throw new Error(`${ip} still challenged after ${BOUND_MS} ms`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  const lift = async (args: string[]) => {
    const r = await runCli(['guard', 'lift', ...args], env, 60_000, SOURCE_CLI)
    expect(r.code, r.stderr).toBe(0)
    return r.stdout
  }

  beforeAll(async () => {
    db = await createTestDatabase(kind)
    env = {
      GATEHOUSE_DATA_DIR: db.dataDir,
      GATEHOUSE_SECRET_KEY: Buffer.alloc(32, 21).toString('base64'),
      GATEHOUSE_TRUST_PROXY: 'true',
      GATEHOUSE_LOG_LEVEL: 'warn',
      ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : {}),
    }
    server = await startServer({ ...env, GATEHOUSE_LOG_LEVEL: 'info' }, 60_000, SOURCE_CLI)
  }, 90_000)
  afterAll(async () => {
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGTERM')
      await server.exited
    }
    await db?.drop()
  })

  it('--ip ends the challenge of that source only, within a bounded time, audited', async () => {
    await challenge('198.51.100.7')
    await challenge('203.0.113.9')

    const out = await lift(['--ip', '198.51.100.7', '--reason', 'operator locked out'])
    expect(out).toMatch(/^lift \d+: the guard's challenges, delays and blocks end for 198\.51\.100\.7;/)
    const ms = await untilPasses('198.51.100.7', Date.now())
    console.log(`[${kind}] --ip lift reached the running server ${ms} ms after the command ended`)
    expect(ms).toBeLessThan(BOUND_MS)
    // The other source is still challenged.
    expect(await failedLogin('203.0.113.9')).toEqual({ status: 429, code: 'challenge_required' })
    expect(server.logs.some((l) => l.includes('guard lifted by an operator'))).toBe(true)

    const database = await db.open()
    try {
      const audit = await database.db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'guard.lift')
        .execute()
      expect(audit).toHaveLength(1)
      expect(audit[0]!.actor).toBe('cli')
      const details = JSON.parse(audit[0]!.details as string) as Record<string, string>
      expect(details).toMatchObject({ sources: '198.51.100.7', reason: 'operator locked out' })
      expect(details.operator).toMatch(/.+@.+/)
      const events = await database.db
        .selectFrom('security_events')
        .select(['type', 'details'])
        .where('type', '=', 'guard_sources_lifted')
        .execute()
      expect(events).toHaveLength(1)
      // What the detectors found stays on record.
      const detections = await database.db
        .selectFrom('detections')
        .select(['key', 'status'])
        .where('kind', '=', 'credential_stuffing')
        .execute()
      expect(detections).toEqual(
        expect.arrayContaining([
          { key: 'ip:198.51.100.7', status: 'open' },
          { key: 'ip:203.0.113.9', status: 'open' },
        ]),
      )
    } finally {
      await database.close()
    }
  }, 120_000)

  it('--all ends the challenges of every source', async () => {
    const out = await lift(['--all'])
    expect(out).toMatch(/end for every source;/)
    const ms = await untilPasses('203.0.113.9', Date.now())
    console.log(`[${kind}] --all lift reached the running server ${ms} ms after the command ended`)
    expect(ms).toBeLessThan(BOUND_MS)
  }, 120_000)

  it('refuses a lift that names no source', async () => {
    const r = await runCli(['guard', 'lift', '--ip', '198.51.100.300'], env, 60_000, SOURCE_CLI)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/--ip takes an address or a network in CIDR notation/)
  }, 120_000)
})
