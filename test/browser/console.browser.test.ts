import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { dirname, join } from 'node:path'
import pino from 'pino'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SmtpMailTransport } from '../../src/adapters/notify/mail-transports.js'
import { type App, createApp } from '../../src/app.js'
import { loadConfig } from '../../src/config/index.js'
import { defaultConsoleDir } from '../../src/http/console-routes.js'
import { totpCodeAt } from '../../src/modules/mfa/totp.js'
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases.js'
import { freshUser } from '../helpers/server.js'
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js'

/*
 * The admin console end to end: Gatehouse listening on loopback with the built console at
 * /console, driven by headless Chromium as a person would: sign in with a password and a TOTP
 * code, watch a recovery flood show on the overview, work the detection, find an account and
 * end its sessions, verify the audit chain, sign in again with a passkey. Every page is saved as a screenshot at 1280 and 390
 * pixels wide under test-artifacts/console/.
 *
 * The steps are `it` blocks run in order over one signed-in page: add a step by adding an `it`
 * (use `go`, `shoot` and `api` below).
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const haveChromium = existsSync(CHROMIUM)
if (!haveChromium) {
  console.warn(
    `\n*** ${CHROMIUM} is missing: the admin console browser test is SKIPPED (apt-get install chromium, or set CHROMIUM_PATH) ***\n`,
  )
}

const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'console')
const WIDTHS = [1280, 390] as const

/** A free port on loopback, so that the configured public URL (and the passkey origin) can name it. */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })

/** @simplewebauthn/browser's own bundle, evaluated in the page (through CDP: the console's CSP is untouched) to register a passkey. */
const webauthnBundle = readFileSync(
  join(
    dirname(createRequire(import.meta.url).resolve('@simplewebauthn/browser')),
    '..',
    'dist',
    'bundle',
    'index.umd.min.js',
  ),
  'utf8',
)

/** Builds the console if this checkout has no build yet (`npm run build` does it in CI). */
const ensureConsoleBuilt = async () => {
  if (defaultConsoleDir()) return
  const { build } = await import('vite')
  await build({ configFile: join(process.cwd(), 'console', 'vite.config.ts'), logLevel: 'warn' })
}

