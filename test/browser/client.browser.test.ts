import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { createGatehouse, register, verifyEmail } from '@gatehouse/client'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startExample } from '../../examples/browser-sign-in/server.mjs'
import { createListeningServer } from '../helpers/oidc-server.js'
import { freshUser, type TestServer } from '../helpers/server.js'

/*
 * @gatehouse/client in Chromium, through examples/browser-sign-in: the page is bundled from the
 * package with esbuild and served on one origin with Gatehouse's API (passed on to a listening
 * Gatehouse), so the session is Gatehouse's httpOnly cookie. The page signs in with a password,
 * adds a passkey and signs in with it alone (CDP's virtual authenticator), answers the second step
 * with it, and solves the guard's proof of work in Web Workers.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const haveChromium = existsSync(CHROMIUM)
if (!haveChromium) {
  console.warn(`\n*** ${CHROMIUM} is missing: the client browser test is SKIPPED ***\n`)
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })

describe.skipIf(!haveChromium)('@gatehouse/client in Chromium (examples/browser-sign-in)', () => {
  let server: TestServer & { origin: string }
  let example: Awaited<ReturnType<typeof startExample>>
  let browser: Browser
  let page: Page
  const user = freshUser('browserclient')
  const problems: string[] = []
  const fetched: string[] = []

  beforeAll(async () => {
    const port = await freePort()
    const site = `http://localhost:${port}`
    // Gatehouse keeps its own public URL; the example's origin may use passkeys, as its README says.
    server = await createListeningServer('sqlite', {
      GATEHOUSE_WEBAUTHN_RP_ID: 'localhost',
      GATEHOUSE_WEBAUTHN_ORIGINS: site,
      GATEHOUSE_GUARD: 'true',
      // About 4,000 hashes: shared by the workers in well under a second.
      GATEHOUSE_POW_DIFFICULTY: '12',
      GATEHOUSE_GUARD_ENUMERATION_BLOCK: '15',
    })
    example = await startExample({ gatehouseUrl: server.origin, port })
    // The account, made from Node.js with the client in token mode.
    const gh = createGatehouse({ baseUrl: server.origin, session: 'token' })
    await register(gh, { body: user })
    await server.deliver()
    const mail = await server.smtp.waitFor((m) => m.to.includes(user.email))
    await verifyEmail(gh, { body: { token: server.smtp.tokenFrom(mail) } })

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    })
    page = await browser.newPage()
    page.on('pageerror', (e) => problems.push(String(e)))
    page.on('request', (r) => fetched.push(new URL(r.url()).pathname))
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
    await page.goto(`${example.url}/`)
    await page.locator('body[data-ready="true"]').waitFor()
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await example?.close()
    await server?.close()
  })

  const passwordSignIn = async () => {
    await page.getByLabel('Username, email or phone').fill(user.username)
    await page.getByLabel('Password').fill(user.password)
    await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  }
  const signedInAs = () => page.locator('#username').textContent()
  const signOut = async () => {
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.locator('#password-form').waitFor()
  }

  it('signs in with the password: the session is the cookie, the token never in script', async () => {
    await passwordSignIn()
    await page.locator('#session').waitFor()
    expect(await signedInAs()).toBe(user.username)
    expect(await page.locator('#amr').textContent()).toBe('pwd')
    const cookies = await page.context().cookies()
    expect(cookies.find((c) => c.name === 'gh_session')?.httpOnly).toBe(true)
    expect(await page.evaluate('document.cookie')).not.toContain('gh_session')
    // Reloaded, the page is still signed in.
    await page.reload()
    await page.locator('#session').waitFor()
    expect(await signedInAs()).toBe(user.username)
  })

  it('adds a passkey, signs in with it alone, reauthenticates and answers the second step with it', async () => {
    await page.getByRole('button', { name: 'Add a passkey' }).click()
    await page.getByText('Passkey added').waitFor()
    expect(await page.locator('#passkey-added').textContent()).toMatch(/recovery codes: \S+/)
    await signOut()
    expect(
      await page
        .context()
        .cookies()
        .then((c) => c.some((x) => x.name === 'gh_session' && x.value)),
    ).toBe(false)

    await page.getByRole('button', { name: 'Sign in with a passkey' }).click()
    await page.locator('#session').waitFor()
    expect(await signedInAs()).toBe(user.username)
    expect(await page.locator('#amr').textContent()).toMatch(/hwk|user|swk/)
    // Reauthentication with the passkey, as before a sensitive change.
    await page.getByRole('button', { name: 'Confirm it’s me' }).click()
    await page.getByText(/^Confirmed at /).waitFor()
    await signOut()

    await passwordSignIn()
    await page.locator('#second-factor').waitFor()
    expect(await page.locator('#methods').textContent()).toContain('webauthn')
    await page.getByRole('button', { name: 'Use a passkey' }).click()
    await page.locator('#session').waitFor()
    expect(await page.locator('#amr').textContent()).toContain('mfa')
    await signOut()
    expect(problems).toEqual([])
  })

  it('solves the guard’s proof of work in Web Workers, then signs in', async () => {
    // Failed sign-ins on five identifiers from this address: the guard challenges it.
    const gh = createGatehouse({ baseUrl: server.origin, session: 'token' })
    for (let i = 0; i < 5; i++) {
      await gh
        .request('POST', '/v1/sessions', {
          identifier: `stuffed${i}@example.net`,
          password: 'hunter2 hunter2 x',
        })
        .catch(() => undefined)
    }
    const before = await server.app.metrics.registry.metrics()
    const solvedBefore = Number(
      /gatehouse_guard_challenges_total\{kind="pow",outcome="solved"\} (\d+)/.exec(before)?.[1] ?? 0,
    )
    await passwordSignIn()
    await page.locator('#second-factor').waitFor({ timeout: 30_000 })
    await page.getByRole('button', { name: 'Use a passkey' }).click()
    await page.locator('#session').waitFor()
    expect(await signedInAs()).toBe(user.username)
    expect(fetched).toContain('/pow-worker.js')
    // One worker per core, at most four (two on a two-core machine).
    const cores = Number(await page.evaluate('navigator.hardwareConcurrency'))
    expect(Number(await page.evaluate('document.body.dataset.powSolvers'))).toBe(
      Math.max(1, Math.min(4, cores)),
    )
    const after = await server.app.metrics.registry.metrics()
    const solvedAfter = Number(
      /gatehouse_guard_challenges_total\{kind="pow",outcome="solved"\} (\d+)/.exec(after)?.[1] ?? 0,
    )
    expect(solvedAfter).toBeGreaterThan(solvedBefore)
    expect(problems).toEqual([])
  }, 60_000)
})
