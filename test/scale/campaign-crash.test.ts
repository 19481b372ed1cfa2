import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedAccounts } from '../../bench/lib/seed-accounts.js'
import { totpCodeAt } from '../../src/modules/mfa/totp.js'
import { countOf, expectCampaignsHandledOnce } from '../helpers/campaigns.js'
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases.js'
import { requestJson, runCli, type Started, startServer } from '../helpers/process.js'

const ACCOUNTS = 20_000

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * A campaign survives SIGKILL: `gatehouse serve` is killed while a force_password_reset campaign
 * over 20,000 accounts is between 20 % and 80 % done (a notify campaign runs beside it), then
 * started again; both complete and every account was handled exactly once.
 */
describe.each(databaseKinds())('campaigns across a crash on %s', (kind) => {
  let db: TestDatabase
  let server: Started | undefined
  let env: Record<string, string>

  beforeAll(async () => {
    db = await createTestDatabase(kind)
    env = {
      GATEHOUSE_DATA_DIR: db.dataDir,
      GATEHOUSE_PUBLIC_URL: 'https://id.example.test',
      // Nothing listens there: the notices stay queued (this test counts them, it does not read them).
      GATEHOUSE_SMTP_URL: 'smtp://127.0.0.1:9',
      GATEHOUSE_WORKER_INTERVAL_MS: '50',
      GATEHOUSE_CAMPAIGN_BATCH_SIZE: '100',
      GATEHOUSE_CAMPAIGN_NOTIFY_PER_SECOND: '4000',
      GATEHOUSE_GUARD: 'false',
      ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : {}),
    }
    const database = await db.open()
    await seedAccounts(database.db, kind, {
      count: ACCOUNTS,
      prefix: 'crash',
      now: Date.now(),
      sessions: true,
    })
    await database.close()
  }, 60_000)
  afterAll(async () => {
    if (server && server.child.exitCode === null) server.child.kill('SIGKILL')
    await db?.drop()
  })

  it('handles every account exactly once when the process dies mid-campaign', async () => {
    const created = await runCli(
      ['admin', 'create', '--username', 'crash.admin', '--email', 'ops@example.org'],
      env,
    )
    expect(created.code).toBe(0)
    const password = /one-time password: (\S+)/.exec(created.stdout)![1]!
    server = await startServer(env)
    const base = server.baseUrl
    const login = await requestJson(base, 'POST', '/v1/sessions', { identifier: 'crash.admin', password })
    const token = login.json.token as string
    expect(
      (
        await requestJson(
          base,
          'POST',
          '/v1/me/password',
          { current_password: password, new_password: 'granite harbour 77 lantern' },
          token,
        )
      ).status,
    ).toBe(200)
    const enrol = await requestJson(base, 'POST', '/v1/mfa/totp', undefined, token)
    const code = totpCodeAt(enrol.json.secret, Date.now())
    expect((await requestJson(base, 'POST', '/v1/mfa/totp/confirm', { code }, token)).status).toBe(200)

    const selector = { kind: 'saved', name: 'all_users' }
    const reset = await requestJson(
      base,
      'POST',
      '/v1/admin/campaigns',
      { selector, action: 'force_password_reset' },
      token,
    )
    expect(reset.status).toBe(201)
    expect(reset.json.progress.total).toBe(ACCOUNTS)
    const notify = await requestJson(
      base,
      'POST',
      '/v1/admin/campaigns',
      {
        selector,
        action: 'notify',
        params: {
          subject: 'Please reset your password',
          text: 'Hello {{username}}, please reset your password.',
        },
      },
      token,
    )
    expect(notify.status).toBe(201)

    // Kill when the reset is between 20 % and 80 % done.
    let killedAt = -1
    const deadline = Date.now() + 30_000
    while (Date.now() < deadline) {
      const p = (await requestJson(base, 'GET', `/v1/admin/campaigns/${reset.json.id}`, undefined, token))
        .json.progress
      const share = p.done / p.total
      if (share >= 0.2 && share <= 0.8) {
        server.child.kill('SIGKILL')
        killedAt = share
        break
      }
      if (share > 0.8) break
      await sleep(20)
    }
    expect(killedAt, 'the process was killed between 20 % and 80 %').toBeGreaterThanOrEqual(0.2)
    await server.exited

    server = await startServer(env)
    const after = server.baseUrl
    const finished = Date.now() + 45_000
    let statuses: string[] = []
    while (Date.now() < finished) {
      statuses = await Promise.all(
        [reset.json.id, notify.json.id].map(
          async (id) =>
            (await requestJson(after, 'GET', `/v1/admin/campaigns/${id}`, undefined, token)).json.status,
        ),
      )
      if (statuses.every((s) => s === 'completed')) break
      await sleep(200)
    }
    expect(statuses).toEqual(['completed', 'completed'])
    server.child.kill('SIGTERM')
    await server.exited

    // The CLI reads the same progress (and --follow ends at once for a finished campaign).
    const status = await runCli(['incident', 'campaign', 'status', reset.json.id, '--follow'], env)
    expect(status.code).toBe(0)
    expect(status.stdout).toContain(
      `${reset.json.id} force_password_reset completed: ${ACCOUNTS}/${ACCOUNTS} done, 0 skipped, 0 failed`,
    )
    const dry = await runCli(
      [
        'incident',
        'campaign',
        'create',
        '--action',
        'force_password_reset',
        '--selector',
        'saved:all_users',
        '--dry-run',
      ],
      env,
    )
    expect(dry.stdout).toContain(`dry run: ${ACCOUNTS} accounts selected; nothing was created`)
    expect(dry.stdout).toContain(`accounts_already_required: ${ACCOUNTS}`)

    const database = await db.open()
    try {
      const one = (q: ReturnType<typeof sql<{ n: number }>>) => countOf(database.db, q)
      const ids = [reset.json.id as string, notify.json.id as string]
      await expectCampaignsHandledOnce(database.db, ids, ACCOUNTS)
      for (const id of ids) {
        expect(
          await one(
            sql`select count(*) as n from audit_log where action = 'campaign.complete' and target = ${`campaign:${id}`}`,
          ),
        ).toBe(1)
      }
      expect(
        await one(
          sql`select count(*) as n from accounts where role = 'user' and password_reset_required_at is not null`,
        ),
      ).toBe(ACCOUNTS)
      expect(await one(sql`select count(*) as n from accounts where role = 'user'`)).toBe(ACCOUNTS)
      expect(
        await one(
          sql`select count(*) as n from sessions s join accounts a on a.id = s.account_id where a.role = 'user' and s.revoked_at is null`,
        ),
      ).toBe(0)
      for (const type of ['campaign_password_reset_forced', 'campaign_notice_queued']) {
        expect(
          await one(sql`select count(distinct account_id) as n from security_events where type = ${type}`),
        ).toBe(ACCOUNTS)
      }
      expect(
        await one(sql`select count(distinct account_id) as n from outbox where template = 'campaign_notice'`),
      ).toBe(ACCOUNTS)
    } finally {
      await database.close()
    }
  }, 120_000)
})
