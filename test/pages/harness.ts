/*
 * The account pages end to end: a Gatehouse started in this process on SQLite or PostgreSQL with
 * an SMTP sink and SMS written as files, Debian's Chromium driven by playwright-core, axe-core run
 * in the page on every screen, and screenshots of every screen at 1280 and 390 px wide under
 * test-artifacts/pages/<lang>/.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { join } from 'node:path'
import pino from 'pino'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'
import { expect } from 'vitest'
import { SmtpMailTransport } from '../../src/adapters/notify/mail-transports.js'
import { type App, createApp } from '../../src/app.js'
import { loadConfig } from '../../src/config/index.js'
import { defaultPagesDir } from '../../src/http/pages-routes.js'
import {
  createTestDatabase,
  type DatabaseKind,
  databaseKinds,
  type TestDatabase,
} from '../helpers/databases.js'
import { type SinkMessage, type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const haveChromium = existsSync(CHROMIUM)
if (!haveChromium) {
  console.warn(
    `\n*** ${CHROMIUM} is missing: the account pages browser tests are SKIPPED (apt-get install chromium, or set CHROMIUM_PATH) ***\n`,
  )
}

/** The databases the pages are tested on: SQLite always, PostgreSQL when TEST_DATABASE_URL is set (it says so loudly when not). */
export const pageDatabases = (): DatabaseKind[] => databaseKinds()

export const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'pages')

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })

const ensurePagesBuilt = async () => {
  if (defaultPagesDir()) return
  const { build } = await import('vite')
  await build({ configFile: join(process.cwd(), 'pages', 'vite.config.ts'), logLevel: 'warn' })
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

export interface PagesHarness {
  app: App
  origin: string
  smtp: SmtpSink
  db: TestDatabase
  browser: Browser
  kind: DatabaseKind
  /** A fresh browser context (its own cookies) and page; console errors and page errors are collected. */
  newPage(opts?: {
    locale?: string
    width?: number
  }): Promise<{ context: BrowserContext; page: Page; problems: string[] }>
  /** The next mail to `address` matching `subject` (a regular expression), waiting for it. */
  mailTo(address: string, subject?: RegExp): Promise<SinkMessage>
  /** The first link of a mail to a path of the pages (`/verify-email`), as the mail has it. */
  linkIn(mail: SinkMessage, path: string): string
  /** Every SMS written so far to `number` (newest last). */
  texts(number: string): string[]
  close(): Promise<void>
}

/** Starts Gatehouse (workers running, as `gatehouse serve` does) and Chromium. */
export const startPages = async (
  kind: DatabaseKind,
  env: Record<string, string> = {},
): Promise<PagesHarness> => {
  mkdirSync(ARTIFACTS, { recursive: true })
  await ensurePagesBuilt()
  const db = await createTestDatabase(kind)
  const smtp = await startSmtpSink()
  const port = await freePort()
  const origin = `http://localhost:${port}`
  const config = loadConfig({
    GATEHOUSE_DATA_DIR: db.dataDir,
    GATEHOUSE_PUBLIC_URL: origin,
    GATEHOUSE_LOG_LEVEL: 'silent',
    GATEHOUSE_SMTP_URL: smtp.url,
    GATEHOUSE_SECRET_KEY: Buffer.alloc(32, 19).toString('base64'),
    GATEHOUSE_WORKER_INTERVAL_MS: '50',
    ...env,
  })
  const app = await createApp(config, {
    logger: pino({ level: 'silent' }),
    database: await db.open(),
    mail: new SmtpMailTransport(smtp.url, config.mailFrom),
  })
  await app.http.listen({ port, host: '127.0.0.1' })
  app.startWorkers()
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  })
  const smsDir = join(db.dataDir, 'sms')
  return {
    app,
    origin,
    smtp,
    db,
    browser,
    kind,
    async newPage({ locale = 'en-US', width = 1280 } = {}) {
      const context = await browser.newContext({ locale, viewport: { width, height: 900 } })
      const page = await context.newPage()
      const problems: string[] = []
      page.on('console', (m) => {
        // A refused request is logged by the browser as "Failed to load resource": answers the
        // screens expect (401, 403, 409, 429…) are checked by the tests, not here.
        if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(m.text())
      })
      page.on('pageerror', (e) => problems.push(String(e)))
      return { context, page, problems }
    },
    mailTo: (address, subject) =>
      smtp.waitFor((m) => m.to.includes(address) && (!subject || subject.test(m.subject)), 15_000),
    linkIn(mail, path) {
      const m = new RegExp(`${origin.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${path}\\?token=[^\\s"<>]+`).exec(
        mail.text,
      )
      if (!m) throw new Error(`no ${path} link in the mail "${mail.subject}"`)
      return m[0]
    },
    texts(number) {
      if (!existsSync(smsDir)) return []
      return readdirSync(smsDir)
        .sort()
        .map((f) => readFileSync(join(smsDir, f), 'utf8'))
        .filter((t) => t.startsWith(`To: ${number}\n`))
        .map((t) => t.split('\n\n').slice(1).join('\n\n'))
    },
    async close() {
      await browser.close()
      await app.close()
      await smtp.close()
      await db.drop()
    },
  }
}

