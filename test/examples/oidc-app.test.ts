/**
 * examples/oidc-app against a real Gatehouse: Gatehouse in this process on the real clock, listening
 * on a free port whose URL is its issuer, and the example application as its own process, pointed
 * at it. A browser is played by fetch with a cookie jar: the example's /login → Gatehouse's
 * /oidc/auth (with a Gatehouse session cookie, made through the HTTP API) → the example's
 * /callback → its page, which must show the account's subject and what the sign-in proved.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type App, createApp } from '../../src/app.js'
import { loadConfig } from '../../src/config/index.js'
import { CookieJar, registerClient, type TestClient } from '../helpers/oidc.js'
import type { TestServer } from '../helpers/server.js'

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

/** Waits until `check` gives a value (polling every 50 ms, up to `ms`). */
const until = async <T>(check: () => T | null | undefined, what: string, ms = 10_000): Promise<T> => {
  const end = Date.now() + ms
  for (;;) {
    const v = check()
    if (v !== null && v !== undefined) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** One GET as a browser makes it: the jar's cookies out, Set-Cookie back in, no redirect followed. */
const get = async (jar: CookieJar, url: string) => {
  const res = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } })
  jar.take(res.headers.getSetCookie())
  return { status: res.status, location: res.headers.get('location'), body: await res.text(), url }
}

/** Follows redirects (relative ones against the URL that sent them) until a page answers. */
const browse = async (jar: CookieJar, start: string, maxHops = 12) => {
  const visited: string[] = []
  let url = start
  for (let i = 0; i < maxHops; i++) {
    visited.push(url)
    const r = await get(jar, url)
    if (!r.location || r.status < 300 || r.status >= 400) return { ...r, visited }
    url = new URL(r.location, url).href
  }
  throw new Error(`too many redirects: ${visited.join(' → ')}`)
}

