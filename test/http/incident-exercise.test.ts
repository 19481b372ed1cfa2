import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedAccounts } from '../../bench/lib/seed-accounts.js'
import { api, type Body, problem, rawBody } from '../helpers/api.js'
import { databaseKinds } from '../helpers/databases.js'
import {
  adminSession,
  call,
  createTestServer,
  freshUser,
  signUpAndLogin,
  type TestServer,
} from '../helpers/server.js'

/*
 * The incident exercise, end to end over the admin API: a 100,000-row leak is imported and matched,
 * the exposed accounts are force-reset and notified, external access is reviewed and a key revoked,
 * the audit chain verifies, and the report tells what happened — on SQLite and PostgreSQL.
 */

const SEEDED = 1000
const ROWS = 100_000

describe.each(databaseKinds())('incident exercise on %s', (kind) => {
  let server: TestServer
  let admin: string
  let adminId: string
  const users: Array<Awaited<ReturnType<typeof signUpAndLogin>>> = []

  beforeAll(async () => {
    server = await createTestServer(kind, { GATEHOUSE_CAMPAIGN_NOTIFY_PER_SECOND: '100000' })
    admin = await adminSession(server)
    adminId = (await api(server, { token: admin }).GET('/v1/sessions/current')).data!.account.id
    await seedAccounts(server.app.database.db, kind, {
      count: SEEDED,
      prefix: 'ex',
      now: server.clock.now(),
      sessions: true,
    })
    for (let i = 0; i < 3; i++) users.push(await signUpAndLogin(server, freshUser('victim')))
  }, 120_000)
  afterAll(async () => {
    await server?.close()
  })

  /** The leak: every seeded account by email (half of them upper-cased) or by username, the three
   * users by email, rows about nobody, and rows with the wrong number of columns. */
  const leak = (): { csv: string; broken: number } => {
    const lines = ['username,email,phone,city']
    let broken = 0
    for (let i = 0; i < ROWS; i++) {
      if (i < SEEDED) {
        const email = `seed_ex_${i}@example.org`
        lines.push(
          i % 3 === 0
            ? `seed_ex_${i},,,Lyon`
            : `,${i % 2 ? email.toUpperCase() : email},,${i % 5 === 0 ? 'Porto' : ''}`,
        )
      } else if (i < SEEDED + users.length) {
        lines.push(`,${users[i - SEEDED]!.user.email},,Oslo`)
      } else if (i % 10_000 === 7) {
        lines.push('only,two')
        broken++
      } else {
        lines.push(`someone${i},someone${i}@elsewhere.example,,Nowhere`)
      }
    }
    return { csv: `${lines.join('\n')}\n`, broken }
  }

  /** Runs the campaign worker until nothing is left (notices are paced: time moves on between batches), then delivers. */
  const run = async () => {
    for (let i = 0; i < 5; i++) {
      await server.app.workers.campaigns.drain()
      server.clock.advance(1000)
    }
    await server.deliver()
  }

  it('imports a leak, forces resets, notifies, revokes external access, verifies the audit chain and reports', async () => {
    const exposedCount = SEEDED + users.length
    const asAdmin = api(server, { token: admin })
    const startCampaign = (body: Body<'/v1/admin/campaigns', 'post'>) =>
      asAdmin.POST('/v1/admin/campaigns', { body })

    // 1. The incident.
    const created = await asAdmin.POST('/v1/admin/incidents', {
      body: {
        title: 'Partner export of user records',
        summary: 'A partner integration exported usernames, emails and cities of users.',
        severity: 'high',
        risks: '- Phishing that looks like password-reset mail\n- Credential stuffing',
      },
    })
    expect(created.response.status, rawBody(created.response)).toBe(201)
    const incident = created.data!.id

    // 2. The leak: 100,000 rows streamed, matched by email (any case) and username.
    const { csv, broken } = leak()
    // Raw: a CSV upload.
    const imported = await call(
      server,
      'POST',
      `/v1/admin/incidents/${incident}/imports?format=csv&username=username&email=email&phone=phone&location=city&source_name=partner-export.csv`,
      { token: admin, rawBody: csv, headers: { 'content-type': 'text/csv' } },
    )
    expect(imported.status, imported.body).toBe(201)
    expect(imported.json).toMatchObject({
      status: 'done',
      rows_read: ROWS,
      rows_unparseable: broken,
      accounts_matched: exposedCount,
    })
    const exposures = await asAdmin.GET('/v1/admin/incidents/{id}/exposures', {
      params: { path: { id: incident }, query: { limit: 5 } },
    })
    expect(exposures.data!.total).toBe(exposedCount)

    // 3. Force resets, after a dry run that counts them.
    const selector = { kind: 'incident' as const, incident_id: incident }
    const dry = await startCampaign({
      incident_id: incident,
      selector,
      action: 'force_password_reset',
      dry_run: true,
    })
    expect(dry.response.status, rawBody(dry.response)).toBe(200)
    expect(dry.data).toMatchObject({
      selected: exposedCount,
      effects: { accounts_reset_required: exposedCount },
    })
    const reset = await startCampaign({ incident_id: incident, selector, action: 'force_password_reset' })
    expect(reset.response.status, rawBody(reset.response)).toBe(201)
    if (!reset.data || !('id' in reset.data)) throw new Error('the reset campaign was not created')
    await run()
    const resetDone = await asAdmin.GET('/v1/admin/campaigns/{id}', {
      params: { path: { id: reset.data.id } },
    })
    expect(resetDone.data).toMatchObject({
      status: 'completed',
      progress: { total: exposedCount, done: exposedCount, failed: 0 },
    })
    for (const u of users) {
      expect((await call(server, 'GET', '/v1/sessions/current', { token: u.token })).status).toBe(401)
      const login = await api(server).POST('/v1/sessions', {
        body: { identifier: u.user.username, password: u.user.password },
      })
      expect(login.response.status).toBe(403)
      expect(problem(login.error).code).toBe('password_reset_required')
    }

    // 4. Tell them, once each.
    server.smtp.clear()
    const notify = await startCampaign({
      incident_id: incident,
      selector,
      action: 'notify',
      params: {
        subject: 'Your account and a partner data export',
        text: 'Hello {{username}},\n\nA partner exported your username and email. Please set a new password.',
      },
    })
    expect(notify.response.status, rawBody(notify.response)).toBe(201)
    await run()
    const notices = server.smtp.messages.filter((m) => /partner data export/.test(m.subject))
    expect(notices).toHaveLength(exposedCount)
    for (const u of users) expect(notices.filter((m) => m.to.includes(u.user.email))).toHaveLength(1)

    // 5. External access: a never-expiring wildcard key is flagged, then revoked in bulk.
    const client = await asAdmin.POST('/v1/admin/clients', {
      body: { name: 'Partner integration', owner_account_id: adminId },
    })
    expect(client.response.status, rawBody(client.response)).toBe(201)
    const issued = await asAdmin.POST('/v1/admin/clients/{id}/keys', {
      params: { path: { id: client.data!.id } },
      body: { scopes: ['*'], expires_in_days: null },
    })
    expect(issued.response.status, rawBody(issued.response)).toBe(201)
    const key = issued.data!
    const auditAsKey = () =>
      api(server, { token: key.key }).GET('/v1/admin/audit', { params: { query: { limit: 1 } } })
    expect((await auditAsKey()).response.status).toBe(200)
    const review = (await asAdmin.GET('/v1/admin/access-review')).data!
    const entry = review.principals.find((p) => p.principal_id === key.principal_id)
    expect(entry?.flags).toEqual(expect.arrayContaining(['wildcard_scope', 'never_expires']))
    // Raw: a CSV answer.
    const csvReview = await call(server, 'GET', '/v1/admin/access-review?format=csv', { token: admin })
    expect(csvReview.headers['content-type']).toMatch(/^text\/csv/)
    expect(csvReview.body).toContain(key.principal_id)
    const revoked = await asAdmin.POST('/v1/admin/access-review/revoke', {
      body: { principal_ids: [key.principal_id] },
    })
    expect(revoked.data!.results).toEqual([{ principal_id: key.principal_id, outcome: 'revoked' }])
    expect((await auditAsKey()).response.status).toBe(401)

    // 6. Close the incident; the audit chain verifies.
    const path = { params: { path: { id: incident } } }
    expect((await asAdmin.POST('/v1/admin/incidents/{id}/close', path)).response.status).toBe(200)
    const verified = (await asAdmin.GET('/v1/admin/audit/verify')).data!
    expect(verified).toMatchObject({ ok: true, first_broken: null })

    // 7. The timeline and the report.
    const timeline = (await asAdmin.GET('/v1/admin/incidents/{id}/timeline', path)).data!
    const kinds = timeline.entries.map((e) => e.kind)
    expect(kinds).toEqual(
      expect.arrayContaining([
        'incident.create',
        'import.started',
        'import.finished',
        'campaign.create',
        'campaign.completed',
        'incident.close',
      ]),
    )

    // Raw: the report declares no answer schema (it is Markdown or JSON by its format).
    const report = await call(server, 'GET', `/v1/admin/incidents/${incident}/report?format=json`, {
      token: admin,
    })
    expect(report.status, report.body).toBe(200)
    expect(report.json.incident).toMatchObject({ id: incident, status: 'closed', severity: 'high' })
    expect(report.json.fast_facts).toEqual({
      accounts_exposed: exposedCount,
      fields_exposed: {
        username: Math.ceil(SEEDED / 3),
        email: SEEDED - Math.ceil(SEEDED / 3) + users.length,
        phone: 0,
        location: expect.any(Number),
      },
      sessions_revoked: exposedCount,
      resets_forced: exposedCount,
      messages_sent: exposedCount,
      messages_queued: 0,
      exposed_without_second_factor: exposedCount,
    })
    expect(report.json.risks).toEqual(['Phishing that looks like password-reset mail', 'Credential stuffing'])
    expect(
      report.json.campaigns.map((c: { action: string; status: string }) => [c.action, c.status]),
    ).toEqual([
      ['force_password_reset', 'completed'],
      ['notify', 'completed'],
    ])
    const actions = (report.json.actions_taken as Array<{ action: string }>).map((a) => a.action)
    expect(actions).toEqual(
      expect.arrayContaining(['incident.create', 'incident.import', 'campaign.create', 'incident.close']),
    )
    expect(report.json.open_items).toEqual([
      `${exposedCount} exposed accounts have no second factor and none was required`,
      `Import ${imported.json.id} (partner-export.csv) had ${broken} rows that could not be parsed`,
    ])
    expect(report.json.audit_chain).toMatchObject({ verified: true, head: verified.head })

    const md = await call(server, 'GET', `/v1/admin/incidents/${incident}/report`, { token: admin })
    expect(md.status).toBe(200)
    expect(md.headers['content-type']).toMatch(/^text\/markdown/)
    expect(md.headers['content-disposition']).toMatch(/^attachment; filename="incident-.*-report\.md"$/)
    expect(md.body).toContain('# Incident report: Partner export of user records')
    expect(md.body).toContain(`| Accounts exposed | ${exposedCount} |`)
    expect(md.body).toContain(`| Password resets forced | ${exposedCount} |`)

    // Exporting the report is itself on the record, and the chain still holds.
    const last = (await asAdmin.GET('/v1/admin/audit', { params: { query: { limit: 1 } } })).data!
    expect(last.entries[0]).toMatchObject({ action: 'incident.report', target: `incident:${incident}` })
    expect((await asAdmin.GET('/v1/admin/audit/verify')).data!.ok).toBe(true)
  }, 240_000)

  it('answers a report for no such incident with 404, and keeps auditors to reading it', async () => {
    const missing = await call(server, 'GET', '/v1/admin/incidents/nope/report', { token: admin })
    expect(missing.status).toBe(404)
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/)
    const bad = await call(server, 'GET', '/v1/admin/incidents/nope/report?format=pdf', { token: admin })
    expect(bad.status).toBe(400)
    const user = await signUpAndLogin(server, freshUser('bystander'))
    const asUser = await call(server, 'GET', '/v1/admin/incidents/nope/report', { token: user.token })
    expect(asUser.status).toBe(403)
    expect(problem(asUser.json).code).toBe('admin_required')
    expect((await call(server, 'GET', '/v1/admin/incidents/nope/report')).status).toBe(401)
  })
})
