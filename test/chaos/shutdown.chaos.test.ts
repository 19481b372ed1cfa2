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
 * Shutdown finishes what it received: on SIGTERM the instance drains (GATEHOUSE_SHUTDOWN_GRACE_SECONDS:
 * `/readyz` 503, requests still served), then takes no new work: every request already received or
 * being read is served — including one whose connection was open but had not sent a byte yet, or
 * had sent half of it — and a request on a connection made since is answered `503
 * service_unavailable` (a problem document, never Fastify's own body), every answer with
 * `Connection: close`; the listener closes once the instance is quiet, and it exits 0. No client
 * sees a reset or a refused connection.
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

  it('answers every login sent in the 500 ms before the drain and after it, and resets none', async () => {
    const PASSWORD = 'copper lantern orbit 42'
    db = await createTestDatabase('sqlite')
    const database = await db.open()
    await seedAccounts(database.db, 'sqlite', { count: 90, prefix: 'term', now: Date.now() })
    // The cheapest argon2id the service accepts, on both sides: what is measured is the drain, not
    // hashing, and at the default cost 80 logins a second starve the event loop of a 2-core host,
    // so requests sent before the drain would be read only after it (and refused as new work).
    const phc = await hash(PASSWORD, { algorithm: 2, memoryCost: 8192, timeCost: 1, parallelism: 1 })
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
      GATEHOUSE_ARGON2_MEMORY_KIB: '8192',
      GATEHOUSE_ARGON2_ITERATIONS: '1',
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
     * A connection opened at `openAt` (ms after SIGTERM), well before the drain, so that the instance
     * has surely accepted it by then. With `first`, a whole login is sent at once and its answer read
     * (proof, by the clock, that the connection was accepted before the drain); then the first
     * `split` bytes of the request that matters go, and the rest at `restAt`. Node's close counted
     * such connections idle and reset them.
     */
    const raw = (
      t0: number,
      o: { openAt: number; restAt: number; split: number; first?: boolean; i: number },
    ) =>
      new Promise<Outcome & { firstAnsweredAt?: number }>((resolve) => {
        const message = (i: number) => {
          const body = JSON.stringify({ identifier: `seed_term_${i}`, password: PASSWORD })
          return Buffer.from(
            `POST /v1/sessions HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
          )
        }
        const request = message(o.i)
        setTimeout(
          () => {
            const sent = Date.now()
            const socket = connect(Number(port), '127.0.0.1')
            let answer = ''
            let firstAnsweredAt: number | undefined
            const sendTheRequest = () => {
              if (o.split > 0) socket.write(request.subarray(0, o.split))
              setTimeout(
                () => socket.write(request.subarray(o.split)),
                Math.max(0, o.restAt - (Date.now() - t0)),
              )
            }
            socket.on('data', (c) => {
              answer += c.toString()
              if (o.first && firstAnsweredAt === undefined) {
                // The first answer is whole once its body (a JSON object) has arrived.
                const m = /\r\ncontent-length: (\d+)/i.exec(answer)
                const head = answer.indexOf('\r\n\r\n')
                if (m && head >= 0 && Buffer.byteLength(answer.slice(head + 4)) >= Number(m[1])) {
                  firstAnsweredAt = Date.now()
                  if (!answer.startsWith('HTTP/1.1 201'))
                    return resolve({ at: o.openAt, sent, error: `first answer: ${answer}` })
                  answer = ''
                  sendTheRequest()
                }
              }
            })
            socket.on('error', (e: NodeJS.ErrnoException) =>
              resolve({ at: o.openAt, sent, error: e.code ?? e.message }),
            )
            socket.on('close', () => {
              const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1])
              if (!status)
                resolve({
                  at: o.openAt,
                  sent,
                  error: answer ? 'truncated answer' : 'closed without an answer',
                })
              else
                resolve({
                  at: o.openAt,
                  sent,
                  firstAnsweredAt,
                  status,
                  connection: /\r\nconnection: ([^\r]+)/i.exec(answer)?.[1] ?? null,
                  contentType: /\r\ncontent-type: ([^\r]+)/i.exec(answer)?.[1] ?? null,
                  body: answer.split('\r\n\r\n')[1] ?? '',
                })
            })
            socket.on('connect', () => {
              if (o.first) socket.write(message(o.i - 20))
              else sendTheRequest()
            })
          },
          Math.max(0, o.openAt - (Date.now() - t0)),
        )
      })

    // Warm up (argon2, the statement caches) and leave idle keep-alive connections behind.
    for (let i = 0; i < 4; i++) expect((await login(70 + i, -1)).status).toBe(201)

    // SIGTERM at t0. Connections the instance accepted before the drain whose request arrives
    // (whole or the rest) after it began: one kept alive from a login answered before SIGTERM with
    // part of the next request sent, three opened 600 ms before the drain, silent until then or with
    // part of a request sent. (A connection silent for the whole quiet period, 1 s, is closed with a
    // FIN before its client sends anything; HTTP clients then reconnect.)
    const t0 = Date.now() + 300
    const early = Promise.all([
      raw(t0, { openAt: -300, restAt: GRACE_MS + 300, split: 60, first: true, i: 84 }),
      raw(t0, { openAt: 400, restAt: GRACE_MS + 200, split: 0, i: 80 }),
      raw(t0, { openAt: 400, restAt: GRACE_MS + 250, split: 40, i: 81 }),
      raw(t0, { openAt: 400, restAt: GRACE_MS + 300, split: 90, i: 82 }),
    ])
    await sleep(t0 - Date.now())
    server.child.kill('SIGTERM')
    // 40 logins in the last 500 ms before the instance stops taking new work (GRACE_MS after
    // SIGTERM), and 40 in the 500 ms after: fetch reuses its keep-alive connections and opens new ones.
    const schedule = Array.from({ length: 80 }, (_, i) => GRACE_MS - 500 + i * 12.5)
    const loaded = Promise.all(
      schedule.map(async (at, i) => {
        await sleep(at - (Date.now() - t0))
        return login(i, at)
      }),
    )
    const [kept, load] = await Promise.all([early, loaded])
    const outcomes: Outcome[] = [...load, ...kept]
    expect(await server.exited).toBe(0)

    const logged = (prefix: string) => {
      for (const l of server!.logs) {
        try {
          const entry = JSON.parse(l) as { msg?: string; time?: string }
          if (entry.msg?.startsWith(prefix) && entry.time) return Date.parse(entry.time)
        } catch {
          // not a JSON line
        }
      }
      return Number.NaN
    }
    // When the instance stopped taking new work, and when its listener closed, as it logged them.
    // (Estimated, for a server that does not log them: the end of the grace period, and the exit.)
    const drainAt = logged('taking no new work') || t0 + GRACE_MS
    const closedAt = logged('listener closed') || logged('stopped')
    const before = outcomes.filter((o) => o.sent < drainAt)
    const during = outcomes.filter((o) => o.sent >= drainAt)
    console.log(
      `SIGTERM: sent in the 500 ms before the instance stopped taking new work: ${before.length} ${JSON.stringify(summarise(before))}; ` +
        `after: ${during.length} ${JSON.stringify(summarise(during))}; the listener closed ${closedAt - drainAt} ms after`,
    )
    // About 40 each side (fewer on one when this process or the server is starved of CPU).
    expect(before.filter((o) => o.sent >= drainAt - 500).length).toBeGreaterThanOrEqual(15)
    expect(during.length).toBeGreaterThanOrEqual(15)
    // Every request was answered: no reset, no refused connection.
    expect(outcomes.filter((o) => o.error !== undefined)).toEqual([])
    expect(closedAt).toBeGreaterThan(Math.max(...outcomes.map((o) => o.sent)))
    for (const o of outcomes) {
      // Every answer after SIGTERM tells the client to reconnect elsewhere.
      expect(o.connection, JSON.stringify(o)).toBe('close')
      if (o.status === 201) continue
      // A refusal is a problem document, never Fastify's own body.
      expect(o.status, JSON.stringify(o)).toBe(503)
      expect(o.contentType, JSON.stringify(o)).toMatch(/^application\/problem\+json/)
      expect(JSON.parse(o.body!).code).toBe('service_unavailable')
    }
    // A connection the instance accepted before the drain is served whatever it sends after it:
    // kept alive since a login answered before SIGTERM, or opened 600 ms before the drain.
    for (const o of kept) expect(o.status, JSON.stringify(o)).toBe(201)
    expect(kept[0]!.firstAnsweredAt).toBeLessThan(t0)
    // Logins sent in the last 500 ms before the drain are served unless their new connection was
    // accepted only after it (then refused like any new one): how many depends on how busy the
    // host is — most of them, all on a quiet one.
    const served = load.filter((o) => o.sent < drainAt && o.status === 201).length
    expect(served).toBeGreaterThanOrEqual(load.filter((o) => o.sent < drainAt).length / 2)
  }, 60_000)
})
