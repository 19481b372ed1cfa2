import { Kysely, PostgresDialect } from 'kysely'
import Pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedAccounts } from '../../bench/lib/seed-accounts.js'
import type { Database } from '../../src/adapters/sql/schema.js'
import { LEVEL } from '../helpers/logs.js'
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js'
import { type Running, request, startInProcess } from './app.js'
import { chaosUnavailable, type Postgres, startPostgres } from './infra.js'
import { type Outcome, quantile, sleep, summarise } from './load.js'

/**
 * A PostgreSQL outage degrades, never loses: while the server is stopped or hung, requests get
 * `503 service_unavailable` with `Retry-After` within the database deadlines (never a 500, never a
 * hang), `/readyz` answers 503 within its own deadline, the log has one line when each outage
 * starts and one when it ends; every recovery request that was accepted (202) is mailed after the
 * server is back, as one message (a send repeated because its outcome could not be recorded keeps
 * its Message-ID).
 */
const unavailable = chaosUnavailable()
const ACCOUNTS = 1000

describe.skipIf(unavailable !== null)('PostgreSQL stopped, then hung', () => {
  let pg: Postgres | undefined
  let smtp: SmtpSink | undefined
  let gh: Running | undefined

  beforeAll(async () => {
    pg = await startPostgres()
    smtp = await startSmtpSink()
    gh = await startInProcess({
      DATABASE_URL: pg.url,
      GATEHOUSE_SMTP_URL: smtp.url,
      GATEHOUSE_DB_CONNECT_TIMEOUT_MS: '1000',
      GATEHOUSE_DB_STATEMENT_TIMEOUT_MS: '1000',
      GATEHOUSE_READY_TIMEOUT_MS: '500',
      GATEHOUSE_RECOVERY_LIMIT_IP: '100000/60',
      GATEHOUSE_RECOVERY_LIMIT_SUBNET: '100000/60',
      GATEHOUSE_RECOVERY_LIMIT_GLOBAL: '100000/60',
    })
    // Seeded through a connection of its own: the server's pool has this test's 1 s connect
    // deadline, which a busy machine can miss before any outage has started.
    const seeder = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: new Pg.Pool({ connectionString: pg.url, max: 1 }) }),
    })
    try {
      await seedAccounts(seeder, 'postgres', { count: ACCOUNTS, prefix: 'pg', now: Date.now() })
    } finally {
      await seeder.destroy()
    }
  }, 60_000)

  afterAll(async () => {
    pg?.resume()
    await gh?.close()
    await smtp?.close()
    pg?.destroy()
  })

  it('answers 503 with Retry-After during each outage, keeps /readyz within its deadline, and mails every accepted request', async () => {
    const base = gh!.baseUrl
    const outcomes: Array<Outcome & { phase: string; account: number }> = []
    const readiness: Array<Outcome & { phase: string }> = []
    let phase = 'before'
    let next = 0
    let running = true
    // A recovery request every 20 ms, each for another account, whatever happens meanwhile.
    const load = (async () => {
      const pending: Promise<void>[] = []
      while (running && next < ACCOUNTS) {
        const i = next++
        const p = phase
        pending.push(
          request(base, 'POST', '/v1/recovery', { identifier: `seed_pg_${i}` }).then((o) => {
            outcomes.push({ ...o, phase: p, account: i })
          }),
        )
        await sleep(20)
      }
      await Promise.all(pending)
    })()
    const probe = (async () => {
      while (running) {
        const p = phase
        readiness.push({ ...(await request(base, 'GET', '/readyz')), phase: p })
        await sleep(200)
      }
    })()
    const outageLines = () =>
      gh!.logs.filter((l) => l.level >= LEVEL.error && l.dependency === 'database').length
    const recovered = () => gh!.logs.filter((l) => l.msg === 'database available again').length
    const waitFor = async (what: string, check: () => boolean, ms = 15_000) => {
      const until = Date.now() + ms
      while (!check()) {
        if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
        await sleep(50)
      }
    }

    await sleep(1000)
    pg!.stop()
    phase = 'stopped'
    await sleep(3000)
    pg!.start()
    phase = 'restarted'
    const ready = async () => (await request(base, 'GET', '/readyz')).status === 200
    const waitReady = async () => {
      const until = Date.now() + 15_000
      while (!(await ready())) {
        if (Date.now() > until) throw new Error('timed out waiting for /readyz')
        await sleep(100)
      }
    }
    await waitReady()
    // Requests go on meanwhile; the outage's probe (every second) sees it answer and ends it.
    await sleep(1500)
    pg!.hang()
    phase = 'hung'
    await sleep(3000)
    pg!.resume()
    phase = 'resumed'
    await waitReady()
    await sleep(1000)
    running = false
    await Promise.all([load, probe])

    const by = (p: string) => outcomes.filter((o) => o.phase === p)
    const report = Object.fromEntries(
      ['before', 'stopped', 'restarted', 'hung', 'resumed'].map((p) => [
        p,
        { ...summarise(by(p)), worst_ms: Math.round(Math.max(0, ...by(p).map((o) => o.ms ?? 0))) },
      ]),
    )
    const readyReport = Object.fromEntries(
      ['stopped', 'hung'].map((p) => {
        const r = readiness.filter((o) => o.phase === p)
        return [p, { ...summarise(r), worst_ms: Math.round(Math.max(0, ...r.map((o) => o.ms ?? 0))) }]
      }),
    )
    console.log(`PostgreSQL: requests ${JSON.stringify(report)}; /readyz ${JSON.stringify(readyReport)}`)

    // Never a 500, never a network error: an answer, 202 or 503 service_unavailable with Retry-After.
    for (const o of outcomes) {
      expect(o.error, JSON.stringify(o)).toBeUndefined()
      if (o.status === 202) continue
      expect(o.status, JSON.stringify(o)).toBe(503)
      expect(o.body, JSON.stringify(o)).toMatch(/"code":"service_unavailable"/)
      expect(o.retryAfter).toBe('5')
    }
    for (const p of ['before', 'restarted', 'resumed']) expect(by(p).length).toBeGreaterThan(20)
    expect(by('stopped').filter((o) => o.status === 503).length).toBeGreaterThan(0)
    expect(by('hung').filter((o) => o.status === 503).length).toBeGreaterThan(0)
    // Within the deadlines: a pool wait or a connection (1 s), a statement and its margin (2 s).
    expect(Math.max(...by('hung').map((o) => o.ms ?? 0))).toBeLessThan(4000)
    // Readiness has a deadline of its own (500 ms) and says 503 during both outages.
    for (const p of ['stopped', 'hung']) {
      const r = readiness.filter((o) => o.phase === p)
      expect(r.some((o) => o.status === 503)).toBe(true)
      expect(Math.max(...r.map((o) => o.ms ?? 0))).toBeLessThan(1500)
    }
    // One line when each outage started and one when it ended; none per request.
    await waitFor('the second outage to be logged as over', () => recovered() === 2)
    expect(outageLines()).toBe(2)
    expect(gh!.logs.filter((l) => l.msg === 'request failed' || l.msg === 'unhandled error')).toEqual([])

    // Every accepted request is mailed. A request answered 503 because its commit ran past the
    // deadline on the hung server, or whose answer the stopping server cut off, may have taken
    // effect all the same (the outcome of a timeout is unknown to the client): mailed too.
    const address = (o: { account: number }) => `seed_pg_${o.account}@example.org`
    const accepted = outcomes.filter((o) => o.status === 202).map(address)
    const unsure = new Set(outcomes.filter((o) => o.status === 503).map(address))
    const mailedSet = () => new Set(smtp!.messages.flatMap((m) => m.to))
    await waitFor(
      'every accepted request to be mailed',
      () => accepted.every((a) => mailedSet().has(a)),
      30_000,
    )
    await sleep(1000)
    const mailed = smtp!.messages.flatMap((m) => m.to)
    // Delivery is at least once: a send whose outcome could not be recorded on the hung server is
    // sent again, as the same message (one Message-ID per address).
    const messageIds = new Map<string, Set<string | undefined>>()
    for (const m of smtp!.messages)
      for (const to of m.to) messageIds.set(to, (messageIds.get(to) ?? new Set()).add(m.messageId))
    for (const [to, ids] of messageIds) expect(ids.size, to).toBe(1)
    const twice = mailed.length - new Set(mailed).size
    const extra = [...new Set(mailed)].filter((a) => !accepted.includes(a))
    for (const a of extra) expect(unsure.has(a), a).toBe(true)
    console.log(
      `PostgreSQL: ${accepted.length} of ${accepted.length} accepted recovery requests mailed (${twice} sent twice, same Message-ID); ` +
        `${extra.length} of ${unsure.size} answered 503 took effect all the same; ` +
        `p50 ${Math.round(
          quantile(
            by('before').map((o) => o.ms ?? 0),
            0.5,
          ),
        )} ms before the faults`,
    )
  }, 90_000)
})
