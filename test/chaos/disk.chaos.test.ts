import { afterAll, describe, expect, it } from 'vitest'
import { LEVEL } from '../helpers/logs.js'
import { runCli } from '../helpers/process.js'
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js'
import { type Running, request, startInProcess } from './app.js'
import { chaosUnavailable, mountTmpfs, type SmallVolume } from './infra.js'
import { type Outcome, sleep, summarise } from './load.js'

/**
 * A full disk under SQLite, on a small tmpfs of its own: start-up on a full volume stops with one
 * line; running low is a readiness failure and a metric before it is an error; a full volume is
 * `503 service_unavailable` (never a 500, and the log names SQLITE_FULL, not "cannot rollback");
 * once there is room again the instance is ready again without a restart, and every mail whose
 * request was accepted is delivered.
 */
const unavailable = chaosUnavailable()
const MiB = 1024 * 1024

describe.skipIf(unavailable !== null)('a full disk under SQLite', () => {
  const volumes: SmallVolume[] = []
  let smtp: SmtpSink | undefined
  let gh: Running | undefined

  afterAll(async () => {
    await gh?.close().catch(() => {})
    await smtp?.close()
    for (const v of volumes) v.destroy()
  })

  it('refuses to start on a full volume with one line', async () => {
    const volume = mountTmpfs(8)
    volumes.push(volume)
    volume.fill(1 * MiB)
    const started = await runCli(['serve'], {
      GATEHOUSE_DATA_DIR: volume.dir,
      GATEHOUSE_PORT: '0',
      GATEHOUSE_METRICS_PORT: 'off',
    })
    expect(started.code).toBe(1)
    expect(started.stderr.trim().split('\n')).toHaveLength(1)
    expect(started.stderr).toMatch(/has less than 4 MiB free \(ENOSPC\)/)
  })

  it('is not ready when low, answers 503 when full, and recovers without a restart', async () => {
    const volume = mountTmpfs(64)
    volumes.push(volume)
    smtp = await startSmtpSink()
    gh = await startInProcess(
      {
        GATEHOUSE_SMTP_URL: smtp.url,
        GATEHOUSE_DISK_MIN_FREE_MB: '16',
        GATEHOUSE_READY_TIMEOUT_MS: '1000',
        GATEHOUSE_SIGNUP_LIMIT_IP: '100000/60',
        GATEHOUSE_SIGNUP_LIMIT_SUBNET: '100000/60',
        GATEHOUSE_SIGNUP_LIMIT_GLOBAL: '100000/60',
      },
      { dataDir: volume.dir },
    )
    const base = gh.baseUrl
    let n = 0
    const signUp = () => {
      const i = n++
      return request(base, 'POST', '/v1/accounts', {
        username: `disk_user_${i}`,
        email: `disk.user.${i}@example.org`,
        password: `saffron meadow ${i} lantern`,
      }).then((o) => ({ ...o, email: `disk.user.${i}@example.org` }))
    }
    const ready = () => request(base, 'GET', '/readyz')
    const phases: Record<string, Array<Outcome & { email: string }>> = {}
    const run = async (phase: string, count: number) => {
      phases[phase] = []
      for (let i = 0; i < count; i++) phases[phase].push(await signUp())
    }

    await run('room', 10)
    const roomReady = await ready()
    expect(roomReady.status).toBe(200)
    expect(JSON.parse(roomReady.body!).checks.disk).toBe('ok')

    // Low: below GATEHOUSE_DISK_MIN_FREE_MB, writes still work. The relay refuses mail from now on
    // until the disk has room again: what is accepted meanwhile waits in the outbox through it.
    smtp.failNext(100_000)
    volume.fill(10 * MiB)
    const lowReady = await ready()
    await run('low', 10)
    const free = Number(
      /gatehouse_data_dir_free_bytes (\d+)/.exec(await gh.app.metrics.registry.metrics())?.[1],
    )

    // Full.
    volume.fill(0)
    await run('full', 40)
    const fullReady = await ready()

    // Room again, and the relay takes mail.
    volume.free()
    smtp.failNext(0)
    const until = Date.now() + 10_000
    let backReady = await ready()
    while (backReady.status !== 200 && Date.now() < until) {
      await sleep(200)
      backReady = await ready()
    }
    await run('freed', 10)

    const report = Object.fromEntries(Object.entries(phases).map(([p, o]) => [p, summarise(o)]))
    console.log(
      `Disk: sign-ups ${JSON.stringify(report)}; /readyz low ${lowReady.status} ${lowReady.body}, ` +
        `full ${fullReady.status}, freed ${backReady.status}; free bytes when low ${free}`,
    )
    expect(lowReady.status).toBe(503)
    expect(JSON.parse(lowReady.body!)).toMatchObject({ code: 'not_ready', checks: { disk: 'low' } })
    expect(free).toBeLessThan(16 * MiB)
    expect(phases.low!.every((o) => o.status === 202)).toBe(true)
    for (const o of phases.full!) {
      if (o.status === 202) continue
      expect(o.status, JSON.stringify(o)).toBe(503)
      expect(o.body).toMatch(/"code":"service_unavailable"/)
    }
    expect(phases.full!.filter((o) => o.status === 503).length).toBeGreaterThan(0)
    expect(fullReady.status).toBe(503)
    expect(backReady.status).toBe(200)
    expect(phases.freed!.every((o) => o.status === 202)).toBe(true)
    const text = JSON.stringify(gh.logs)
    expect(text).not.toMatch(/cannot rollback|request failed|unhandled error/)
    const errors = gh.logs.filter((l) => l.level >= LEVEL.error)
    // The outages of the disk and of the relay (refusing meanwhile), nothing else.
    expect(errors.map((l) => l.dependency).sort(), JSON.stringify(errors)).toEqual(['disk', 'smtp'])

    // Every mail whose sign-up was accepted is delivered (at least once: a send whose outcome could
    // not be recorded on the full disk is sent again, with the same Message-ID).
    const accepted = Object.values(phases)
      .flat()
      .filter((o) => o.status === 202)
      .map((o) => o.email)
    const deadline = Date.now() + 20_000
    const mailedTo = () => new Set(smtp!.messages.flatMap((m) => m.to))
    while (!accepted.every((a) => mailedTo().has(a)) && Date.now() < deadline) await sleep(100)
    const mailed = smtp.messages.flatMap((m) => m.to)
    const twice = mailed.length - new Set(mailed).size
    const ids = new Map<string, Set<string | undefined>>()
    for (const m of smtp.messages)
      for (const to of m.to) ids.set(to, (ids.get(to) ?? new Set()).add(m.messageId))
    console.log(
      `Disk: ${accepted.filter((a) => mailedTo().has(a)).length} of ${accepted.length} accepted mails delivered; ${twice} sent twice`,
    )
    expect(accepted.filter((a) => !mailedTo().has(a))).toEqual([])
    for (const [to, set] of ids) expect(set.size, to).toBe(1)
  }, 90_000)
})
