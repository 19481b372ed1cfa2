import { existsSync, readFileSync } from 'node:fs'
import http from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { dirname, join } from 'node:path'
import pino from 'pino'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SmtpMailTransport } from '../../src/adapters/notify/mail-transports.js'
import { type App, createApp } from '../../src/app.js'
import { loadConfig } from '../../src/config/index.js'
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases.js'
import { freshUser } from '../helpers/server.js'
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js'

/*
 * Passkeys end to end in headless Chromium with a CDP virtual authenticator: a small page, served
 * on http://localhost (a secure context) together with the Gatehouse API under the same origin,
 * registers a passkey, answers a login's second-factor challenge with it, and logs in without a
 * password, using @simplewebauthn/browser as an application would.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const haveChromium = existsSync(CHROMIUM)
if (!haveChromium) {
  console.warn(
    `\n*** ${CHROMIUM} is missing: the passkey browser test is SKIPPED (apt-get install chromium, or set CHROMIUM_PATH) ***\n`,
  )
}

const require = createRequire(import.meta.url)
// The package's own browser bundle (UMD: defines SimpleWebAuthnBrowser), next to its CommonJS entry.
const browserBundle = readFileSync(
  join(dirname(require.resolve('@simplewebauthn/browser')), '..', 'dist', 'bundle', 'index.umd.min.js'),
  'utf8',
)

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>Gatehouse passkey test</title>
<script src="/simplewebauthn-browser.js"></script>
<script>
const api = async (method, path, body, token) => {
  const res = await fetch(path, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: 'Bearer ' + token } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  })
  const text = await res.text()
  return { status: res.status, json: text ? JSON.parse(text) : null }
}
const { startRegistration, startAuthentication } = SimpleWebAuthnBrowser
window.registerPasskey = async (token) => {
  const o = await api('POST', '/v1/mfa/webauthn/register/options', undefined, token)
  const response = await startRegistration({ optionsJSON: o.json.options })
  return api('POST', '/v1/mfa/webauthn/register', { challenge_id: o.json.challenge_id, response, name: 'chromium' }, token)
}
window.secondFactor = async (challengeId) => {
  const o = await api('POST', '/v1/sessions/mfa/webauthn/options', { challenge_id: challengeId })
  const assertion = await startAuthentication({ optionsJSON: o.json.options })
  return api('POST', '/v1/sessions/mfa', {
    challenge_id: challengeId, method: 'webauthn', webauthn_challenge_id: o.json.webauthn_challenge_id, assertion,
  })
}
window.passwordless = async () => {
  const o = await api('POST', '/v1/sessions/passkey/options', {})
  const assertion = await startAuthentication({ optionsJSON: o.json.options })
  return api('POST', '/v1/sessions/passkey', { challenge_id: o.json.challenge_id, assertion })
}
</script></head><body><p>passkeys</p></body></html>`

/** The page and the API under one origin: the API part goes to the app through Fastify's inject. */
const startSite = async (app: () => App) => {
  const server = http.createServer(async (req, res) => {
    try {
      if (req.url === '/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE)
        return
      }
      if (req.url === '/simplewebauthn-browser.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(browserBundle)
        return
      }
      if (!req.url?.startsWith('/v1/')) {
        res.writeHead(404).end()
        return
      }
      const chunks: Buffer[] = []
      for await (const c of req) chunks.push(c as Buffer)
      const headers: Record<string, string> = {}
      for (const h of ['content-type', 'authorization', 'cookie']) {
        const v = req.headers[h]
        if (typeof v === 'string') headers[h] = v
      }
      const answer = await app().http.inject({
        method: req.method as 'GET' | 'POST' | 'DELETE',
        url: req.url,
        headers,
        ...(chunks.length > 0 ? { payload: Buffer.concat(chunks) } : {}),
      })
      const out: Record<string, string> = {
        'content-type': String(answer.headers['content-type'] ?? 'text/plain'),
      }
      res.writeHead(answer.statusCode, out).end(answer.rawPayload)
    } catch (e) {
      res.writeHead(500).end(String(e))
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, port: (server.address() as AddressInfo).port }
}

describe.skipIf(!haveChromium).each(databaseKinds())('passkeys in Chromium on %s', (kind) => {
  let app: App
  let db: TestDatabase
  let smtp: SmtpSink
  let site: Awaited<ReturnType<typeof startSite>>
  let browser: Browser
  let page: Page
  let origin: string

  beforeAll(async () => {
    site = await startSite(() => app)
    origin = `http://localhost:${site.port}`
    db = await createTestDatabase(kind)
    smtp = await startSmtpSink()
    const config = loadConfig({
      GATEHOUSE_DATA_DIR: db.dataDir,
      GATEHOUSE_PUBLIC_URL: origin,
      GATEHOUSE_LOG_LEVEL: 'silent',
      GATEHOUSE_SMTP_URL: smtp.url,
      GATEHOUSE_SECRET_KEY: Buffer.alloc(32, 9).toString('base64'),
      ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : {}),
    })
    app = await createApp(config, {
      logger: pino({ level: 'silent' }),
      database: await db.open(),
      mail: new SmtpMailTransport(smtp.url, config.mailFrom),
      manualWorkers: true,
    })
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    })
    page = await browser.newPage()
    const cdp = await page.context().newCDPSession(page)
    await cdp.send('WebAuthn.enable')
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    })
    await page.goto(`${origin}/`)
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await app?.close()
    await new Promise((r) => site?.server.close(r))
    await smtp?.close()
    await db?.drop()
  })

  const api = async (method: 'GET' | 'POST', url: string, body?: unknown, token?: string) => {
    const res = await app.http.inject({
      method,
      url,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body !== undefined ? { payload: body as Record<string, unknown> } : {}),
    })
    return { status: res.statusCode, json: res.body ? JSON.parse(res.body) : null }
  }

  it('registers a passkey, uses it as the second factor, then logs in with it alone', async () => {
    const user = freshUser('browser')
    expect((await api('POST', '/v1/accounts', user)).status).toBe(202)
    await app.workers.outbox.drain()
    const mail = await smtp.waitFor((m) => m.to.includes(user.email))
    expect((await api('POST', '/v1/accounts/verify', { token: smtp.tokenFrom(mail) })).status).toBe(200)
    const login = await api('POST', '/v1/sessions', { identifier: user.username, password: user.password })
    expect(login.status).toBe(201)

    const registered = await page.evaluate(
      (t) => (globalThis as unknown as PageFunctions).registerPasskey(t),
      login.json.token as string,
    )
    expect(registered.status).toBe(201)
    expect(registered.json.factor.kind).toBe('webauthn')
    expect(registered.json.recovery_codes).toHaveLength(10)

    const challenge = await api('POST', '/v1/sessions', {
      identifier: user.username,
      password: user.password,
    })
    expect(challenge.status).toBe(200)
    expect(challenge.json.methods).toContain('webauthn')
    const second = await page.evaluate(
      (id) => (globalThis as unknown as PageFunctions).secondFactor(id),
      challenge.json.challenge_id as string,
    )
    expect(second.status).toBe(201)
    const afterFirstUse = await api('GET', '/v1/mfa', undefined, second.json.token)
    expect(afterFirstUse.json.factors[0].last_used_at).not.toBeNull()

    const passwordless = await page.evaluate(() => (globalThis as unknown as PageFunctions).passwordless())
    expect(passwordless.status).toBe(201)
    const current = await api('GET', '/v1/sessions/current', undefined, passwordless.json.token)
    expect(current.json.account.username).toBe(user.username)

    // Chromium's virtual authenticator counts signatures: the stored counter moved with every use.
    const account = await app.store.accounts.findByUsername(user.username)
    const [key] = await app.services.passkeys.list(account!.id)
    expect(key!.counter).toBeGreaterThanOrEqual(2)
  }, 60_000)
})

// biome-ignore lint/suspicious/noExplicitAny: answers from the page are inspected field by field
type PageAnswer = { status: number; json: any }

/** What the test page defines on its window. */
interface PageFunctions {
  registerPasskey(token: string): Promise<PageAnswer>
  secondFactor(challengeId: string): Promise<PageAnswer>
  passwordless(): Promise<PageAnswer>
}
