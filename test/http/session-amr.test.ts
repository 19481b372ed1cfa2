import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { totpCodeAt } from '../../src/modules/mfa/totp.js'
import { api, challenged } from '../helpers/api.js'
import { databaseKinds } from '../helpers/databases.js'
import { createTestServer, signUpAndLogin, type TestServer, withTotp } from '../helpers/server.js'

/*
 * What a login proved, as RFC 8176 `amr`, shown to the session's holder in GET /v1/sessions/current
 * and GET /v1/sessions; a re-authentication adds the method it used.
 */

describe.each(databaseKinds())('authentication methods of a session (amr) on %s', (kind) => {
  let server: TestServer
  beforeAll(async () => {
    server = await createTestServer(kind)
  })
  afterAll(async () => {
    await server?.close()
  })

  const amrOf = async (token: string) => {
    const current = await api(server, { token }).GET('/v1/sessions/current')
    expect(current.response.status).toBe(200)
    return current.data!.session.amr
  }
  const secondStep = async (
    user: { username: string; password: string },
    method: 'totp' | 'recovery_code',
    code: string,
  ) => {
    const step = await api(server).POST('/v1/sessions', {
      body: { identifier: user.username, password: user.password },
    })
    const done = await api(server).POST('/v1/sessions/mfa', {
      body: { challenge_id: challenged(step.data).challenge_id, method, code },
    })
    expect(done.response.status).toBe(201)
    return done.data!.token
  }

  it('records the password alone for a password login, in the current session and the list', async () => {
    const { token } = await signUpAndLogin(server)
    expect(await amrOf(token)).toEqual(['pwd'])
    const list = await api(server, { token }).GET('/v1/sessions')
    expect(list.data!.sessions.map((s) => s.amr)).toEqual([['pwd']])
  })

  it('records a password and a TOTP or recovery code as pwd, otp, mfa', async () => {
    const { user, token, secret, codes } = await withTotp(server)
    expect(await amrOf(token)).toEqual(['pwd'])
    const byTotp = await secondStep(user, 'totp', totpCodeAt(secret, server.clock.now()))
    expect(await amrOf(byTotp)).toEqual(['pwd', 'otp', 'mfa'])
    const byCode = await secondStep(user, 'recovery_code', codes[0]!)
    expect(await amrOf(byCode)).toEqual(['pwd', 'otp', 'mfa'])
    // Each session shows its own; the first login came before the factor.
    const list = await api(server, { token: byCode }).GET('/v1/sessions')
    expect(list.data!.sessions.map((s) => s.amr)).toEqual([
      ['pwd', 'otp', 'mfa'],
      ['pwd', 'otp', 'mfa'],
      ['pwd'],
    ])
  })

  it('adds the method a re-authentication proved, once', async () => {
    const { user, token, secret } = await withTotp(server)
    server.clock.advance(30_000)
    const reauth = await api(server, { token }).POST('/v1/sessions/current/reauth', {
      body: { method: 'totp', code: totpCodeAt(secret, server.clock.now()) },
    })
    expect(reauth.response.status).toBe(200)
    expect(await amrOf(token)).toEqual(['pwd', 'otp'])
    const again = await api(server, { token }).POST('/v1/sessions/current/reauth', {
      body: { password: user.password },
    })
    expect(again.response.status).toBe(200)
    expect(await amrOf(token)).toEqual(['pwd', 'otp'])
  })

  it('reads a session older than the record as a password login', async () => {
    const { token } = await signUpAndLogin(server)
    const id = (await api(server, { token }).GET('/v1/sessions/current')).data!.session.id
    await server.app.database.db.updateTable('sessions').set({ amr: null }).where('id', '=', id).execute()
    expect(await amrOf(token)).toEqual(['pwd'])
  })
})
