import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { DAY, MINUTE } from '../../src/kernel/clock.js'
import { databaseKinds } from '../helpers/databases.js'
import {
  adminSession,
  call,
  createTestServer,
  freshUser,
  type JsonResponse,
  signUpAndLogin,
  type TestServer,
  withTotp,
} from '../helpers/server.js'

// biome-ignore lint/suspicious/noExplicitAny: JSON answers, read as the assertions need them
type Json = Record<string, any>

/** Headers whose values differ from one answer to the next whatever was asked. */
const VOLATILE = new Set(['date', 'x-request-id', 'content-length'])
const shapeOf = (r: JsonResponse) => ({
  status: r.status,
  code: r.json?.code ?? null,
  keys: Object.keys(r.json ?? {}).sort(),
  headers: Object.keys(r.headers)
    .filter((h) => !VOLATILE.has(h))
    .sort()
    .map((h) => `${h}: ${h === 'content-type' ? r.headers[h] : '*'}`),
})

/**
 * Self-service export and deletion over HTTP: the export holds every section and no secret; a
 * deletion needs a recent proof of identity, closes the account at once (answering like a disabled
 * one), mails a one-time cancel link, and after the grace period the purge removes the account and
 * its personal data while the audit chain still verifies and names nobody.
 */
describe.each(databaseKinds())('account export and deletion on %s', (kind) => {
  let server: TestServer
  let admin: string
  beforeAll(async () => {
    server = await createTestServer(kind, { GATEHOUSE_PHONE_DEFAULT_REGION: 'US' })
  })
  // The tests move the clock by days: each starts with an administrator's live session.
  beforeEach(async () => {
    admin = await adminSession(server)
  })
  afterAll(async () => {
    await server?.close()
  })

  const login = (identifier: string, password: string) =>
    call(server, 'POST', '/v1/sessions', { body: { identifier, password } })
  const idOf = async (username: string) => (await server.app.store.accounts.findByUsername(username))!.id
  const deletionMails = (address: string) =>
    server.smtp.messages.filter((m) => m.to.includes(address) && /deleted/i.test(m.subject))
  /** Keeps the session alive (idle expiry is 30 minutes) while its proof of identity ages past 10 minutes. */
  const age = async (token: string) => {
    for (let i = 0; i < 3; i += 1) {
      server.clock.advance(5 * MINUTE)
      expect((await call(server, 'GET', '/v1/sessions/current', { token })).status).toBe(200)
    }
  }
  const scheduleAndMail = async (user: { email: string }, token: string) => {
    const r = await call(server, 'DELETE', '/v1/me', { token })
    expect(r.status, r.body).toBe(202)
    await server.deliver()
    const mail = await server.smtp.waitFor((m) => m.to.includes(user.email) && /deleted/i.test(m.subject))
    return { r, mail, token: server.smtp.tokenFrom(mail) }
  }

  it('exports every section of the account and no secret, as an uncached attachment', async () => {
    const { user, token, secret, codes } = await withTotp(server)
    const id = await idOf(user.username)
    const phone = '+14155550142'
    const edit = await call(server, 'PATCH', `/v1/admin/accounts/${id}`, {
      token: admin,
      body: { phone, phone_verified: true },
    })
    expect(edit.status, edit.body).toBe(200)
    const incident = await call(server, 'POST', '/v1/admin/incidents', {
      token: admin,
      body: { title: 'Forum dump', summary: 'Emails on a forum', severity: 'high' },
    })
    const imported = await call(
      server,
      'POST',
      `/v1/admin/incidents/${incident.json.id}/imports?format=csv&email=email`,
      {
        token: admin,
        rawBody: `email\n${user.email}\n`,
        headers: { 'content-type': 'text/csv' },
      },
    )
    expect(imported.status, imported.body).toBeLessThan(300)

    const r = await call(server, 'GET', '/v1/me/export', { token })
    expect(r.status, r.body).toBe(200)
    expect(r.headers['content-disposition']).toMatch(/^attachment; filename="gatehouse-account-/)
    expect(r.headers['cache-control']).toBe('no-store')
    const doc = r.json as Json
    expect(doc.profile).toMatchObject({
      id,
      username: user.username,
      email: user.email,
      email_verified: true,
      phone,
      phone_verified: true,
      role: 'user',
    })
    expect(doc.factors).toEqual([expect.objectContaining({ kind: 'totp' })])
    expect(doc.passkeys).toEqual([])
    expect(doc.recovery_codes).toEqual({ total: codes.length, unused: codes.length })
    expect(doc.sessions.length).toBeGreaterThanOrEqual(1)
    expect(doc.sessions[0]).toHaveProperty('ip')
    expect(doc.devices).toBeInstanceOf(Array)
    expect(doc.security_history.map((e: Json) => e.type)).toContain('authn_login_success')
    expect(doc.incident_exposures).toEqual([
      expect.objectContaining({ incident_id: incident.json.id, incident: 'Forum dump', fields: ['email'] }),
    ])
    expect(doc.applications).toEqual([])
    expect(doc.pending_deletion).toBeNull()

    // No secret: the TOTP secret (as given and as stored), the password hash, the recovery codes.
    const stored = await server.app.database.db
      .selectFrom('accounts')
      .innerJoin('mfa_factors', 'mfa_factors.account_id', 'accounts.id')
      .select(['accounts.password_hash', 'mfa_factors.secret'])
      .where('accounts.id', '=', id)
      .executeTakeFirstOrThrow()
    for (const s of [secret, stored.password_hash, stored.secret!, ...codes]) expect(r.body).not.toContain(s)

    // Recorded in the account's history; the admin equivalent is audited.
    const again = await call(server, 'GET', '/v1/me/export', { token })
    expect(again.json.security_history.map((e: Json) => e.type)).toContain('account_data_exported')
    const byAdmin = await call(server, 'GET', `/v1/admin/accounts/${id}/export`, { token: admin })
    expect(byAdmin.status, byAdmin.body).toBe(200)
    expect(byAdmin.json.profile.username).toBe(user.username)
    const audit = await call(server, 'GET', '/v1/admin/audit?limit=20', { token: admin })
    expect(audit.json.entries.map((e: Json) => `${e.action} ${e.target}`)).toContain(
      `account.export account:${id}`,
    )
  })

  it('needs a recent proof of identity for the export and the deletion', async () => {
    const { user, token } = await signUpAndLogin(server)
    await age(token)
    for (const [method, url] of [
      ['DELETE', '/v1/me'],
      ['GET', '/v1/me/export'],
    ] as const) {
      const r = await call(server, method, url, { token })
      expect(r.status, r.body).toBe(401)
      expect(r.headers['content-type']).toMatch(/^application\/problem\+json/)
      expect(r.json.code).toBe('reauth_required')
    }
    expect((await call(server, 'DELETE', '/v1/me')).status).toBe(401)
    // Nothing changed: the account still logs in.
    expect((await login(user.username, user.password)).status).toBe(201)
    const re = await call(server, 'POST', '/v1/sessions/current/reauth', {
      token,
      body: { password: user.password },
    })
    expect(re.status, re.body).toBe(200)
    expect((await call(server, 'DELETE', '/v1/me', { token })).status).toBe(202)
  })

  it('schedules the deletion, ends every session, mails a one-time cancel link that restores the account', async () => {
    const { user, token } = await signUpAndLogin(server)
    const other = (await login(user.username, user.password)).json.token as string
    const { r, mail, token: cancel } = await scheduleAndMail(user, token)
    const due = Date.parse(r.json.deletion_due_at)
    expect(due).toBe(server.clock.now() + 7 * DAY)
    expect(mail.text).toContain(`https://id.example.test/cancel-deletion?token=${cancel}`)
    for (const t of [token, other])
      expect((await call(server, 'GET', '/v1/sessions/current', { token: t })).status).toBe(401)
    // While pending: a right password answers like a disabled account's.
    expect((await login(user.username, user.password)).json.code).toBe('password_reset_required')

    const bad = await call(server, 'POST', '/v1/account-deletion/cancel', { body: { token: 'x'.repeat(43) } })
    expect(bad.status).toBe(400)
    expect(bad.json.code).toBe('invalid_token')
    const ok = await call(server, 'POST', '/v1/account-deletion/cancel', { body: { token: cancel } })
    expect(ok.status, ok.body).toBe(200)
    expect(ok.json).toEqual({ status: 'deletion_cancelled' })
    const used = await call(server, 'POST', '/v1/account-deletion/cancel', { body: { token: cancel } })
    expect(used.json.code).toBe('invalid_token')
    expect((await login(user.username, user.password)).status).toBe(201)

    // The purge after the grace period leaves a restored account alone.
    server.clock.advance(8 * DAY)
    await server.app.accountDeletion.purgeDue()
    expect(await server.app.store.accounts.findByUsername(user.username)).not.toBeNull()
  })

  it('the cancel token dies when the deletion is due', async () => {
    const { user, token } = await signUpAndLogin(server)
    const { token: cancel } = await scheduleAndMail(user, token)
    server.clock.advance(7 * DAY)
    const late = await call(server, 'POST', '/v1/account-deletion/cancel', { body: { token: cancel } })
    expect(late.json.code).toBe('invalid_token')
  })

  it('answers logins and recovery of a pending and a purged account exactly as for a disabled and a missing one', async () => {
    const disabled = await signUpAndLogin(server)
    const d = await call(server, 'POST', `/v1/admin/accounts/${await idOf(disabled.user.username)}/disable`, {
      token: admin,
    })
    expect(d.status).toBe(200)
    const purged = await signUpAndLogin(server)
    await scheduleAndMail(purged.user, purged.token)
    server.clock.advance(7 * DAY + MINUTE)
    const pending = await signUpAndLogin(server)
    await scheduleAndMail(pending.user, pending.token)
    // Earlier tests' accounts may be due too.
    expect(await server.app.accountDeletion.purgeDue()).toBeGreaterThanOrEqual(1)
    expect(await server.app.store.accounts.findByUsername(purged.user.username)).toBeNull()
    expect(await server.app.store.accounts.findByUsername(pending.user.username)).not.toBeNull()
    const missing = freshUser('nobody')

    // A right password: pending answers as disabled.
    const rightPending = await login(pending.user.username, pending.user.password)
    const rightDisabled = await login(disabled.user.username, disabled.user.password)
    expect(shapeOf(rightPending)).toEqual(shapeOf(rightDisabled))
    const { request_id: _a, ...pendingBody } = rightPending.json
    const { request_id: _b, ...disabledBody } = rightDisabled.json
    expect(pendingBody).toEqual(disabledBody)
    // A wrong one, and the purged account's old password: as for a name nobody has.
    const base = shapeOf(await login(missing.username, missing.password))
    expect(base.status).toBe(401)
    for (const r of [
      await login(pending.user.username, `${pending.user.password}x`),
      await login(purged.user.username, purged.user.password),
      await login(purged.user.email, purged.user.password),
    ])
      expect(shapeOf(r)).toEqual(base)
    // Recovery: the same bytes, and nothing is sent.
    server.smtp.clear()
    const answers = []
    for (const identifier of [pending.user.email, purged.user.email, disabled.user.email, missing.email])
      answers.push(await call(server, 'POST', '/v1/recovery', { body: { identifier } }))
    expect(new Set(answers.map((a) => `${a.status} ${a.body}`)).size).toBe(1)
    await server.deliver()
    await new Promise((r) => setTimeout(r, 200))
    expect(server.smtp.messages).toEqual([])
  })

  it('purges the account and its personal data after the grace period; the audit chain verifies and names nobody', async () => {
    const { user, token } = await withTotp(server)
    const id = await idOf(user.username)
    const phone = '+14155550199'
    await call(server, 'PATCH', `/v1/admin/accounts/${id}`, {
      token: admin,
      body: { phone, phone_verified: true },
    })
    await scheduleAndMail(user, token)
    server.clock.advance(6 * DAY)
    await server.app.accountDeletion.purgeDue()
    expect(await server.app.store.accounts.findById(id)).not.toBeNull()
    server.clock.advance(DAY)
    // Two instances' passes at once: one purges it.
    const [a, b] = await Promise.all([
      server.app.accountDeletion.purgeDue(),
      server.app.accountDeletion.purgeDue(),
    ])
    expect(a + b).toBeGreaterThanOrEqual(1)
    expect(await server.app.store.accounts.findById(id)).toBeNull()

    const db = server.app.database.db
    const left = async (
      table:
        | 'sessions'
        | 'mfa_factors'
        | 'mfa_recovery_codes'
        | 'devices'
        | 'one_time_tokens'
        | 'security_events'
        | 'outbox'
        | 'incident_exposures',
    ) => (await db.selectFrom(table).select('account_id').where('account_id', '=', id).execute()).length
    for (const table of [
      'sessions',
      'mfa_factors',
      'mfa_recovery_codes',
      'devices',
      'one_time_tokens',
      'security_events',
      'outbox',
      'incident_exposures',
    ] as const)
      expect(await left(table), table).toBe(0)

    admin = await adminSession(server)
    const verified = await call(server, 'GET', '/v1/admin/audit/verify', { token: admin })
    expect(verified.status, verified.body).toBe(200)
    expect(verified.json.ok).toBe(true)
    const entries = await db.selectFrom('audit_log').selectAll().execute()
    const log = JSON.stringify(entries)
    expect(log).toContain(`account:${id}`)
    expect(entries.map((e) => e.action)).toEqual(
      expect.arrayContaining(['account.deletion_schedule', 'account.purge']),
    )
    for (const s of [user.username, user.email, phone]) expect(log).not.toContain(s)
    const events = JSON.stringify(await db.selectFrom('security_events').selectAll().execute())
    for (const s of [user.username, user.email, phone]) expect(events).not.toContain(s)

    if (kind === 'sqlite') {
      // The file itself, once the write-ahead log is written back: deleted rows are zeroed
      // (secure_delete), so no VACUUM is needed.
      const { sql } = await import('kysely')
      await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db)
      const bytes = readFileSync(join(server.db.dataDir, 'gatehouse.sqlite'))
      for (const s of [user.username, user.email, phone])
        expect(bytes.includes(Buffer.from(s)), s).toBe(false)
    }
  })

  it('20 concurrent deletions and cancels leave one consistent state and send one mail', async () => {
    const { user, token } = await signUpAndLogin(server)
    const deletes = await Promise.all(
      Array.from({ length: 20 }, () => call(server, 'DELETE', '/v1/me', { token })),
    )
    const statuses = deletes.map((r) => r.status)
    expect(
      statuses.every((s) => s === 202 || s === 401),
      statuses.join(),
    ).toBe(true)
    expect(new Set(deletes.filter((r) => r.status === 202).map((r) => r.json.deletion_due_at)).size).toBe(1)
    await server.deliver()
    await server.smtp.waitFor((m) => m.to.includes(user.email) && /deleted/i.test(m.subject))
    await new Promise((r) => setTimeout(r, 200))
    expect(deletionMails(user.email)).toHaveLength(1)
    const cancel = server.smtp.tokenFrom(deletionMails(user.email)[0]!)
    const cancels = await Promise.all(
      Array.from({ length: 20 }, () =>
        call(server, 'POST', '/v1/account-deletion/cancel', { body: { token: cancel } }),
      ),
    )
    expect(cancels.filter((r) => r.status === 200)).toHaveLength(1)
    expect(cancels.filter((r) => r.status === 400)).toHaveLength(19)
    const fresh = await login(user.username, user.password)
    expect(fresh.status).toBe(201)
    // A second request while one is pending is idempotent: the same date, no second mail.
    const first = await call(server, 'DELETE', '/v1/me', { token: fresh.json.token })
    expect(first.status).toBe(202)
    const id = await idOf(user.username)
    const staff = await call(server, 'POST', `/v1/admin/accounts/${id}/deletion`, { token: admin, body: {} })
    expect(staff.json.deletion_due_at).toBe(first.json.deletion_due_at)
    await server.deliver()
    await new Promise((r) => setTimeout(r, 200))
    expect(deletionMails(user.email)).toHaveLength(2)
  })

  it('staff schedule, cancel and delete at once through the same purge, within the role ranking', async () => {
    const { user } = await signUpAndLogin(server)
    const id = await idOf(user.username)
    const s = await call(server, 'POST', `/v1/admin/accounts/${id}/deletion`, { token: admin, body: {} })
    expect(s.status, s.body).toBe(200)
    expect(s.json.status).toBe('deletion_scheduled')
    const c = await call(server, 'DELETE', `/v1/admin/accounts/${id}/deletion`, { token: admin })
    expect(c.json).toEqual({ changed: true })
    expect(
      (await call(server, 'DELETE', `/v1/admin/accounts/${id}/deletion`, { token: admin })).json,
    ).toEqual({
      changed: false,
    })
    expect((await login(user.username, user.password)).status).toBe(201)
    const now = await call(server, 'POST', `/v1/admin/accounts/${id}/deletion`, {
      token: admin,
      body: { immediate: true },
    })
    expect(now.json).toEqual({ status: 'deleted', deletion_due_at: null })
    expect(await server.app.store.accounts.findById(id)).toBeNull()
    expect((await call(server, 'GET', `/v1/admin/accounts/${id}/export`, { token: admin })).status).toBe(404)
    // An admin ranks above a user: a user's session has no admin API at all.
    const { token: userToken } = await signUpAndLogin(server)
    expect((await call(server, 'GET', `/v1/admin/accounts/${id}/export`, { token: userToken })).status).toBe(
      403,
    )
  })

  it('refuses to schedule the deletion of an account that owns clients of the admin API', async () => {
    const { user } = await signUpAndLogin(server)
    const id = await idOf(user.username)
    const partner = await call(server, 'PATCH', `/v1/admin/accounts/${id}`, {
      token: admin,
      body: { role: 'partner' },
    })
    expect(partner.status, partner.body).toBe(200)
    const client = await call(server, 'POST', '/v1/admin/clients', {
      token: admin,
      body: { name: `owned ${Date.now()}`, owner_account_id: id },
    })
    expect(client.status, client.body).toBe(201)
    const r = await call(server, 'POST', `/v1/admin/accounts/${id}/deletion`, { token: admin, body: {} })
    expect([r.status, r.json.code]).toEqual([409, 'account_in_use'])
    expect(await server.app.accountDeletion.pending(id)).toBeNull()
  })
})
