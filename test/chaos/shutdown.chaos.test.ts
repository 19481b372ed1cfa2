import { connect } from 'node:net'
import { hash } from '@node-rs/argon2'
import { sql } from 'kysely'
import { afterAll, describe, expect, it } from 'vitest'
import { seedAccounts } from '../../bench/lib/seed-accounts.js'
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js'
import { type Started, startServer } from '../helpers/process.js'
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js'
import { chaosUnavailable } from './infra.js'
import { type Outcome, sleep, summarise } from './load.js'

/**
 * Shutdown finishes what it received: on SIGTERM the instance drains (GATEHOUSE_SHUTDOWN_GRACE_SECONDS),
 * then stops accepting connections and serves every request already received or being read —
 * including one whose connection was open but had not sent a byte yet, or had sent half of it —
 * with `Connection: close`, then exits 0. No client that sent its request before the listener
 * closed sees a reset; every refusal is a problem document.
 */
const unavailable = chaosUnavailable()

describe.skipIf(unavailable !== null)('SIGTERM under load', () => {
  let db: TestDatabase | undefined
  let smtp: SmtpSink | undefined
  let server: Started | undefined

  afterAll(async () => {
    if (server && server.child.exitCode === null) server.child.kill('SIGKILL')
    await smtp?.close()
    await db?.drop()
  })

  it('answers every login sent in the last 500 ms before the listener closed, and resets none', async () => {
    const PASSWORD = 'copper lantern orbit 42'
    db = await createTestDatabase('sqlite')
    const database = await db.open()
    await seedAccounts(database.db, 'sqlite', { count: 80, prefix: 'term', now: Date.now() })
    const phc = await hash(PASSWORD, { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 })
    await sql`update accounts set password_hash = ${phc}`.execute(database.db)
    await database.close()
    smtp = await startSmtpSink()
    const GRACE_MS = 1000
    server = await startServer({
      GATEHOUSE_DATA_DIR: db.dataDir,
      GATEHOUSE_SMTP_URL: smtp.url,
      GATEHOUSE_SHUTDOWN_GRACE_SECONDS: String(GRACE_MS / 1000),
      GATEHOUSE_GUARD: 'false',
      GATEHOUSE_STEP_UP_NEW_DEVICE: 'false',
    })
    const base = server.baseUrl
    const { port } = new URL(base)
    const login = async (i: number, at: number): Promise<Outcome> => {
      const sent = Date.now()
      try {
        const res = await fetch(`${base}/v1/sessions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ identifier: `seed_term_${i}`, password: PASSWORD }),
        })
        const body = await res.text()
        return {
          at,
          sent,
          status: res.status,
          connection: res.headers.get('connection'),
          contentType: res.headers.get('content-type'),
          body,
        }
      } catch (e) {
        const cause = (e as { cause?: { code?: string; message?: string } }).cause
        return { at, sent, error: cause?.code ?? cause?.message ?? (e as Error).message }
      }
    }
    /**
     * A request over a raw connection: opened at `openAt`, the first `split` bytes sent then, the
     * rest at `restAt` (ms after SIGTERM). Node's close counted such connections idle and reset them.
     */
    const raw = (t0: number, openAt: number, restAt: number, split: number, i: number) =>
      new Promise<Outcome>((resolve) => {
        const body = JSON.stringify({ identifier: `seed_term_${i}`, password: PASSWORD })
        const request = Buffer.from(
          `POST /v1/sessions HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
        )
        setTimeout(
          () => {
            const sent = Date.now()
            const socket = connect(Number(port), '127.0.0.1')
            let answer = ''
            socket.on('data', (c) => {
              answer += c.toString()
            })
            socket.on('error', (e: NodeJS.ErrnoException) =>
              resolve({ at: openAt, sent, error: e.code ?? e.message }),
            )
            socket.on('close', () => {
              const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1])
              if (!status)
                resolve({ at: openAt, sent, error: answer ? 'truncated answer' : 'closed without an answer' })
              else
                resolve({
                  at: openAt,
                  sent,
                  status,
                  connection: /\r\nconnection: ([^\r]+)/i.exec(answer)?.[1] ?? null,
                  contentType: /\r\ncontent-type: ([^\r]+)/i.exec(answer)?.[1] ?? null,
                  body: answer.split('\r\n\r\n')[1] ?? '',
                })
            })
            socket.on('connect', () => {
              if (split > 0) socket.write(request.subarray(0, split))
              setTimeout(() => socket.write(request.subarray(split)), restAt - openAt)
            })
          },
          Math.max(0, openAt - (Date.now() - t0)),
        )
      })

    // Warm up (argon2, the statement caches) and leave idle keep-alive connections behind.
    for (let i = 0; i < 4; i++) expect((await login(70 + i, -1)).status).toBe(201)

    const t0 = Date.now()
    server.child.kill('SIGTERM')
    // 40 logins in the last 500 ms before the listener closes (about GRACE_MS after SIGTERM), and
    // 10 after it: fetch reuses its keep-alive connections and opens new ones.
    const schedule = Array.from({ length: 50 }, (_, i) => GRACE_MS - 500 + i * 12.5)
    const outcomes = await Promise.all([
      ...schedule.map(async (at, i) => {
        await sleep(at - (Date.now() - t0))
        return login(i, at)
      }),
      // Connections opened before the close whose request arrives (whole or the rest) after it.
      raw(t0, GRACE_MS - 150, GRACE_MS + 200, 0, 60),
      raw(t0, GRACE_MS - 100, GRACE_MS + 250, 0, 61),
      raw(t0, GRACE_MS - 150, GRACE_MS + 200, 40, 62),
      raw(t0, GRACE_MS - 100, GRACE_MS + 300, 90, 63),
    ])
    expect(await server.exited).toBe(0)

    const closedLine = server.logs
      .map((l) => {
        try {
          return JSON.parse(l) as { msg?: string; time?: string }
        } catch {
          return {}
        }
      })
      .find((l) => l.msg?.startsWith('listener closed'))
    // The time the listener closed, as the server logged it (the estimate without that line).
    const closedAt = closedLine?.time ? Date.parse(closedLine.time) : t0 + GRACE_MS
    // A client's clock reading comes a little before its connection reaches the server (it is taken
    // before fetch connects, among fifty timers), and the kernel completes connections until the
    // listening socket closes: one sent within RACE_MS of the close may be refused, or reset if it
    // was still waiting to be accepted. That is the edge the readiness drain keeps traffic from.
    const RACE_MS = 25
    const before = outcomes.filter((o) => o.sent <= closedAt - RACE_MS)
    const edge = outcomes.filter((o) => o.sent > closedAt - RACE_MS && o.sent < closedAt + RACE_MS)
    const after = outcomes.filter((o) => o.sent >= closedAt + RACE_MS)
    console.log(
      `SIGTERM: sent more than ${RACE_MS} ms before the listener closed: ${before.length} ${JSON.stringify(summarise(before))}; ` +
        `within ${RACE_MS} ms of it: ${JSON.stringify(summarise(edge))}; later: ${JSON.stringify(summarise(after))}`,
    )
    const lastHalfSecond = before.filter((o) => o.sent >= closedAt - 500)
    expect(lastHalfSecond.length).toBeGreaterThanOrEqual(30)
    expect(before.filter((o) => o.error !== undefined)).toEqual([])
    for (const o of before) {
      if (o.status === 201) continue
      // A refusal is a problem document, never Fastify's own body.
      expect(o.contentType, JSON.stringify(o)).toMatch(/^application\/problem\+json/)
    }
    // Every answer after SIGTERM tells the client to reconnect elsewhere.
    for (const o of outcomes)
      if (o.status !== undefined) expect(o.connection, JSON.stringify(o)).toBe('close')
    // The raw connections opened before the close and sending after it were served.
    for (const o of outcomes.slice(-4)) expect(o.status, JSON.stringify(o)).toBe(201)
    // Requests that came after the close were refused a connection, never reset mid-way.
    for (const o of after.filter((x) => x.error !== undefined)) expect(o.error).toBe('ECONNREFUSED')
    for (const o of edge.filter((x) => x.error !== undefined))
      expect(['ECONNREFUSED', 'ECONNRESET']).toContain(o.error)
  }, 60_000)
})