/** axe-core in the page (WCAG 2.x A and AA rules), no sideways scrolling, and the two screenshots, in the language shown. */
const audit = async (page: Page, name: string): Promise<void> => {
  // In-page code is given as text: this file is typed for Node, and the page has its own globals.
  const lang = ((await page.evaluate('document.documentElement.lang')) as string) || 'en'
  // Evaluated over the DevTools protocol: the pages' CSP (no inline script) does not apply.
  if (!(await page.evaluate("'axe' in window"))) await page.evaluate(axeSource)
  const violations = (await page.evaluate(`axe
    .run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } })
    .then((r) => r.violations.map((v) => v.id + ': ' + v.help + ' ' + v.nodes.map((n) => JSON.stringify(n.target)).join(', ')))`)) as string[]
  expect(violations, `axe on ${name} (${lang})`).toEqual([])
  const size = page.viewportSize() ?? { width: 1280, height: 900 }
  mkdirSync(join(ARTIFACTS, lang), { recursive: true })
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 })
    // Nothing wider than the screen: no sideways scrolling at 390 px (nor at 200 % zoom of 780).
    const overflow = (await page.evaluate(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    )) as number
    expect(overflow, `${name} at ${width} px (${lang}) scrolls sideways`).toBeLessThanOrEqual(0)
    await page.screenshot({ path: join(ARTIFACTS, lang, `${name}-${width}.png`), fullPage: true })
  }
  await page.setViewportSize(size)
}

/** Switches the pages' language with the switch in their footer, as a person would. */
const switchLanguage = async (page: Page, lang: string): Promise<void> => {
  await page.locator('#lang').selectOption(lang)
  await expect.poll(() => page.evaluate('document.documentElement.lang')).toBe(lang)
}

/**
 * Checks the screen the page shows: axe-core finds no violation and screenshots at 1280 and 390 px
 * are saved as `<lang>/<name>-<width>.png`. A screen shown in English is then switched to German in
 * place (the same state, every string from the other catalog) and checked again, then switched back
 * with the focus where it was — except on /security, where the switch also stores the account's
 * language (its German view is checked by its own tests).
 */
export const checkScreen = async (page: Page, name: string): Promise<void> => {
  await audit(page, name)
  const lang = (await page.evaluate('document.documentElement.lang')) as string
  const path = new URL(page.url()).pathname
  if (lang !== 'en' || path.startsWith('/security') || (await page.locator('#lang').count()) === 0) return
  await page.evaluate('window.__checkedFocus = document.activeElement')
  await switchLanguage(page, 'de')
  await audit(page, name)
  await switchLanguage(page, 'en')
  await page.evaluate('window.__checkedFocus?.focus?.()')
}
