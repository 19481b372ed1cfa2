/**
 * examples/express-api against a real Gatehouse: Gatehouse listening on loopback (its URL the
 * issuer, with the example's URL as a resource server), and the example API as its own process —
 * importing @gatehouse/server from this checkout — driven over HTTP with sessions, cookies, JWT and
 * opaque access tokens, a passkey sign-in and the admin role.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Gatehouse, RESOURCE, startGatehouse } from '../sdk/server/gatehouse.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })

describe('examples/express-api', () => {
  let g: Gatehouse
  let api: ChildProcess
  let url: string
  const logs: string[] = []

  beforeAll(async () => {
    g = await startGatehouse('sqlite')
    const port = await freePort()
    url = `http://127.0.0.1:${port}`
    api = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--import',
        './test/examples/package-sources.mjs',
        'examples/express-api/server.mjs',
      ],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          GATEHOUSE_URL: g.origin,
          API_AUDIENCE: RESOURCE,
          INTROSPECTION_CLIENT_ID: g.introspection.clientId,
          INTROSPECTION_CLIENT_SECRET: g.introspection.clientSecret,
          PORT: String(port),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    api.stdout?.on('data', (c: Buffer) => logs.push(c.toString()))
    api.stderr?.on('data', (c: Buffer) => logs.push(c.toString()))
    const end = Date.now() + 20_000
    while (!logs.join('').includes('example API listening')) {
      if (Date.now() > end || api.exitCode !== null)
        throw new Error(`the example API did not start:\n${logs.join('')}`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }, 60_000)

  afterAll(async () => {
    if (api && api.exitCode === null) {
      const exited = new Promise((r) => api.once('exit', r))
      api.kill('SIGTERM')
      await exited
    }
    await g?.close()
  })

  const get = async (path: string, headers: Record<string, string> = {}) => {
    const r = await fetch(`${url}${path}`, { headers })
    return { status: r.status, headers: r.headers, body: (await r.json()) as Record<string, unknown> }
  }
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

  it('answers /me for a session, its cookie, a JWT and an opaque access token; 401 without', async () => {
    expect((await get('/')).status).toBe(200)
    const none = await get('/me')
    expect(none.status).toBe(401)
    expect(none.headers.get('www-authenticate')).toBe('Bearer')
    expect(none.body.code).toBe('invalid_token')

    const { token, user } = await g.session()
    const me = await get('/me', bearer(token))
    expect(me.status, logs.join('')).toBe(200)
    expect(me.body).toMatchObject({ kind: 'session', username: user.username, roles: ['user'], amr: ['pwd'] })
    expect((await get('/me', { cookie: `gh_session=${token}` })).body.username).toBe(user.username)
    expect((await get('/me', bearer(await g.jwtToken()))).body).toMatchObject({
      kind: 'access_token',
      client: g.jwtApp.id,
    })
    const opaque = await g.opaqueToken()
    expect((await get('/me', bearer(opaque.access))).body.client).toBe(g.opaqueApp.id)
    expect((await get('/me', bearer('made-up-token'))).status).toBe(401)
  })

  it('lets into /admin only an administrator signed in with a passkey', async () => {
    const password = await g.session()
    const weak = await get('/admin/overview', bearer(password.token))
    expect([weak.status, weak.body.code]).toEqual([403, 'insufficient_user_authentication'])
    expect(weak.headers.get('www-authenticate')).toMatch(/acr_values="urn:gatehouse:acr:phr"/)

    const passkey = await g.passkeySession()
    const user = await get('/admin/overview', bearer(passkey.token))
    expect([user.status, user.body.code]).toEqual([403, 'insufficient_role'])

    const account = await g.s.app.store.accounts.findByUsername(passkey.user.username)
    await g.s.app.store.accounts.setRole(account!.id, 'admin', Date.now())
    // A fresh passkey sign-in of the administrator (the first answer is cached for up to 30 s).
    const admin = await g.passkeySessionOf(passkey)
    const ok = await get('/admin/overview', bearer(admin))
    expect(ok.status, JSON.stringify(ok.body)).toBe(200)
    expect(ok.body).toMatchObject({
      admin: passkey.user.username,
      signedInWith: expect.arrayContaining(['hwk']),
    })
  })
})