describe.skipIf(!haveChromium).each(databaseKinds())('the admin console in Chromium on %s', (kind) => {
  let app: App
  let db: TestDatabase
  let smtp: SmtpSink
  let browser: Browser
  let context: BrowserContext
  let page: Page
  let origin: string
  const admin = freshUser('consoleadmin')
  let adminPassword = ''
  let totpSecret = ''
  let recoveryCodes: string[] = []
  /** Problems the page itself reported: CSP violations, script errors. */
  const pageProblems: string[] = []

  /** A call to the API from the test (not the browser), e.g. to set things up. */
  const api = async (
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    opts: { body?: unknown; token?: string; ip?: string } = {},
  ) => {
    const res = await app.http.inject({
      method,
      url,
      headers: { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}) },
      ...(opts.body !== undefined ? { payload: opts.body as Record<string, unknown> } : {}),
      ...(opts.ip ? { remoteAddress: opts.ip } : {}),
    })
    return { status: res.statusCode, json: res.body ? JSON.parse(res.body) : null }
  }
  /** A fresh administrator session for the test's own API calls (each takes the next recovery code). */
  let codesUsed = 0
  const adminToken = async (): Promise<string> => {
    const first = await api('POST', '/v1/sessions', {
      body: { identifier: admin.username, password: adminPassword },
    })
    const second = await api('POST', '/v1/sessions/mfa', {
      body: {
        challenge_id: first.json.challenge_id,
        method: 'recovery_code',
        code: recoveryCodes[codesUsed++],
      },
    })
    expect(second.status).toBe(201)
    return second.json.token
  }
  /** Follows an in-app link from the navigation (as a click, like a person). */
  const go = async (label: string) => {
    const nav = page.getByRole('navigation', { name: 'Console sections' })
    if (!(await nav.isVisible())) await page.getByRole('button', { name: 'Menu' }).click()
    await nav.getByRole('link', { name: label, exact: true }).click()
    await expect.poll(() => page.locator('h1').first().textContent()).toBeTruthy()
  }
  /** Saves the page at each width, then returns to the wide one. */
  const shoot = async (name: string) => {
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 })
      await page.waitForTimeout(150)
      await page.screenshot({ path: join(ARTIFACTS, `${kind}-${name}-${width}.png`), fullPage: true })
    }
    await page.setViewportSize({ width: 1280, height: 900 })
  }
  /** A time as the console shows every one: date, time and the zone's name. */
  const ZONED = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/
  /** An account id shown raw, as the audit log and the detection keys store it. */
  const RAW_ACCOUNT = /account:[0-9a-f]{8}-/
  /** The visible text of a locator (folded <details> and title attributes left out). */
  const seen = (selector: string) => page.locator(selector).first().innerText()
  const figure = async (label: string) =>
    Number(
      await page
        .getByTestId('figures')
        .locator('div', { has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) })
        .locator('dd')
        .textContent(),
    )

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true })
    await ensureConsoleBuilt()
    db = await createTestDatabase(kind)
    smtp = await startSmtpSink()
    // localhost (a secure context, and a name WebAuthn accepts as relying party).
    const port = await freePort()
    origin = `http://localhost:${port}`
    const config = loadConfig({
      GATEHOUSE_DATA_DIR: db.dataDir,
      GATEHOUSE_PUBLIC_URL: origin,
      GATEHOUSE_LOG_LEVEL: 'silent',
      GATEHOUSE_SMTP_URL: smtp.url,
      GATEHOUSE_SECRET_KEY: Buffer.alloc(32, 11).toString('base64'),
      GATEHOUSE_GUARD: 'true',
      GATEHOUSE_POW_DIFFICULTY: '4',
      GATEHOUSE_STEP_UP_NEW_DEVICE: 'false',
      // One account a batch: the campaign's progress moves in steps the page can show.
      GATEHOUSE_CAMPAIGN_BATCH_SIZE: '1',
      ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : {}),
    })
    app = await createApp(config, {
      logger: pino({ level: 'silent' }),
      database: await db.open(),
      mail: new SmtpMailTransport(smtp.url, config.mailFrom),
      manualWorkers: true,
    })
    await app.http.listen({ port, host: '127.0.0.1' })

    // A staff account with its password changed and TOTP confirmed (code of the previous step,
    // so that the console's sign-in can use the current one).
    const { password } = await app.services.accounts.createAdmin({
      username: admin.username,
      email: admin.email,
    })
    const first = await api('POST', '/v1/sessions', { body: { identifier: admin.username, password } })
    adminPassword = 'granite harbour 77 lantern'
    const changed = await api('POST', '/v1/me/password', {
      token: first.json.token,
      body: { current_password: password, new_password: adminPassword },
    })
    expect(changed.status).toBe(200)
    const enrol = await api('POST', '/v1/mfa/totp', { token: first.json.token })
    totpSecret = enrol.json.secret
    const confirmed = await api('POST', '/v1/mfa/totp/confirm', {
      token: first.json.token,
      body: { code: totpCodeAt(totpSecret, Date.now() - 30_000) },
    })
    expect(confirmed.status).toBe(200)
    recoveryCodes = confirmed.json.recovery_codes

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
    // The browser's zone is named on every time; UTC here, so that the test can say which.
    context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
      timezoneId: 'UTC',
    })
    page = await context.newPage()
    const cdp = await context.newCDPSession(page)
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
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of (401|403|404|409|429)/.test(m.text()))
        pageProblems.push(m.text())
    })
    page.on('pageerror', (e) => pageProblems.push(String(e)))
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await app?.close()
    await smtp?.close()
    await db?.drop()
  })

  it('serves the console under the strict CSP', async () => {
    const res = await fetch(`${origin.replace('localhost', '127.0.0.1')}/console/`)
    expect(res.status).toBe(200)
    const csp = res.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("default-src 'none'")
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toContain('unsafe-inline')
    const html = await res.text()
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/)
  })

  it('signs in with the password and a TOTP code, by keyboard', async () => {
    await page.goto(`${origin}/console/`)
    await expect.poll(() => page.locator('h1').textContent()).toBe('Gatehouse console')
    await shoot('signin')
    // A wrong password shows the problem's title, not a blank page.
    await page.getByLabel('Username, email or phone').fill(admin.username)
    await page.getByLabel('Password').fill('not the password at all')
    await page.keyboard.press('Enter')
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain('The identifier or password is wrong')

    await page.getByLabel('Password').fill(adminPassword)
    await page.keyboard.press('Enter')
    const code = page.getByLabel('Code from your authenticator app')
    await code.waitFor()
    await expect.poll(() => page.evaluate('document.activeElement?.id')).toBe('code')
    await page.keyboard.type(totpCodeAt(totpSecret, Date.now()))
    await page.keyboard.press('Enter')
    await page.getByText(`Signed in as ${admin.username}`).waitFor()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Overview')
    // The token lives in memory only: nothing in storage or cookies.
    expect(await page.evaluate('[localStorage.length, sessionStorage.length, document.cookie]')).toEqual([
      0,
      0,
      '',
    ])
    expect((await context.cookies()).filter((c) => c.name === 'gh_session')).toEqual([])
  })

  let victimEmail = ''
  let victimName = ''
  let victimToken = ''
  it('shows a recovery flood on the overview as it happens', async () => {
    await page.getByTestId('figures').waitFor()
    const requestsBefore = await figure('Recovery requests')
    const sentBefore = await figure('Recovery messages sent')

    // A victim with a live session, and a flood of reset requests for it from many addresses.
    const victim = freshUser('victim')
    victimEmail = victim.email
    victimName = victim.username
    expect((await api('POST', '/v1/accounts', { body: victim })).status).toBe(202)
    await app.workers.outbox.drain()
    const mail = await smtp.waitFor((m) => m.to.includes(victim.email))
    expect((await api('POST', '/v1/accounts/verify', { body: { token: smtp.tokenFrom(mail) } })).status).toBe(
      200,
    )
    const login = await api('POST', '/v1/sessions', {
      body: { identifier: victim.username, password: victim.password },
      ip: '203.0.113.50',
    })
    expect(login.status).toBe(201)
    victimToken = login.json.token
    for (let i = 0; i < 25; i++) {
      const r = await api('POST', '/v1/recovery', { body: { identifier: victim.email }, ip: `198.18.${i}.7` })
      expect(r.status).toBe(202)
    }
    await app.workers.recovery.drain()
    await app.workers.outbox.drain()

    // The overview refreshes itself (every 10 s): the figures move without a click.
    await expect
      .poll(() => figure('Recovery requests'), { timeout: 15_000, interval: 500 })
      .toBe(requestsBefore + 25)
    const sent = (await figure('Recovery messages sent')) - sentBefore
    expect(sent).toBeGreaterThanOrEqual(1)
    expect(sent).toBeLessThan(25)
    expect(await figure('Recovery suppressed')).toBe(25 - sent)
    expect(await figure('Open detections')).toBeGreaterThanOrEqual(1)
    await shoot('overview')
    // As a person does: a click on the label (the radio itself is a 1-pixel box under it).
    await page.getByText('Last day', { exact: true }).click()
    expect(await page.getByRole('radio', { name: 'Last day' }).isChecked()).toBe(true)
    await expect.poll(() => page.getByText('in buckets of 60 minutes').count()).toBe(1)
    expect(await figure('Recovery requests')).toBe(requestsBefore + 25)
    await shoot('overview-day')
  })

  it('lists the detection and resolves it after a confirmation', async () => {
    await go('Detections')
    const row = page.getByRole('row', { name: /recovery flood/ }).filter({ hasText: victimName })
    await row.first().waitFor()
    // The source is the account by name and role, its id behind a copy button; the counts in words.
    const rowText = await row.first().innerText()
    expect(rowText).toContain(`${victimName}`)
    expect(rowText).toMatch(/\buser\b/)
    expect(rowText).toMatch(
      /\d+ recovery requests from \d+ addresses in [^;]+; \d+ requests? counted while open/,
    )
    expect(await seen('main table tbody')).not.toMatch(RAW_ACCOUNT)
    expect(await row.first().locator('[data-account-id]').getAttribute('title')).toMatch(
      /^Account id [0-9a-f-]{36}$/,
    )
    expect(await row.first().locator('time').textContent()).toMatch(ZONED)
    expect(await row.first().locator('.ago').textContent()).toMatch(/^ \((just now|\d+ min ago)\)$/)
    await shoot('detections')
    await row
      .first()
      .getByRole('link', { name: /^#\d+$/ })
      .click()
    await page.getByRole('heading', { name: 'Timeline' }).waitFor()
    // Events as sentences: the detection's own, and the flood of suppressed resets behind it.
    await page
      .getByText(new RegExp(`^Detection #\\d+: recovery flood from account ${victimName} — recorded only`))
      .first()
      .waitFor()
    await page
      .getByText(/^Password reset requested by email — suppressed: /)
      .first()
      .waitFor()
    expect(await seen('main')).not.toMatch(RAW_ACCOUNT)
    // The raw fields are folded away, one click from each sentence.
    const raw = page.locator('ol.timeline details.raw').first()
    expect(await raw.locator('dl').isVisible()).toBe(false)
    await raw.locator('summary').click()
    expect(await raw.locator('dl').innerText()).toMatch(/type\s+\S+/)
    await shoot('detection')
    await page.getByRole('button', { name: 'Resolve', exact: true }).click()
    const dialog = page.getByRole('alertdialog')
    await expect.poll(() => dialog.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true)
    await dialog.getByRole('button', { name: 'Resolve' }).click()
    await page.getByText('The detection was resolved.').waitFor()
    await expect.poll(() => page.getByText('resolved', { exact: true }).count()).toBeGreaterThanOrEqual(1)
  })

  it('finds an account by email, shows it, and revokes its sessions', async () => {
    await go('Accounts')
    await page.getByLabel('Username, email address or phone number (+E.164)').fill(victimEmail.toUpperCase())
    await page.keyboard.press('Enter')
    const link = page.getByRole('table').getByRole('link')
    await link.waitFor()
    await shoot('accounts')
    await link.click()
    await page.getByRole('heading', { name: 'Live sessions (1)' }).waitFor()
    expect(await page.content()).not.toContain(victimEmail)
    // The account's timeline in words, each with its zoned time.
    const timeline = page.getByRole('region', { name: 'Recent security events' })
    await timeline
      .getByText(/^Password reset requested by email — suppressed: /)
      .first()
      .waitFor()
    await timeline.getByText('Signed in with the password').first().waitFor()
    expect(await timeline.locator('time').first().textContent()).toMatch(ZONED)
    expect(await timeline.innerText()).not.toMatch(/recovery\.suppressed|authn_login_success/)
    await timeline.locator('details.raw summary').first().click()
    await shoot('account')
    await timeline.screenshot({ path: join(ARTIFACTS, `${kind}-account-timeline.png`) })
    await page.getByRole('button', { name: 'Revoke all sessions' }).click()
    await page.getByRole('alertdialog').getByRole('button', { name: 'Revoke sessions' }).click()
    await page.getByText('1 session revoked.').waitFor()
    await page.getByRole('heading', { name: 'Live sessions (0)' }).waitFor()
    expect((await api('GET', '/v1/sessions/current', { token: victimToken })).status).toBe(401)
  })

  it('shows the audit log and verifies its chain', async () => {
    await go('Audit')
    await page.getByRole('cell', { name: 'account.sessions_revoke' }).waitFor()
    expect(await page.getByRole('cell', { name: 'account.lookup' }).count()).toBeGreaterThanOrEqual(1)
    // Actor and target by name (the ids in titles and behind copy buttons), times with their zone.
    const revoke = page
      .getByRole('row')
      .filter({ has: page.getByRole('cell', { name: 'account.sessions_revoke' }) })
    const revokeText = await revoke.first().innerText()
    expect(revokeText).toContain(admin.username)
    expect(revokeText).toContain(victimName)
    // Actor (3rd) and target (5th) columns: names, never raw ids.
    for (const column of [3, 5])
      for (const cell of await page.locator(`main table tbody td:nth-child(${column})`).allInnerTexts())
        expect(cell).not.toMatch(RAW_ACCOUNT)
    expect(await revoke.first().locator('time').textContent()).toMatch(ZONED)
    // The details are a definition list: each label in its own column, apart from its value.
    const field = revoke.first().locator('dl.fields dt').first()
    const value = revoke.first().locator('dl.fields dd').first()
    const [fb, vb] = [await field.boundingBox(), await value.boundingBox()]
    expect(fb && vb && fb.x + fb.width <= vb.x).toBe(true)
    await revoke.first().screenshot({ path: join(ARTIFACTS, `${kind}-audit-detail.png`) })
    await page.getByRole('button', { name: 'Verify the chain' }).click()
    await expect
      .poll(() => page.getByTestId('verify-result').textContent())
      .toMatch(/^Intact: \d+ entries verified/)
    await shoot('audit')
  })

  it('revokes an external API key from the access review after a confirmation', async () => {
    const token = await adminToken()
    const me = (await api('GET', '/v1/sessions/current', { token })).json.account.id as string
    const client = await api('POST', '/v1/admin/clients', {
      token,
      body: { name: 'billing-sync', owner_account_id: me },
    })
    expect(client.status).toBe(201)
    const key = await api('POST', `/v1/admin/clients/${client.json.id}/keys`, {
      token,
      body: { scopes: ['*'], expires_in_days: 30 },
    })
    expect(key.status).toBe(201)
    expect((await api('GET', '/v1/admin/audit/verify', { token: key.json.key })).status).toBe(200)

    await go('Access review')
    const row = page.getByRole('row', { name: /billing-sync/ })
    await row.waitFor()
    expect(await row.textContent()).toContain('wildcard scope')
    await shoot('access-review')
    await row.getByRole('checkbox').check()
    await page.getByRole('button', { name: 'Revoke selected (1)' }).click()
    const dialog = page.getByRole('alertdialog')
    expect(await dialog.textContent()).toContain('billing-sync')
    await dialog.getByRole('button', { name: 'Revoke now' }).click()
    await expect.poll(() => page.getByTestId('bulk-outcome').textContent()).toContain('Revoke: 1 of 1 done')
    expect(await page.getByRole('alertdialog').count()).toBe(0)
    await shoot('access-review-revoked')
    expect((await api('GET', '/v1/admin/audit/verify', { token: key.json.key })).status).toBe(401)
  })

  /** An account signed up, verified and logged in from `ip`: its live session's token. */
  const signedUp = async (prefix: string, ip: string) => {
    const user = freshUser(prefix)
    expect((await api('POST', '/v1/accounts', { body: user })).status).toBe(202)
    await app.workers.outbox.drain()
    const mail = await smtp.waitFor((m) => m.to.includes(user.email))
    expect((await api('POST', '/v1/accounts/verify', { body: { token: smtp.tokenFrom(mail) } })).status).toBe(
      200,
    )
    const login = await api('POST', '/v1/sessions', {
      body: { identifier: user.username, password: user.password },
      ip,
    })
    expect(login.status).toBe(201)
    return { ...user, token: login.json.token as string }
  }
  /** The figure of `label` in a list of figures. */
  const factIn = async (testId: string, label: string) =>
    Number(
      await page
        .getByTestId(testId)
        .locator('div', { has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) })
        .locator('dd')
        .textContent(),
    )

  let leaked: Array<Awaited<ReturnType<typeof signedUp>>> = []
  const incidentTitle = 'Forum dump of November'
  it('opens an incident and imports a small leak, with progress and the exposed accounts', async () => {
    leaked = [
      await signedUp('leaked', '203.0.113.61'),
      await signedUp('leaked', '203.0.113.62'),
      await signedUp('leaked', '203.0.113.63'),
    ]
    await go('Incidents')
    await expect.poll(() => page.locator('h1').textContent()).toBe('Incidents')
    await page.getByRole('table').waitFor()
    await shoot('incidents')
    await page.getByLabel('Title').fill(incidentTitle)
    await page.getByLabel('Severity').selectOption('critical')
    await page.getByLabel('Summary').fill("A forum published a list of our users' email addresses.")
    await page.getByRole('button', { name: 'Open incident' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe(incidentTitle)
    await page.getByRole('tab', { name: 'Timeline' }).waitFor()
    await expect.poll(() => page.getByText('incident.create').count()).toBeGreaterThanOrEqual(1)
    // Who opened it and who acted on its timeline, by name.
    const opened = page.locator('dl div', { has: page.locator('dt', { hasText: /^Opened$/ }) }).first()
    expect(await opened.innerText()).toContain(admin.username)
    const created = page.locator('ol.timeline li').filter({ hasText: 'incident.create' }).first()
    expect(await created.innerText()).toMatch(new RegExp(`by\\s+${admin.username}\\s+admin`))
    expect(await seen('main')).not.toMatch(RAW_ACCOUNT)
    await shoot('incident')

    // A CSV as a leak looks: the three users (one address in capitals), a stranger, and junk rows.
    const csv = [
      'email,city,password_hash',
      `${leaked[0]!.email},Lyon,$2b$10$abc`,
      `${leaked[1]!.email.toUpperCase()},Oslo,$2b$10$def`,
      `"${leaked[2]!.email}","Porto, PT",$2b$10$ghi`,
      'nobody-here@example.invalid,Rome,$2b$10$jkl',
      'not an address,Nice,x',
      'too,many,columns,here',
      '',
    ].join('\n')
    await page.getByRole('tab', { name: 'Leak import' }).click()
    await page.getByLabel('File (CSV with a header row, or JSON lines)').setInputFiles({
      name: 'forum-dump.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    })
    // The mapping is proposed from the file's header.
    await expect
      .poll(() => page.getByTestId('leak-columns').textContent())
      .toContain('email, city, password_hash')
    expect(await page.getByLabel('email', { exact: true }).inputValue()).toBe('email')
    expect(await page.getByLabel('location', { exact: true }).inputValue()).toBe('city')
    expect(await page.getByLabel('username', { exact: true }).inputValue()).toBe('')
    await page.getByRole('button', { name: 'Import', exact: true }).click()
    const bar = page.getByRole('progressbar', { name: 'File sent (bytes)' })
    await bar.waitFor()
    await expect.poll(() => bar.getAttribute('aria-valuenow')).toBe(String(Buffer.byteLength(csv)))
    expect(await bar.getAttribute('aria-valuemax')).toBe(String(Buffer.byteLength(csv)))
    await expect
      .poll(() => page.getByTestId('current-import').textContent())
      .toMatch(/done — 6 rows read, 3 matched an account, 2 unreadable; 3 accounts exposed\./)
    await page.getByRole('heading', { name: 'Exposed accounts (3)' }).waitFor()
    for (const u of leaked) await page.getByRole('link', { name: u.username }).waitFor()
    expect(await page.getByRole('row', { name: new RegExp(leaked[2]!.username) }).textContent()).toContain(
      'email, location',
    )
    // No contact data from the leak is shown back.
    expect(await page.content()).not.toContain(leaked[0]!.email)
    await shoot('incident-import')
  })

  it('runs a forced password reset over the exposed accounts: dry run, confirmation, progress to completed', async () => {
    // The app's real campaign worker (the test drives the others by hand).
    app.workers.campaigns.start()
    await page.getByRole('tab', { name: 'Campaigns' }).click()
    await page.getByLabel('Action').selectOption('force_password_reset')
    await page.getByRole('button', { name: 'Dry run: count the accounts' }).click()
    const dialog = page.getByRole('alertdialog')
    await dialog.waitFor()
    expect(await dialog.getByRole('heading').textContent()).toBe('Force a password reset for 3 accounts?')
    expect(await page.getByTestId('dry-run').textContent()).toContain('selected 3 accounts')
    expect(await factIn('dry-run-effects', 'Accounts that must reset their password')).toBe(3)
    expect(await factIn('dry-run-effects', 'Live sessions that end')).toBe(3)
    await shoot('incident-campaign-dry-run')
    // Nothing was created by the dry run.
    expect((await api('GET', '/v1/admin/campaigns', { token: await adminToken() })).json.campaigns).toEqual(
      [],
    )
    await dialog.getByRole('button', { name: 'Start the campaign' }).click()
    await expect.poll(() => page.getByRole('alertdialog').count()).toBe(0)
    const progress = page.getByTestId('campaign-progress')
    await expect
      .poll(() => progress.getByTestId('campaign-status').textContent(), { timeout: 20_000, interval: 250 })
      .toBe('completed')
    const bar = progress.getByRole('progressbar', { name: 'Accounts handled' })
    expect(await bar.getAttribute('aria-valuenow')).toBe('3')
    expect(await bar.getAttribute('aria-valuemax')).toBe('3')
    expect(await progress.textContent()).toContain('3 sessions revoked')
    await expect
      .poll(() => page.getByTestId('incident-campaigns').textContent(), { timeout: 5000 })
      .toContain('force password reset: completed, 3 of 3 done')
    await shoot('incident-campaign')
  })

  it('shows the report with its fast facts and downloads it as Markdown and JSON', async () => {
    await page.getByRole('tab', { name: 'Report' }).click()
    await page.getByTestId('fast-facts').waitFor()
    expect(await factIn('fast-facts', 'Accounts exposed')).toBe(3)
    expect(await factIn('fast-facts', 'Password resets forced')).toBe(3)
    expect(await factIn('fast-facts', 'Sessions revoked')).toBe(3)
    expect(await page.getByTestId('fields-exposed').textContent()).toBe('email (3), location (3)')
    expect(await page.getByTestId('report-chain').textContent()).toMatch(/Audit chain: verified, \d+ entries/)
    await page.getByRole('button', { name: 'Show the Markdown' }).click()
    expect(await page.getByTestId('report-markdown').textContent()).toContain('| Accounts exposed | 3 |')
    await shoot('incident-report')

    const [md] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download Markdown' }).click(),
    ])
    expect(md.suggestedFilename()).toBe('incident-forum-dump-of-november.md')
    const markdown = readFileSync(await md.path(), 'utf8')
    expect(markdown).toContain(`# Incident report: ${incidentTitle}`)
    expect(markdown).toContain('| Accounts exposed | 3 |')
    expect(markdown).toContain('| Password resets forced | 3 |')
    const [js] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download JSON' }).click(),
    ])
    expect(js.suggestedFilename()).toBe('incident-forum-dump-of-november.json')
    const report = JSON.parse(readFileSync(await js.path(), 'utf8'))
    expect(report.fast_facts).toMatchObject({ accounts_exposed: 3, resets_forced: 3, sessions_revoked: 3 })
    expect(report.campaigns).toMatchObject([{ action: 'force_password_reset', status: 'completed', done: 3 }])

    // The exposed users' sessions from before the campaign are over, and their passwords open none.
    for (const u of leaked) {
      expect((await api('GET', '/v1/sessions/current', { token: u.token })).status).toBe(401)
    }
    const again = await api('POST', '/v1/sessions', {
      body: { identifier: leaked[0]!.username, password: leaked[0]!.password },
      ip: '203.0.113.61',
    })
    expect(again.status).toBe(403)
    expect(again.json.code).toBe('password_reset_required')

    // The timeline tells the story: opened, the import's start and end, the campaign and its end.
    await page.getByRole('tab', { name: 'Timeline' }).click()
    for (const kind of [
      'incident.create',
      'import.started',
      'import.finished',
      'campaign.create',
      'campaign.completed',
    ])
      await page.getByRole('tabpanel').getByText(kind, { exact: true }).first().waitFor()
    await shoot('incident-timeline')
  })

  it('forces a password reset for one account from its page (a campaign of one)', async () => {
    const holder = await signedUp('oneholder', '203.0.113.70')
    await go('Accounts')
    await page.getByLabel('Username, email address or phone number (+E.164)').fill(holder.username)
    await page.keyboard.press('Enter')
    await page.getByRole('table').getByRole('link', { name: holder.username }).click()
    await page.getByRole('heading', { name: 'Live sessions (1)' }).waitFor()
    await page.getByRole('button', { name: 'Force password reset' }).click()
    await page.getByRole('alertdialog').getByRole('button', { name: 'Force reset' }).click()
    await page.getByText('A password reset was forced through a one-account campaign.').waitFor()
    await expect
      .poll(() => page.getByTestId('campaign-status').textContent(), { timeout: 20_000, interval: 250 })
      .toBe('completed')
    // The page reads the account again once its campaign is done.
    await page.getByRole('heading', { name: 'Live sessions (0)' }).waitFor()
    await page.getByText('password reset required').first().waitFor()
    await shoot('account-force-reset')
    expect((await api('GET', '/v1/sessions/current', { token: holder.token })).status).toBe(401)
  })

  it('disables, enables, edits and deletes an account from its page, each confirmed', async () => {
    const holder = await signedUp('lifecycle', '203.0.113.71')
    await go('Accounts')
    await page.getByLabel('Username, email address or phone number (+E.164)').fill(holder.username)
    await page.keyboard.press('Enter')
    await page.getByRole('table').getByRole('link', { name: holder.username }).click()
    await page.getByRole('heading', { name: 'Live sessions (1)' }).waitFor()
    const panel = page.getByRole('region', { name: 'Administration' })
    const confirm = (name: string) =>
      page.getByRole('alertdialog').getByRole('button', { name, exact: true }).click()
    await panel.getByRole('button', { name: 'Disable', exact: true }).click()
    await confirm('Disable now')
    await page.getByText('The account is disabled.').waitFor()
    await page.getByRole('heading', { name: 'Live sessions (0)' }).waitFor()
    await page.getByText('disabled', { exact: true }).first().waitFor()
    expect((await api('GET', '/v1/sessions/current', { token: holder.token })).status).toBe(401)
    await panel.getByRole('button', { name: 'Enable', exact: true }).click()
    await confirm('Enable')
    await page.getByText('The account is enabled again.').waitFor()
    await panel.getByRole('button', { name: 'Edit', exact: true }).click()
    await page.getByLabel('Language of mails and texts').selectOption('de')
    await page.getByRole('button', { name: 'Save', exact: true }).click()
    await page.getByText('The account was changed.').waitFor()
    expect((await app.store.accounts.findByUsername(holder.username))?.locale).toBe('de')
    await shoot('account-administration')
    await panel.getByRole('button', { name: 'Delete', exact: true }).click()
    await confirm('Delete now')
    await page.getByLabel('Username, email address or phone number (+E.164)').waitFor()
    expect(await app.store.accounts.findByUsername(holder.username)).toBeNull()
  })

  it("shows the incident's work in the audit log, and the chain still verifies", async () => {
    await go('Audit')
    await page.getByRole('cell', { name: 'campaign.complete' }).first().waitFor()
    for (const action of ['incident.create', 'incident.import', 'campaign.create', 'incident.report'])
      expect(await page.getByRole('cell', { name: action, exact: true }).count()).toBeGreaterThanOrEqual(1)
    await page.getByRole('button', { name: 'Verify the chain' }).click()
    await expect
      .poll(() => page.getByTestId('verify-result').textContent())
      .toMatch(/^Intact: \d+ entries verified/)
  })

  it('signs in again with a passkey as the second factor', async () => {
    // A passkey for the administrator, registered from the console's page (a session opened with a
    // recovery code: the TOTP steps of this half-minute are spent).
    const token = await adminToken()
    await page.evaluate(webauthnBundle)
    const registered = await page.evaluate(async (token: string) => {
      const g = globalThis as unknown as {
        SimpleWebAuthnBrowser: { startRegistration: (o: { optionsJSON: unknown }) => Promise<unknown> }
        fetch: (
          u: string,
          i: Record<string, unknown>,
        ) => Promise<{ status: number; json(): Promise<Record<string, unknown>> }>
      }
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
      const o = await (
        await g.fetch('/v1/mfa/webauthn/register/options', { method: 'POST', headers, body: '{}' })
      ).json()
      const response = await g.SimpleWebAuthnBrowser.startRegistration({ optionsJSON: o.options })
      const r = await g.fetch('/v1/mfa/webauthn/register', {
        method: 'POST',
        headers,
        body: JSON.stringify({ challenge_id: o.challenge_id, response, name: 'console test' }),
      })
      return r.status
    }, token)
    expect(registered).toBe(201)

    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.getByLabel('Username, email or phone').fill(admin.username)
    await page.getByLabel('Password').fill(adminPassword)
    await page.keyboard.press('Enter')
    await page.getByRole('button', { name: 'Use a passkey' }).click()
    await page.getByText(`Signed in as ${admin.username}`).waitFor()
    await go('Audit')
    await page.getByRole('cell', { name: 'account.sessions_revoke' }).waitFor()
  })

  it('lists dead letters without their address, and sends them again', async () => {
    // A notice the relay never took within the retry horizon (the worker's part is tested elsewhere).
    const to = `dead.letter.${kind}@example.org`
    await app.store.ledger.insert(
      {
        channel: 'email',
        recipient: to,
        template: 'security_change',
        payload: { username: 'someone', change: 'factor_added' },
        accountId: null,
        kind: 'notice',
        destination: to,
        region: null,
      },
      Date.now(),
    )
    const row = await app.database.db
      .selectFrom('outbox')
      .select('id')
      .where('recipient', '=', to)
      .executeTakeFirstOrThrow()
    await app.store.outboxQueue.deadLetter(row.id, 200, 'connect ECONNREFUSED 127.0.0.1:25', Date.now())
    await go('Dead letters')
    await page.getByRole('cell', { name: 'security_change' }).waitFor()
    expect(await page.locator('main').textContent()).not.toContain(to)
    await shoot('dead-letters')
    await page.getByRole('button', { name: 'Send all again' }).click()
    await page.getByRole('button', { name: 'Send again' }).click()
    await page.getByText('1 messages queued again.').waitFor()
    await app.workers.outbox.drain()
    await smtp.waitFor((m) => m.to.includes(to), 5000)
  })

  it('registers an application, shows its secret once, edits, rotates, disables and deletes it', async () => {
    await go('Applications')
    const form = page.getByRole('form', { name: 'Register an application' })
    await form.getByLabel('Name', { exact: true }).fill('Team wiki')
    await form.getByLabel(/^Redirect URIs, one a line/).fill('https://wiki.example.com/callback')
    await form.getByRole('checkbox', { name: 'email' }).check()
    await form.getByRole('button', { name: 'Register' }).click()
    const first = await page.getByTestId('secret-value').textContent()
    expect(first).toMatch(/ghs_[A-Za-z0-9_-]{43}/)
    await shoot('applications-created')
    await page.getByRole('button', { name: 'Done' }).click()
    expect(await page.getByTestId('client-secret').count()).toBe(0)
    const row = page.getByRole('row', { name: /Team wiki/ })
    await row.waitFor()
    expect(await row.textContent()).not.toContain(first!.slice(4, 20))

    await row.getByRole('button', { name: 'Edit' }).click()
    const edit = page.getByRole('form', { name: 'Edit Team wiki' })
    await edit.getByLabel('Sign-ins must prove').selectOption('mfa')
    await edit.getByRole('button', { name: 'Save changes' }).click()
    await expect.poll(() => row.getByRole('cell', { name: 'mfa', exact: true }).count()).toBe(1)

    await row.getByRole('button', { name: 'Rotate secret' }).click()
    await page.getByRole('alertdialog').getByRole('button', { name: 'Rotate now' }).click()
    const second = await page.getByTestId('secret-value').textContent()
    expect(second).toMatch(/ghs_/)
    expect(second).not.toBe(first)
    await page.getByRole('button', { name: 'Done' }).click()

    await row.getByRole('button', { name: 'Disable' }).click()
    await page.getByRole('alertdialog').getByRole('button', { name: 'Disable now' }).click()
    await row.getByText('disabled', { exact: true }).waitFor()
    await shoot('applications')
    await row.getByRole('button', { name: 'Delete' }).click()
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete now' }).click()
    await expect.poll(() => page.getByRole('row', { name: /Team wiki/ }).count()).toBe(0)
    const token = await adminToken()
    const audit = await api('GET', '/v1/admin/audit?limit=10', { token })
    const actions = (audit.json.entries as Array<{ action: string }>).map((e) => e.action)
    expect(actions).toEqual(
      expect.arrayContaining([
        'oidc_client.create',
        'oidc_client.update',
        'oidc_client.rotate_secret',
        'oidc_client.disable',
        'oidc_client.delete',
      ]),
    )
  })

  it('reported no script error or CSP violation', () => {
    expect(pageProblems).toEqual([])
  })
})