describe('examples/oidc-app', () => {
  let app: App
  let dataDir: string
  let issuer: string
  let example: ChildProcess
  let exampleUrl: string
  const exampleLogs: string[] = []

  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${issuer}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    return { status: res.status, json: (await res.json()) as Record<string, unknown> }
  }

  /** Signs an account up, verifies it through the mail file, logs in: the session token. */
  const sessionToken = async (): Promise<{ token: string; username: string }> => {
    const user = { username: 'grace', email: 'grace@example.org', password: 'copper kettle season 1906' }
    expect((await post('/v1/accounts', user)).status).toBe(202)
    const mailDir = join(dataDir, 'mail')
    const token = await until(() => {
      const files = (() => {
        try {
          return readdirSync(mailDir)
        } catch {
          return []
        }
      })()
      for (const f of files) {
        const m = /^Token: (\S+)/m.exec(readFileSync(join(mailDir, f), 'utf8'))
        if (m) return m[1]
      }
      return null
    }, 'the verification mail')
    expect((await post('/v1/accounts/verify', { token })).status).toBe(200)
    const login = await post('/v1/sessions', { identifier: user.username, password: user.password })
    expect(login.status).toBe(201)
    return { token: String(login.json.token), username: user.username }
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-oidc-example-'))
    const port = await freePort()
    issuer = `http://127.0.0.1:${port}`
    const config = loadConfig({
      GATEHOUSE_DATA_DIR: dataDir,
      GATEHOUSE_PUBLIC_URL: issuer,
      GATEHOUSE_SECRET_KEY: Buffer.alloc(32, 5).toString('base64'),
      GATEHOUSE_METRICS_PORT: 'off',
      GATEHOUSE_WORKER_INTERVAL_MS: '50',
      GATEHOUSE_SHUTDOWN_GRACE_SECONDS: '0',
      GATEHOUSE_LOG_LEVEL: 'silent',
    })
    app = await createApp(config, { logger: pino({ level: 'silent' }) })
    await app.http.listen({ host: '127.0.0.1', port })
    app.startWorkers()

    const examplePort = await freePort()
    exampleUrl = `http://127.0.0.1:${examplePort}`
    // registerClient reads only the database and the clock of a test server.
    const s = { app, clock: { now: () => Date.now() } } as unknown as TestServer
    const client: TestClient = await registerClient(s, {
      name: 'Example application',
      redirectUris: [`${exampleUrl}/callback`],
      postLogoutRedirectUris: [`${exampleUrl}/`],
      scopes: ['openid', 'profile', 'email'],
      grantTypes: ['authorization_code'],
    })
    example = spawn(process.execPath, [join(ROOT, 'examples/oidc-app/server.mjs')], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        OIDC_ISSUER: issuer,
        OIDC_CLIENT_ID: client.id,
        OIDC_CLIENT_SECRET: client.secret,
        APP_URL: exampleUrl,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    example.stdout?.on('data', (c: Buffer) => exampleLogs.push(c.toString()))
    example.stderr?.on('data', (c: Buffer) => exampleLogs.push(c.toString()))
    await until(
      () => (exampleLogs.join('').includes('example application listening') ? true : null),
      `the example application to listen:\n${exampleLogs.join('')}`,
    )
  }, 60_000)

  afterAll(async () => {
    if (example && example.exitCode === null) {
      const exited = new Promise((r) => example.once('exit', r))
      example.kill('SIGTERM')
      await exited
    }
    await app?.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('signs a Gatehouse account in and shows its subject, acr and amr; signs it out', async () => {
    const jar = new CookieJar()
    const home = await get(jar, `${exampleUrl}/`)
    expect(home.body).toContain('Sign in with Gatehouse')

    const { token, username } = await sessionToken()
    const me = await fetch(`${issuer}/v1/sessions/current`, { headers: { authorization: `Bearer ${token}` } })
    const accountId = String(((await me.json()) as { account: { id: string } }).account.id)
    jar.set('gh_session', token)

    const signedIn = await browse(jar, `${exampleUrl}/login`)
    expect(signedIn.status, `${signedIn.visited.join('\n')}\n${signedIn.body}\n${exampleLogs.join('')}`).toBe(
      200,
    )
    const path = signedIn.visited.map((u) => new URL(u))
    expect(path[1]?.origin).toBe(issuer)
    expect(path[1]?.pathname).toBe('/oidc/auth')
    expect(path[1]?.searchParams.get('code_challenge_method')).toBe('S256')
    expect(path.some((u) => u.origin === exampleUrl && u.pathname === '/callback')).toBe(true)
    expect(signedIn.body).toContain(`<code id="sub">${accountId}</code>`)
    expect(signedIn.body).toContain('<code id="acr">urn:gatehouse:acr:pwd</code>')
    expect(signedIn.body).toContain('<code id="amr">pwd</code>')
    expect(signedIn.body).toContain(username)

    // A callback whose state is not the one the sign-in sent (a forged or replayed answer) signs nobody in.
    const fresh = new CookieJar()
    fresh.set('gh_session', token)
    let hop = await get(fresh, `${exampleUrl}/login`)
    while (hop.location && !hop.location.startsWith(`${exampleUrl}/callback`))
      hop = await get(fresh, new URL(hop.location, hop.url).href)
    const forged = new URL(hop.location ?? '')
    expect(forged.searchParams.get('code')).toBeTruthy()
    forged.searchParams.set('state', 'not-the-state-sent')
    const refused = await get(fresh, forged.href)
    expect(refused.status).toBe(502)
    expect(refused.body).toContain('Sign-in failed')
    expect((await get(fresh, `${exampleUrl}/`)).body).toContain('Sign in with Gatehouse')

    // Sign-out ends the sign-in here, then at Gatehouse (its logout page asks to confirm).
    const out = await browse(jar, `${exampleUrl}/logout`)
    expect(out.visited.some((u) => new URL(u).pathname === '/oidc/session/end')).toBe(true)
    expect((await get(jar, `${exampleUrl}/`)).body).toContain('Sign in with Gatehouse')
  }, 60_000)
})
