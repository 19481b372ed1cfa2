import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { noContext } from '../../src/modules/events/recorder.js'
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
import { expectEnded, expectLive, grantFor, grantOn } from './grant-checks.js'

/*
 * The incident kit reaches applications: every change that ends all of an account's sessions ends
 * its grants too (refresh tokens refused, access tokens inactive), over HTTP on both databases.
 */

describe.each(databaseKinds())('applications lose an account whose access ends (%s)', (kind) => {
  let s: TestServer
  let admin: string
  beforeAll(async () => {
    s = await createTestServer(kind)
    admin = await adminSession(s)
  })
  afterAll(() => s?.close())

  const accountIdOf = async (token: string) =>
    String(((await call(s, 'GET', '/v1/sessions/current', { token })).json.account as { id: string }).id)

  it('a campaign forcing a reset, and one revoking sessions', async () => {
    for (const action of ['force_password_reset', 'revoke_sessions']) {
      const { token } = await signUpAndLogin(s)
      const g = await grantFor(s, token)
      const other = await grantFor(s, (await signUpAndLogin(s)).token)
      const id = await accountIdOf(token)
      const c = await call(s, 'POST', '/v1/admin/campaigns', {
        token: admin,
        body: { selector: { kind: 'accounts', ids: [id] }, action },
      })
      expect(c.status, c.body).toBe(201)
      await s.app.workers.campaigns.drain()
      await expectEnded(s, g)
      await expectLive(s, other)
    }
  })

  it("an operator's reset, and an administrator's revoke of the sessions", async () => {
    const a = await signUpAndLogin(s)
    const ga = await grantFor(s, a.token)
    await s.app.services.accounts.resetByOperator(a.user.username, noContext)
    await expectEnded(s, ga)

    const b = await signUpAndLogin(s)
    const gb = await grantFor(s, b.token)
    const id = await accountIdOf(b.token)
    const r = await call(s, 'POST', `/v1/admin/accounts/${id}/sessions/revoke`, { token: admin })
    expect(r.status, r.body).toBe(200)
    await expectEnded(s, gb)
  })

  it("the holder's password change and sign-out everywhere; one other session alone keeps them", async () => {
    const { user, token } = await signUpAndLogin(s)
    const g = await grantFor(s, token)
    const second = await call(s, 'POST', '/v1/sessions', {
      body: { identifier: user.username, password: user.password },
    })
    const list = await call(s, 'GET', '/v1/sessions', { token })
    const otherId = (list.json.sessions as Array<{ id: string; current: boolean }>).find(
      (x) => !x.current,
    )?.id
    expect((await call(s, 'DELETE', `/v1/sessions/${otherId}`, { token })).status).toBe(204)
    await expectLive(s, g)
    await call(s, 'POST', '/v1/sessions', { body: { identifier: user.username, password: user.password } })
    const all = await call(s, 'DELETE', '/v1/sessions', { token })
    expect(all.status, all.body).toBe(200)
    await expectEnded(s, g)
    expect(second.status).toBe(201)

    const g2 = await grantFor(s, token)
    const changed = await call(s, 'POST', '/v1/me/password', {
      token,
      body: { current_password: user.password, new_password: 'quartz meadow 41 ember' },
    })
    expect(changed.status, changed.body).toBe(200)
    await expectEnded(s, g2)
  })

  it('a completed recovery', async () => {
    const { user, token } = await signUpAndLogin(s)
    const g = await grantFor(s, token)
    s.smtp.clear()
    const asked = await call(s, 'POST', '/v1/recovery', { body: { identifier: user.username } })
    expect(asked.status).toBe(202)
    await s.deliver()
    const mail = await s.smtp.waitFor((m) => m.to.includes(user.email) && /reset/i.test(m.subject))
    const done = await call(s, 'POST', '/v1/recovery/complete', {
      body: { token: s.smtp.tokenFrom(mail), password: 'cobalt meadow 58 thistle' },
    })
    expect(done.status, done.body).toBe(200)
    await expectEnded(s, g)
  })

  it('a "this wasn\'t me" lock and a partner account\'s access revoked', async () => {
    const a = await signUpAndLogin(s)
    const ga = await grantFor(s, a.token)
    await s.app.services.recovery.lockAfterUnrecognisedLogin(await accountIdOf(a.token), noContext)
    await expectEnded(s, ga)

    const p = freshUser('partner')
    await signUpAndLogin(s, p)
    await s.app.services.accounts.setRole(p.username, 'partner', noContext)
    const login = await call(s, 'POST', '/v1/sessions', {
      body: { identifier: p.username, password: p.password },
    })
    expect(login.status, login.body).toBe(201)
    // A partner's session is a full one once it has an app-based factor.
    const e = await call(s, 'POST', '/v1/mfa/totp', { token: login.json.token })
    const code = totpCodeAt(String(e.json.secret), s.clock.now())
    await call(s, 'POST', '/v1/mfa/totp/confirm', { token: login.json.token, body: { code } })
    s.clock.advance(30_000)
    const gp = await grantFor(s, login.json.token)
    const pid = await accountIdOf(login.json.token)
    const out = await s.app.access.bulkRevoke([`account:${pid}`], { actor: 'test', scopes: [] }, noContext)
    expect(out[0]?.outcome).toBe('revoked')
    await expectEnded(s, gp)
  })

  it("ends one application's grants for everyone (the administrator's revoke of a client), audited", async () => {
    const a = await signUpAndLogin(s)
    const b = await signUpAndLogin(s)
    const ga = await grantFor(s, a.token)
    const client = ga.client
    // The second account signs in to the same application.
    const gb = await grantOn(s, b.token, client)
    const gb2 = await grantFor(s, b.token)
    const other = await grantFor(s, a.token)
    const path = `/v1/admin/oidc/clients/${client.id}/revoke-grants`
    const r = await call(s, 'POST', path, { token: admin })
    expect(r.status, r.body).toBe(200)
    expect(r.json).toEqual({ client_id: client.id, grants_revoked: 2 })
    await expectEnded(s, ga)
    await expectEnded(s, gb)
    await expectLive(s, gb2)
    await expectLive(s, other)
    expect(
      (await call(s, 'POST', '/v1/admin/oidc/clients/ghc_nothing/revoke-grants', { token: admin })).status,
    ).toBe(404)
    expect((await call(s, 'POST', path, { token: a.token })).status).toBe(403)
    const events = await s.app.store.events.search({ type: 'oidc_client_grants_revoked' }, 5)
    expect(events[0]?.details).toMatchObject({ client_id: client.id, grants: 2, reason: 'operator_revoked' })
  })

  it("a revoke_client campaign ends one application's grants of the accounts holding one", async () => {
    const a = await signUpAndLogin(s)
    const b = await signUpAndLogin(s)
    const ga = await grantFor(s, a.token)
    const client = ga.client
    const gb = await grantOn(s, b.token, client)
    const other = await grantFor(s, a.token)
    const body = {
      selector: { kind: 'oidc_client', client_id: client.id },
      action: 'revoke_client',
      params: { client_id: client.id },
    }
    const dry = await call(s, 'POST', '/v1/admin/campaigns', {
      token: admin,
      body: { ...body, dry_run: true },
    })
    expect(dry.json).toEqual({
      dry_run: true,
      selected: 2,
      effects: { grants_revoked: 2, accounts_with_grants: 2 },
    })
    const bad = { ...body, params: {} }
    expect((await call(s, 'POST', '/v1/admin/campaigns', { token: admin, body: bad })).status).toBe(400)
    const c = await call(s, 'POST', '/v1/admin/campaigns', { token: admin, body })
    expect(c.status, c.body).toBe(201)
    expect(c.json).toMatchObject({ params: { client_id: client.id }, progress: { total: 2 } })
    await s.app.workers.campaigns.drain()
    await expectEnded(s, ga)
    await expectEnded(s, gb)
    await expectLive(s, other)
    const done = await call(s, 'GET', `/v1/admin/campaigns/${c.json.id}`, { token: admin })
    expect(done.json).toMatchObject({ status: 'completed', progress: { done: 2, skipped: 0 } })
    const events = await s.app.store.events.search({ type: 'oidc_grants_revoked' }, 20)
    const mine = events.filter((e) => e.details.campaign_id === c.json.id)
    expect(mine).toHaveLength(2)
    expect(mine[0]?.details).toMatchObject({ reason: 'client_revoked', clients: [client.id] })
  })
})
