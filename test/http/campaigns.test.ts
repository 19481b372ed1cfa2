import { sql } from 'kysely'
import pino from 'pino'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { seedAccounts } from '../../bench/lib/seed-accounts.js'
import { createApp } from '../../src/app.js'
import { api, problem } from '../helpers/api.js'
import { databaseKinds } from '../helpers/databases.js'
import {
  adminSession,
  call,
  createTestServer,
  type freshUser,
  signUpAndLogin,
  type TestServer,
} from '../helpers/server.js'
import { isStrictMessageId } from '../helpers/smtp-sink.js'

/** Campaigns over the admin API: dry runs, each action's effect, idempotent notices, pause/resume/cancel. */
describe.each(databaseKinds())('campaigns on %s', (kind) => {
  let server: TestServer
  let admin: string
  /** Exposed in incident `inc-1`: the first two with their email, the other two by username only. */
  const exposed: Array<{ id: string; user: ReturnType<typeof freshUser>; token: string }> = []

  beforeAll(async () => {
    server = await createTestServer(kind, {
      GATEHOUSE_CAMPAIGN_BATCH_SIZE: '3',
      GATEHOUSE_CAMPAIGN_NOTIFY_PER_SECOND: '1000',
    })
    admin = await adminSession(server)
    const db = server.app.database.db
    const now = server.clock.now()
    await db
      .insertInto('incidents')
      .values({
        id: 'inc-1',
        title: 'Partner CRM leak',
        summary: 'A partner lost a customer export',
        severity: 'high',
        status: 'open',
        risks: '',
        mitigations: '',
        created_by: 'test',
        created_at: now,
        updated_at: now,
        closed_at: null,
      })
      .execute()
    for (let i = 0; i < 4; i++) {
      const { user, token } = await signUpAndLogin(server)
      const account = (await server.app.store.accounts.findByUsername(user.username))!
      exposed.push({ id: account.id, user, token })
      await db
        .insertInto('incident_exposures')
        .values({
          incident_id: 'inc-1',
          account_id: account.id,
          fields: i < 2 ? 'email,username' : 'username',
          rows: 1,
          first_import_id: 'imp-1',
          last_import_id: 'imp-1',
          first_seen_at: now,
        })
        .execute()
    }
  })
  afterAll(async () => {
    await server?.close()
  })
  // Every mail of these tests (campaign notices among them) carries an RFC 5322 Message-ID.
  afterEach(() => {
    for (const m of server.smtp.messages) expect(isStrictMessageId(m.messageId), m.messageId).toBe(true)
  })

  const create = (body: unknown, token = admin) =>
    call(server, 'POST', '/v1/admin/campaigns', { token, body })
  const asAdmin = () => api(server, { token: admin })
  const get = async (id: string) =>
    (await asAdmin().GET('/v1/admin/campaigns/{id}', { params: { path: { id } } })).data!
  const control = (id: string, verb: 'pause' | 'resume' | 'cancel') =>
    asAdmin().POST(`/v1/admin/campaigns/{id}/${verb}`, { params: { path: { id } } })
  const run = () => server.app.workers.campaigns.drain()
  const login = (identifier: string, password: string) =>
    call(server, 'POST', '/v1/sessions', { body: { identifier, password } })

  it('counts a dry run without creating anything', async () => {
    const all = await create({
      selector: { kind: 'incident', incident_id: 'inc-1' },
      action: 'force_password_reset',
      dry_run: true,
    })
    expect(all.status).toBe(200)
    expect(all.json).toEqual({
      dry_run: true,
      selected: 4,
      effects: {
        accounts_reset_required: 4,
        accounts_already_required: 0,
        sessions_revoked: 4,
        tokens_revoked: 0,
      },
    })
    const byEmail = await create({
      selector: { kind: 'incident', incident_id: 'inc-1', fields: ['email'] },
      action: 'revoke_sessions',
      dry_run: true,
    })
    expect(byEmail.json).toMatchObject({
      selected: 2,
      effects: { sessions_revoked: 2, accounts_with_sessions: 2 },
    })
    const mfa = await create({
      selector: { kind: 'saved', name: 'without_second_factor' },
      action: 'require_mfa_enrollment',
      dry_run: true,
    })
    // The four users; the administrator has a factor.
    expect(mfa.json.effects.accounts_without_factor).toBe(mfa.json.selected)
    expect(mfa.json.selected).toBeGreaterThanOrEqual(4)
    const list = await asAdmin().GET('/v1/admin/campaigns')
    expect(list.data!.campaigns).toEqual([])
  })

  it('forces a password reset: sessions end, the right password answers password_reset_required, recovery clears it', async () => {
    const res = await create({
      incident_id: 'inc-1',
      selector: { kind: 'incident', incident_id: 'inc-1', fields: ['email'] },
      action: 'force_password_reset',
    })
    expect(res.status).toBe(201)
    expect(res.json).toMatchObject({
      incident_id: 'inc-1',
      action: 'force_password_reset',
      status: 'running',
      progress: { total: 2, done: 0, failed: 0, skipped: 0, pending: 2 },
    })
    await run()
    const c = await get(res.json.id)
    expect(c.status).toBe('completed')
    expect(c.progress).toMatchObject({
      total: 2,
      done: 2,
      pending: 0,
      sessions_revoked: 2,
      eta_seconds: null,
    })
    expect(c.finished_at).not.toBeNull()

    const [a, b] = exposed
    expect((await call(server, 'GET', '/v1/sessions/current', { token: a!.token })).status).toBe(401)
    expect((await call(server, 'GET', '/v1/sessions/current', { token: b!.token })).status).toBe(401)
    // Untouched: exposed by username only.
    expect((await call(server, 'GET', '/v1/sessions/current', { token: exposed[2]!.token })).status).toBe(200)

    const wrong = await login(a!.user.username, 'not the password at all 42')
    const nobody = await login(`nobody${Date.now()}`, 'not the password at all 42')
    expect(wrong.status).toBe(401)
    expect(wrong.json.code).toBe('invalid_credentials')
    expect({ ...wrong.json, request_id: null, instance: null }).toEqual({
      ...nobody.json,
      request_id: null,
      instance: null,
    })
    const right = await login(a!.user.username, a!.user.password)
    expect(right.status).toBe(403)
    expect(right.json.code).toBe('password_reset_required')
    expect(right.json.detail).toContain('POST /v1/recovery')
    expect(right.json.token).toBeUndefined()

    const events = await server.app.store.events.search({ type: 'campaign_password_reset_forced' }, 10)
    expect(events.map((e) => e.accountId).sort()).toEqual([a!.id, b!.id].sort())
    expect(events[0]!.details).toEqual({ campaign_id: res.json.id, incident_id: 'inc-1' })

    // Recovery sets a new password and clears the state.
    server.smtp.clear()
    expect(
      (await call(server, 'POST', '/v1/recovery', { body: { identifier: a!.user.username } })).status,
    ).toBe(202)
    await server.deliver()
    const mail = await server.smtp.waitFor((m) => m.to.includes(a!.user.email) && /reset/i.test(m.subject))
    const newPassword = 'cobalt meadow 58 thistle'
    const done = await call(server, 'POST', '/v1/recovery/complete', {
      body: { token: server.smtp.tokenFrom(mail), password: newPassword },
    })
    expect(done.status).toBe(200)
    const after = await login(a!.user.username, newPassword)
    expect(after.status).toBe(201)
    a!.user.password = newPassword
    a!.token = after.json.token
    // The other one is still under the reset.
    expect((await login(b!.user.username, b!.user.password)).json.code).toBe('password_reset_required')

    const audit = await server.app.database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('target', '=', `campaign:${res.json.id}`)
      .orderBy('seq')
      .execute()
    expect(audit.map((e) => [e.action, e.actor.split(':')[0]])).toEqual([
      ['campaign.create', 'account'],
      ['campaign.complete', 'system'],
    ])
    expect(JSON.parse(audit[1]!.details)).toMatchObject({ incident_id: 'inc-1', total: 2, done: 2 })
  })

  it('notifies once per account and message, however often the notice runs', async () => {
    const targets = [exposed[2]!, exposed[3]!]
    const body = {
      incident_id: 'inc-1',
      selector: { kind: 'accounts', ids: targets.map((t) => t.id) },
      action: 'notify',
      params: {
        subject: 'About the partner data leak',
        text: 'Hello {{username}},\n\nA partner lost data that included your username.\n\nNo password was exposed.',
      },
    }
    const dry = await create({ ...body, dry_run: true })
    expect(dry.json.effects).toEqual({
      messages_queued: 2,
      accounts_already_notified: 0,
      accounts_unreachable: 0,
    })
    server.smtp.clear()
    const first = await create(body)
    expect(first.status).toBe(201)
    await run()
    expect((await get(first.json.id)).progress).toMatchObject({ done: 2, skipped: 0 })
    await server.deliver()
    const mail = await server.smtp.waitFor((m) => m.to.includes(targets[0]!.user.email))
    expect(mail.subject).toBe('About the partner data leak')
    expect(mail.text).toContain(`Hello ${targets[0]!.user.username},`)
    expect(mail.text).toContain('No password was exposed.')

    const again = await create(body)
    await run()
    expect((await get(again.json.id)).progress).toMatchObject({ done: 0, skipped: 2 })
    expect((await create({ ...body, dry_run: true })).json.effects.accounts_already_notified).toBe(2)
    await server.deliver()
    for (const t of targets) {
      expect(server.smtp.messages.filter((m) => m.to.includes(t.user.email)).length).toBe(1)
    }
    const queued = await server.app.store.events.search({ type: 'campaign_notice_queued' }, 10)
    expect(queued.length).toBe(2)
    // The incident's summary (for its report): the forced resets before, and this notice.
    const summary = await server.app.services.campaigns.incidentSummary('inc-1')
    expect(summary).toMatchObject({ sessionsRevoked: 2, resetsForced: 2, messagesQueued: 2, messagesSent: 2 })
    expect(summary.campaigns.length).toBe(3)

    const bad = await create({ ...body, params: { ...body.params, text: 'Hi {{email}}' } })
    expect(bad.status).toBe(400)
    expect(bad.json.detail).toContain('{{email}}')
  })

  it('revokes sessions, requires MFA enrolment and sets the reset lock', async () => {
    const { user, token } = await signUpAndLogin(server)
    const id = (await server.app.store.accounts.findByUsername(user.username))!.id
    const one = async (action: string) => {
      const r = await create({ selector: { kind: 'accounts', ids: [id] }, action })
      expect(r.status).toBe(201)
      await run()
      expect((await get(r.json.id)).progress.done).toBe(1)
    }
    await one('revoke_sessions')
    expect((await call(server, 'GET', '/v1/sessions/current', { token })).status).toBe(401)

    await one('require_mfa_enrollment')
    const enrolOnly = await login(user.username, user.password)
    expect(enrolOnly.status).toBe(201)
    const current = await call(server, 'GET', '/v1/sessions/current', { token: enrolOnly.json.token })
    expect(current.json.account.mfa_enrolment_required).toBe(true)
    const blocked = await call(server, 'GET', '/v1/sessions', { token: enrolOnly.json.token })
    expect(blocked.status).toBe(403)
    expect(blocked.json.code).toBe('mfa_enrolment_required')
    expect((await call(server, 'POST', '/v1/mfa/totp', { token: enrolOnly.json.token })).status).toBe(201)

    await one('reset_lock')
    expect((await server.app.store.accounts.findById(id))!.resetLock).toBe(true)
    const types = (await server.app.store.events.listForAccount(id, 50)).map((e) => e.type)
    expect(types).toEqual(
      expect.arrayContaining([
        'campaign_sessions_revoked',
        'campaign_mfa_enrolment_required',
        'campaign_reset_lock_set',
      ]),
    )
  })

  it('pauses, resumes and cancels, and reports progress', async () => {
    const r = await create({ selector: { kind: 'saved', name: 'all_users' }, action: 'revoke_sessions' })
    expect(r.status).toBe(201)
    const id = r.json.id as string
    const total = r.json.progress.total as number
    expect(total).toBeGreaterThanOrEqual(5)
    await server.app.workers.campaigns.drainOnce({ maxBatches: 1 })
    const mid = await get(id)
    expect(mid.progress).toMatchObject({ total, done: 3, pending: total - 3, rate: 3 })
    expect(mid.progress.eta_seconds).toBe(Math.ceil((total - 3) / 3))

    const paused = await control(id, 'pause')
    expect(paused.response.status).toBe(200)
    expect(paused.data!.status).toBe('paused')
    expect(paused.data!.progress.eta_seconds).toBeNull()
    await run()
    expect((await get(id)).progress.done).toBe(3)

    expect((await control(id, 'resume')).data!.status).toBe('running')
    await run()
    const finished = await get(id)
    expect(finished).toMatchObject({ status: 'completed', progress: { done: total, pending: 0 } })
    expect(finished.progress.rate).toBeGreaterThan(0)
    // A finished campaign's rate is the one it finished at, however long ago that was.
    server.clock.advance(10 * 60_000)
    expect((await get(id)).progress.rate).toBe(finished.progress.rate)
    const late = await control(id, 'cancel')
    expect(late.response.status).toBe(409)
    expect(problem(late.error).code).toBe('campaign_finished')

    const c2 = await create({ selector: { kind: 'saved', name: 'all_users' }, action: 'reset_lock' })
    expect((await control(c2.json.id, 'cancel')).data!.status).toBe('cancelled')
    await run()
    expect((await get(c2.json.id)).progress.done).toBe(0)

    const byIncident = (
      await asAdmin().GET('/v1/admin/campaigns', { params: { query: { incident_id: 'inc-1' } } })
    ).data!.campaigns
    expect(byIncident.length).toBe(3)
    expect(byIncident.every((c) => c.incident_id === 'inc-1')).toBe(true)
    const actions = await server.app.database.db
      .selectFrom('audit_log')
      .select('action')
      .where('target', '=', `campaign:${id}`)
      .orderBy('seq')
      .execute()
    expect(actions.map((a) => a.action)).toEqual([
      'campaign.create',
      'campaign.pause',
      'campaign.resume',
      'campaign.complete',
    ])
    const metrics = await server.app.metrics.registry.metrics()
    expect(metrics).toMatch(/gatehouse_campaign_targets_total\{action="revoke_sessions",outcome="done"\} \d+/)
    expect(metrics).toContain(
      `gatehouse_campaign_progress_ratio{campaign_id="${id}",action="revoke_sessions"} 1`,
    )
  })

  it('keeps a campaign running while its completion cannot be audited, then completes it with one entry', async () => {
    const db = server.app.database.db
    // The audit log refuses the completion entry, as a crash between the two writes would lose it.
    if (kind === 'sqlite') {
      await sql`create trigger refuse_complete before insert on audit_log when new.action = 'campaign.complete'
        begin select raise(abort, 'audit refused'); end`.execute(db)
    } else {
      await sql`create function refuse_complete() returns trigger language plpgsql as $$
        begin if new.action = 'campaign.complete' then raise exception 'audit refused'; end if; return new; end $$`.execute(
        db,
      )
      await sql`create trigger refuse_complete before insert on audit_log
        for each row execute function refuse_complete()`.execute(db)
    }
    const c = await create({ selector: { kind: 'accounts', ids: [exposed[3]!.id] }, action: 'reset_lock' })
    expect(c.status).toBe(201)
    try {
      await expect(run()).rejects.toThrow(/audit refused/)
      // The target was handled, but the campaign is not completed without its entry.
      expect(await get(c.json.id)).toMatchObject({ status: 'running', progress: { done: 1, pending: 0 } })
    } finally {
      await sql`drop trigger refuse_complete${sql.raw(kind === 'sqlite' ? '' : ' on audit_log')}`.execute(db)
      if (kind === 'postgres') await sql`drop function refuse_complete()`.execute(db)
    }
    await run()
    expect(await get(c.json.id)).toMatchObject({ status: 'completed', progress: { done: 1, pending: 0 } })
    const completes = await db
      .selectFrom('audit_log')
      .select('seq')
      .where('action', '=', 'campaign.complete')
      .where('target', '=', `campaign:${c.json.id}`)
      .execute()
    expect(completes).toHaveLength(1)
    const verified = await asAdmin().GET('/v1/admin/audit/verify')
    expect(verified.data).toMatchObject({ ok: true, first_broken: null })
  })

  // Instances share one database on PostgreSQL (two SQLite connections in one process would wait on
  // each other's lock on one thread; the crash test covers SQLite across processes).
  it.runIf(kind === 'postgres')(
    'shares the batches of one campaign between two instances, each account handled once',
    async () => {
      await seedAccounts(server.app.database.db, kind, {
        count: 600,
        prefix: 'two',
        now: server.clock.now(),
        sessions: true,
      })
      const second = await createApp(server.app.config, {
        clock: server.clock,
        logger: pino({ level: 'silent' }),
        database: await server.db.open(),
        manualWorkers: true,
      })
      try {
        const r = await create({
          selector: { kind: 'saved', name: 'all_users' },
          action: 'force_password_reset',
        })
        const id = r.json.id as string
        const total = r.json.progress.total as number
        expect(total).toBeGreaterThanOrEqual(600)
        await Promise.all([run(), second.workers.campaigns.drain()])
        const c = await get(id)
        expect(c.status).toBe('completed')
        expect(c.progress).toMatchObject({ total, done: total, skipped: 0, failed: 0 })
        const db = server.app.database.db
        const events = await db
          .selectFrom('security_events')
          .select([
            (eb) => eb.fn.countAll<number>().as('n'),
            (eb) => eb.fn.count<number>('account_id').distinct().as('d'),
          ])
          .where('request_id', '=', `campaign:${id}`)
          .executeTakeFirstOrThrow()
        expect([Number(events.n), Number(events.d)]).toEqual([total, total])
        const handledBy = async (app: typeof second) =>
          (await app.metrics.campaignTargets.get()).values
            .filter((v) => v.labels.action === 'force_password_reset' && v.labels.outcome === 'done')
            .reduce((n, v) => n + v.value, 0)
        const [mine, theirs] = [await handledBy(server.app), await handledBy(second)]
        // Both took part (the first instance also ran the earlier forced reset of 2 accounts).
        expect(theirs).toBeGreaterThan(0)
        expect(mine - 2 + theirs).toBe(total)
        const completes = await db
          .selectFrom('audit_log')
          .select('seq')
          .where('action', '=', 'campaign.complete')
          .where('target', '=', `campaign:${id}`)
          .execute()
        expect(completes.length).toBe(1)
      } finally {
        await second.close()
      }
    },
  )

  it('lets an auditor read campaigns but not start them', async () => {
    const token = await adminSession(server)
    const principal = await server.app.services.sessions.authenticate(token)
    await server.app.database.db
      .updateTable('accounts')
      .set({ role: 'auditor' })
      .where('id', '=', principal!.account.id)
      .execute()
    expect((await call(server, 'GET', '/v1/admin/campaigns', { token })).status).toBe(200)
    const refused = await create({ selector: { kind: 'saved', name: 'all_users' }, action: 'notify' }, token)
    expect(refused.status).toBe(403)
    expect(refused.json.code).toBe('scope_required')
    const list = await call(server, 'GET', '/v1/admin/campaigns', { token })
    const first = list.json.campaigns[0].id as string
    const pause = await call(server, 'POST', `/v1/admin/campaigns/${first}/pause`, { token })
    expect(pause.json.code).toBe('scope_required')
  })

  it('answers bad input with 4xx', async () => {
    const cases: Array<[unknown, number]> = [
      [{ selector: { kind: 'saved', name: 'all_users' }, action: 'delete_everything' }, 400],
      [{ selector: { kind: 'saved', name: 'everyone' }, action: 'revoke_sessions' }, 400],
      [{ selector: { kind: 'incident', incident_id: 'nope' }, action: 'revoke_sessions' }, 400],
      [
        { selector: { kind: 'incident', incident_id: 'inc-1', fields: ['ssn'] }, action: 'revoke_sessions' },
        400,
      ],
      [{ selector: { kind: 'accounts', ids: [] }, action: 'revoke_sessions' }, 400],
      [
        {
          selector: { kind: 'accounts', ids: Array.from({ length: 10_001 }, (_, i) => `a${i}`) },
          action: 'revoke_sessions',
        },
        400,
      ],
      [{ selector: { kind: 'saved', name: 'all_users' }, action: 'notify' }, 400],
      [{ selector: { kind: 'saved', name: 'all_users' }, action: 'notify', params: { text: 'hi' } }, 400],
      [
        {
          selector: { kind: 'saved', name: 'all_users' },
          action: 'revoke_sessions',
          params: { text: 'hi' },
        },
        400,
      ],
      [{ incident_id: 'nope', selector: { kind: 'saved', name: 'all_users' }, action: 'reset_lock' }, 400],
      [{ selector: { kind: 'saved', name: 'all_users' }, action: 'reset_lock', extra: 1 }, 400],
    ]
    for (const [body, status] of cases) {
      const r = await create(body)
      expect(r.status, JSON.stringify(body).slice(0, 120)).toBe(status)
      expect(r.json.code).toBeTruthy()
    }
    const missing = await call(server, 'GET', '/v1/admin/campaigns/does-not-exist', { token: admin })
    expect(missing.status).toBe(404)
    expect(missing.json.code).toBe('campaign_not_found')
    const noAuth = await call(server, 'GET', '/v1/admin/campaigns')
    expect(noAuth.status).toBe(401)
  })
})
