import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resetRequired } from '../../src/modules/login/password.js'
import { totpCodeAt } from '../../src/modules/mfa/totp.js'
import { databaseKinds } from '../helpers/databases.js'
import {
  adminSession,
  call,
  createTestServer,
  freshUser,
  signUpAndLogin,
  type TestServer,
} from '../helpers/server.js'

// biome-ignore lint/suspicious/noExplicitAny: JSON answers, read as the assertions need them
type Json = Record<string, any>

/** Account administration over HTTP: create, edit, disable, enable, delete; the role ranking; the audit chain. */
describe.each(databaseKinds())('account administration on %s', (kind) => {
  let server: TestServer
  let admin: string
  beforeAll(async () => {
    server = await createTestServer(kind)
    admin = await adminSession(server)
  })
  afterAll(async () => {
    await server?.close()
  })

  const as = (token: string) => ({
    create: (body: Json) => call(server, 'POST', '/v1/admin/accounts', { token, body }),
    edit: (id: string, body: Json) => call(server, 'PATCH', `/v1/admin/accounts/${id}`, { token, body }),
    disable: (id: string) => call(server, 'POST', `/v1/admin/accounts/${id}/disable`, { token }),
    enable: (id: string) => call(server, 'POST', `/v1/admin/accounts/${id}/enable`, { token }),
    remove: (id: string) => call(server, 'DELETE', `/v1/admin/accounts/${id}`, { token }),
    detail: (id: string) => call(server, 'GET', `/v1/admin/accounts/${id}`, { token }),
  })
  const login = (identifier: string, password: string) =>
    call(server, 'POST', '/v1/sessions', { body: { identifier, password } })
  const current = (token: string) => call(server, 'GET', '/v1/sessions/current', { token })
  const auditFor = async (id: string) => {
    const r = await call(server, 'GET', '/v1/admin/audit?limit=100', { token: admin })
    const entries = (r.json as Json).entries as Json[]
    return entries.filter((e) => e.target === `account:${id}` && e.action !== 'account.lookup')
  }
  const idOf = async (username: string) => {
    const r = await call(server, 'GET', `/v1/admin/accounts?q=${username}`, { token: admin })
    return (r.json as Json).accounts[0]?.id as string | undefined
  }

  /** A staff account of `role`, made through the API, past its first-login steps, with a TOTP factor. */
  const staff = async (role: string) => {
    const who = freshUser(role)
    const made = await as(admin).create({ username: who.username, email: who.email, role })
    expect(made.status, made.body).toBe(201)
    const first = await login(who.username, made.json.password)
    const token = first.json.token as string
    const changed = await call(server, 'POST', '/v1/me/password', {
      token,
      body: { current_password: made.json.password, new_password: 'granite harbour 77 lantern' },
    })
    expect(changed.status, changed.body).toBe(200)
    const e = await call(server, 'POST', '/v1/mfa/totp', { token })
    const c = await call(server, 'POST', '/v1/mfa/totp/confirm', {
      token,
      body: { code: totpCodeAt(e.json.secret, server.clock.now()) },
    })
    expect(c.status, c.body).toBe(200)
    return { token, id: made.json.account.id as string }
  }

  it('creates an account with a one-time password shown once, audited without contact data', async () => {
    const who = freshUser('made')
    const r = await as(admin).create({ username: who.username, email: who.email, locale: 'de' })
    expect(r.status, r.body).toBe(201)
    expect(r.json.account).toMatchObject({
      username: who.username,
      role: 'user',
      locale: 'de',
      disabled_at: null,
    })
    expect(r.json.account.flags).toMatchObject({
      email_verified: true,
      must_change_password: true,
      disabled: false,
    })
    const first = await login(who.email, r.json.password)
    expect(first.status).toBe(201)

    expect((await as(admin).create({ username: who.username, email: 'other@example.org' })).json.code).toBe(
      'username_taken',
    )
    expect((await as(admin).create({ username: `${who.username}b`, email: who.email })).json.code).toBe(
      'email_taken',
    )
    const [entry] = await auditFor(r.json.account.id)
    expect(entry).toMatchObject({ action: 'account.create', details: { role: 'user' } })
    expect(JSON.stringify(entry)).not.toContain(who.email)
    const detail = await as(admin).detail(r.json.account.id)
    expect(detail.json.events.map((e: Json) => e.type)).toContain('account_created_by_staff')
  })

  it('edits username, email, locale and role; a new role ends the sessions', async () => {
    const { user, token } = await signUpAndLogin(server)
    const id = (await idOf(user.username))!
    const renamed = freshUser('renamed')
    const r = await as(admin).edit(id, { username: renamed.username, email: renamed.email, locale: 'en' })
    expect(r.status, r.body).toBe(200)
    expect(r.json.account).toMatchObject({ username: renamed.username, locale: 'en' })
    expect(r.json.account.flags.email_verified).toBe(false)
    expect(await idOf(renamed.username)).toBe(id)
    expect((await current(token)).status).toBe(200)

    const promoted = await as(admin).edit(id, { role: 'auditor' })
    expect(promoted.json.account.role).toBe('auditor')
    expect((await current(token)).status).toBe(401)
    const audit = await auditFor(id)
    expect(audit.map((e) => e.action)).toEqual(['account.update', 'account.update'])
    expect(audit[0]!.details).toMatchObject({ fields: ['role'], role: { from: 'user', to: 'auditor' } })
    expect(JSON.stringify(audit)).not.toContain(renamed.email)
    expect((await as(admin).edit(id, {})).json.code).toBe('invalid_request')
  })

  it('disables: sessions end, the right password answers exactly as a required reset, a wrong one as a stranger', async () => {
    const { user, token } = await signUpAndLogin(server)
    const id = (await idOf(user.username))!
    const r = await as(admin).disable(id)
    expect(r.status, r.body).toBe(200)
    expect(r.json).toMatchObject({
      changed: true,
      revoked_sessions: 1,
      account: { flags: { disabled: true } },
    })
    expect((await current(token)).status).toBe(401)
    expect((await as(admin).disable(id)).json.changed).toBe(false)

    const right = await login(user.username, user.password)
    expect(right.status).toBe(403)
    const expected = resetRequired()
    expect(right.json).toMatchObject({
      code: 'password_reset_required',
      title: expected.title,
      detail: expected.message,
    })
    const { request_id: _a, ...rightBody } = right.json
    const byEmail = await login(user.email, user.password)
    const { request_id: _b, ...byEmailBody } = byEmail.json
    expect(byEmailBody).toEqual(rightBody)

    const wrong = await login(user.username, 'not the password at all 1')
    const stranger = await login(`nobody${Date.now()}`, 'not the password at all 1')
    expect(wrong.status).toBe(401)
    const strip = (b: Json) => ({ ...b, request_id: undefined })
    expect(strip(wrong.json)).toEqual(strip(stranger.json))

    // Recovery answers as ever and sends nothing: a new password would not enable the account.
    const asked = await call(server, 'POST', '/v1/recovery', { body: { identifier: user.email } })
    expect(asked.status).toBe(202)
    await server.deliver()
    const events = (await as(admin).detail(id)).json.events as Json[]
    const suppressed = events.find((e) => e.type === 'recovery.suppressed')
    expect(suppressed?.details.reason).toBe('disabled')
    expect(events.map((e) => e.type)).not.toContain('authn_password_reset_requested')
    const reasons = events.filter((e) => e.type === 'authn_login_fail').map((e) => e.details.reason)
    expect(reasons).toEqual(['bad_password', 'disabled', 'disabled'])
    expect(events.map((e) => e.type)).toContain('account_disabled')

    const enabled = await as(admin).enable(id)
    expect(enabled.json).toMatchObject({ changed: true, account: { flags: { disabled: false } } })
    expect((await login(user.username, user.password)).status).toBe(201)
    expect((await auditFor(id)).map((e) => e.action)).toEqual(['account.enable', 'account.disable'])
  })

  it('ranks roles: a responder acts on users and responders only, gives no role above its own; an auditor acts on none', async () => {
    const responder = await staff('responder')
    const asResponder = as(responder.token)
    const adminId = (await current(admin)).json.account.id as string
    const refused = [
      await asResponder.create({ ...freshUser('x'), password: undefined, role: 'admin' }),
      await asResponder.edit(adminId, { locale: 'de' }),
      await asResponder.disable(adminId),
      await asResponder.remove(adminId),
    ]
    expect(refused.map((x) => [x.status, x.json.code])).toEqual(Array(4).fill([403, 'role_above_caller']))
    const detail = await asResponder.detail(adminId)
    expect(detail.json.allowed_actions).toEqual({ edit: false, disable: false, enable: false, delete: false })

    const who = freshUser('byresp')
    const made = await asResponder.create({ username: who.username, email: who.email })
    expect(made.status, made.body).toBe(201)
    const id = made.json.account.id as string
    expect((await asResponder.detail(id)).json.allowed_actions).toEqual({
      edit: true,
      disable: true,
      enable: false,
      delete: true,
    })
    expect((await asResponder.edit(id, { role: 'admin' })).json.code).toBe('role_above_caller')
    expect((await asResponder.edit(id, { role: 'responder' })).status).toBe(200)
    expect((await asResponder.disable(responder.id)).json.code).toBe('invalid_request')
    const [entry] = await auditFor(id)
    expect(entry!.actor).toBe(`account:${responder.id}`)

    const auditor = await staff('auditor')
    expect((await as(auditor.token).disable(id)).json.code).toBe('scope_required')
    expect((await as(auditor.token).detail(id)).json.allowed_actions.edit).toBe(false)
  })

  it('ranks an API key as a responder, and keeps the owner of a client until it has another', async () => {
    const owner = await staff('responder')
    const client = await call(server, 'POST', '/v1/admin/clients', {
      token: admin,
      body: { name: `partner ${Date.now()}`, owner_account_id: owner.id },
    })
    expect(client.status, client.body).toBe(201)
    const issued = await call(server, 'POST', `/v1/admin/clients/${client.json.id}/keys`, {
      token: admin,
      body: { scopes: ['accounts:read', 'accounts:write'], expires_in_days: 30 },
    })
    expect(issued.status, issued.body).toBe(201)
    const asKey = as(issued.json.key)
    const adminId = (await current(admin)).json.account.id as string
    expect((await asKey.disable(adminId)).json.code).toBe('role_above_caller')
    const who = freshUser('bykey')
    const made = await asKey.create({ username: who.username, email: who.email, role: 'responder' })
    expect(made.status, made.body).toBe(201)
    const [entry] = await auditFor(made.json.account.id)
    expect(entry!.actor).toBe(`api_key:${issued.json.id}`)

    const refused = await as(admin).remove(owner.id)
    expect([refused.status, refused.json.code]).toEqual([409, 'account_in_use'])
    expect((await as(admin).detail(owner.id)).status).toBe(200)
  })

  it('deletes an account and what is held about it; the audit chain still verifies', async () => {
    const { user, token } = await signUpAndLogin(server)
    const id = (await idOf(user.username))!
    await as(admin).disable(id)
    await as(admin).enable(id)
    expect((await as(admin).remove(id)).status).toBe(204)
    expect((await as(admin).detail(id)).status).toBe(404)
    expect(await idOf(user.username)).toBeUndefined()
    expect((await current(token)).status).toBe(401)
    const again = await login(user.username, user.password)
    expect(again.status).toBe(401)
    expect(again.json.code).toBe('invalid_credentials')
    expect((await as(admin).remove(id)).status).toBe(404)

    const audit = await auditFor(id)
    expect(audit.map((e) => e.action)).toEqual(['account.delete', 'account.enable', 'account.disable'])
    const verify = await call(server, 'GET', '/v1/admin/audit/verify', { token: admin })
    expect(verify.json).toMatchObject({ ok: true, first_broken: null })
    const events = await server.app.store.events.listForAccount(id, 50)
    expect(events).toEqual([])
    const adminId = (await current(admin)).json.account.id as string
    expect((await as(admin).remove(adminId)).json.code).toBe('invalid_request')
  })
})
