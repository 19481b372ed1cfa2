/**
 * examples/browser-sign-in as `npm run example:browser` starts it: its own process, pointed at a
 * listening Gatehouse by GATEHOUSE_URL. It serves the page bundled with the client and the worker,
 * and passes the API on with the cookies: a sign-in through it opens a cookie session. (The page
 * itself is driven in Chromium by test/browser/client.browser.test.ts.)
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createGatehouse, register, verifyEmail } from '@gatehouse/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createListeningServer } from '../helpers/oidc-server.js'
import { freshUser, type TestServer } from '../helpers/server.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

describe('examples/browser-sign-in, started with one command', () => {
  let server: TestServer & { origin: string }
  let example: ChildProcess
  let url = ''
  let output = ''

  beforeAll(async () => {
    server = await createListeningServer('sqlite')
    example = spawn(process.execPath, [join(ROOT, 'examples/browser-sign-in/server.mjs')], {
      env: { ...process.env, GATEHOUSE_URL: server.origin, PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    example.stdout?.on('data', (d) => {
      output += String(d)
    })
    example.stderr?.on('data', (d) => {
      output += String(d)
    })
    const end = Date.now() + 20_000
    while (!/on (http:\/\/localhost:\d+)/.test(output)) {
      if (Date.now() > end || example.exitCode !== null)
        throw new Error(`the example did not start: ${output}`)
      await new Promise((r) => setTimeout(r, 50))
    }
    url = /on (http:\/\/localhost:\d+)/.exec(output)![1]!
  }, 60_000)

  afterAll(async () => {
    example?.kill()
    await server?.close()
  })

  it('serves the page, the bundled client and the worker', async () => {
    const page = await fetch(`${url}/`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<script type="module" src="/app.js">')
    const app = await (await fetch(`${url}/app.js`)).text()
    // The client's own words are in the bundle: it came from the package.
    expect(app).toContain('/v1/sessions/passkey/options')
    expect(app).toContain('/pow-worker.js')
    const worker = await fetch(`${url}/pow-worker.js`)
    expect(worker.headers.get('content-type')).toBe('text/javascript')
    expect(await worker.text()).toContain('SHA-256')
  })

  it('passes the API on: a sign-in through it opens a cookie session, signing out ends it', async () => {
    const user = freshUser('example')
    const gh = createGatehouse({ baseUrl: server.origin, session: 'token' })
    await register(gh, { body: user })
    await server.deliver()
    const mail = await server.smtp.waitFor((m) => m.to.includes(user.email))
    await verifyEmail(gh, { body: { token: server.smtp.tokenFrom(mail) } })

    const signIn = await fetch(`${url}/v1/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identifier: user.username, password: user.password }),
    })
    expect(signIn.status).toBe(201)
    const cookie = signIn.headers
      .getSetCookie()
      .find((c) => c.startsWith('gh_session='))!
      .split(';')[0]!
    const current = await fetch(`${url}/v1/sessions/current`, { headers: { cookie } })
    expect(current.status).toBe(200)
    expect(((await current.json()) as { account: { username: string } }).account.username).toBe(user.username)
    const out = await fetch(`${url}/v1/sessions/current`, {
      method: 'DELETE',
      headers: { cookie, 'content-type': 'application/json' },
      body: '{}',
    })
    expect(out.ok).toBe(true)
    expect((await fetch(`${url}/v1/sessions/current`, { headers: { cookie } })).status).toBe(401)
  })
})
