import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedAccounts } from '../../bench/lib/seed-accounts.js'
import { openPostgres } from '../../src/adapters/sql/database.js'
import { migrateToLatest } from '../../src/adapters/sql/migrate.js'
import { totpCodeAt } from '../../src/modules/mfa/totp.js'
import { expectCampaignsHandledOnce } from '../helpers/campaigns.js'
import { requestJson, runCli, type Started, startServer } from '../helpers/process.js'
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js'
import { chaosUnavailable, type Postgres, startPostgres } from './infra.js'
import { sleep } from './load.js'

/**
 * A campaign survives SIGKILL of one of two instances: both run `gatehouse serve` on one
 * PostgreSQL (of this suite's own); one is killed while a force_password_reset campaign is between
 * 20 % and 80 % done (a notify campaign runs beside it); the other finishes both, every account
 * handled exactly once, every notice mailed, and the audit chain verifies.
 */
const unavailable = chaosUnavailable()
const ACCOUNTS = 3000

describe.skipIf(unavailable !== null)('SIGKILL of one of two instances mid-campaign', () => {
  let pg: Postgres | undefined
  let smtp: SmtpSink | undefined
  const servers: Started[] = []
  let env: Record<string, string>
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-chaos-campaign-'))

  beforeAll(async () => {
    pg = await startPostgres()
    smtp = await startSmtpSink()
    env = {
      DATABASE_URL: pg.url,
      GATEHOUSE_PUBLIC_URL: 'https://id.example.test',
      GATEHOUSE_SMTP_URL: smtp.url,
      GATEHOUSE_SECRET_KEY: Buffer.alloc(32, 5).toString('base64'),
      GATEHOUSE_WORKER_INTERVAL_MS: '50',
      GATEHOUSE_WORKER_LEASE_SECONDS: '2',
      GATEHOUSE_CAMPAIGN_BATCH_SIZE: '50',
      GATEHOUSE_CAMPAIGN_NOTIFY_PER_SECOND: '4000',
      GATEHOUSE_GUARD: 'false',
      GATEHOUSE_DATA_DIR: dataDir,
    }
    const database = await openPostgres(pg.url, 2)
    const migrated = await migrateToLatest(database.db as never, database.dialect)
    if (migrated.error) throw migrated.error
    await seedAccounts(database.db, 'postgres', {
      count: ACCOUNTS,
      prefix: 'kill',
      now: Date.now(),
      sessions: true,
    })
    await database.close()
  }, 60_000)

  afterAll(async () => {
    for (const s of servers) if (s.child.exitCode === null) s.child.kill('SIGKILL')
    await smtp?.close()
    pg?.destroy()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('handles every account exactly once and mails every notice when one instance dies', async () => {
    const created = await runCli(
      ['admin', 'create', '--username', 'kill.admin', '--email', 'ops@example.org'],
      env,
    )
    expect(created.code, created.stderr).toBe(0)
    const password = /one-time password: (\S+)/.exec(created.stdout)![1]!
    const a = await startServer(env)
    const b = await startServer(env)
    servers.push(a, b)
    const login = await requestJson(a.baseUrl, 'POST', '/v1/sessions', { identifier: 'kill.admin', password })
    const token = login.json.token as string
    const changed = await requestJson(
      a.baseUrl,
      'POST',
      '/v1/me/password',
      { current_password: password, new_password: 'granite harbour 77 lantern' },
      token,
    )
    expect(changed.status).toBe(200)
    const enrol = await requestJson(a.baseUrl, 'POST', '/v1/mfa/totp', undefined, token)
    expect(
      (
        await requestJson(
          a.baseUrl,
          'POST',
          '/v1/mfa/totp/confirm',
          { code: totpCodeAt(enrol.json.secret, Date.now()) },
          token,
        )
      ).status,
    ).toBe(200)

    const selector = { kind: 'saved', name: 'all_users' }
    const reset = await requestJson(
      a.baseUrl,
      'POST',
      '/v1/admin/campaigns',
      { selector, action: 'force_password_reset' },
      token,
    )
    expect(reset.status).toBe(201)
    const notify = await requestJson(
      a.baseUrl,
      'POST',
      '/v1/admin/campaigns',
      {
        selector,
        action: 'notify',
        params: { subject: 'Please reset your password', text: 'Hello {{username}}.' },
      },
      token,
    )
    expect(notify.status).toBe(201)

    let killedAt = -1
    const deadline = Date.now() + 30_000
    while (Date.now() < deadline) {
      const p = (
        await requestJson(b.baseUrl, 'GET', `/v1/admin/campaigns/${reset.json.id}`, undefined, token)
      ).json.progress
      const share = p.done / p.total
      if (share >= 0.2 && share <= 0.8) {
        a.child.kill('SIGKILL')
        killedAt = share
        break
      }
      if (share > 0.8) break
      await sleep(10)
    }
    expect(killedAt, 'instance a was killed between 20 % and 80 %').toBeGreaterThanOrEqual(0.2)
    await a.exited

    let statuses: string[] = []
    const finished = Date.now() + 60_000
    while (Date.now() < finished) {
      statuses = await Promise.all(
        [reset.json.id, notify.json.id].map(
          async (id) =>
            (await requestJson(b.baseUrl, 'GET', `/v1/admin/campaigns/${id}`, undefined, token)).json.status,
        ),
      )
      if (statuses.every((s) => s === 'completed')) break
      await sleep(100)
    }
    expect(statuses).toEqual(['completed', 'completed'])
    // Every notice is mailed (delivery is at least once: a send whose outcome a killed instance did
    // not record is sent again by the other, with the same Message-ID).
    const mailedTo = () =>
      new Set(smtp!.messages.filter((m) => m.subject.includes('reset')).flatMap((m) => m.to))
    const until = Date.now() + 60_000
    while (mailedTo().size < ACCOUNTS && Date.now() < until) await sleep(200)
    b.child.kill('SIGTERM')
    expect(await b.exited).toBe(0)

    const database = await openPostgres(pg!.url, 2)
    try {
      await expectCampaignsHandledOnce(
        database.db,
        [reset.json.id as string, notify.json.id as string],
        ACCOUNTS,
      )
    } finally {
      await database.close()
    }
    const mails = smtp!.messages.filter((m) => m.subject.includes('reset'))
    const ids = new Map<string, Set<string | undefined>>()
    for (const m of mails) for (const to of m.to) ids.set(to, (ids.get(to) ?? new Set()).add(m.messageId))
    console.log(
      `Campaign: instance killed at ${Math.round(killedAt * 100)} %; ${ACCOUNTS} of ${ACCOUNTS} accounts handled once; ` +
        `${mailedTo().size} of ${ACCOUNTS} notices mailed, ${mails.length - mailedTo().size} sent twice (same Message-ID)`,
    )
    expect(mailedTo().size).toBe(ACCOUNTS)
    for (const [to, set] of ids) expect(set.size, to).toBe(1)
    const verified = await runCli(['audit', 'verify'], env)
    expect(verified.code, verified.stderr).toBe(0)
    expect(verified.stdout).toMatch(/audit log intact/)
  }, 150_000)
})
