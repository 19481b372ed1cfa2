/*
 * Second factors in the security settings, followed in Chromium against a Gatehouse on SQLite and
 * PostgreSQL: an authenticator app enrolled from the key the page shows (QR code checked), the
 * recovery codes shown once (copied, downloaded, printed alone) and replaced (the old set then
 * refused at sign-in), the reset lock on and off, a passkey added with Chromium's virtual
 * authenticator and used to re-authenticate, codes by email as a factor, and removing them.
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { totpCodeAt } from '../../src/modules/mfa/totp.js'
import { checkScreen, haveChromium, type PagesHarness, pageDatabases, startPages } from './harness.js'
import {
  json,
  newAccount,
  SETTINGS_ENV,
  shiftClock,
  signedIn,
  statusOf,
  type User,
  until,
} from './security-helpers.js'

/** A sign-in over HTTP answered with a recovery code in place of the second factor: its status. */
const signInWithRecoveryCode = async (h: PagesHarness, user: User, code: string): Promise<number> => {
  const first = await json(h, 'POST', '/v1/sessions', { identifier: user.username, password: user.password })
  expect(first.body.mfa_required).toBe(true)
  const second = await json(h, 'POST', '/v1/sessions/mfa', {
    challenge_id: first.body.challenge_id,
    method: 'recovery_code',
    code,
  })
  return second.status
}

describe.skipIf(!haveChromium).each(pageDatabases())('security settings: second factors on %s', (kind) => {
  let h: PagesHarness
  beforeAll(async () => {
    h = await startPages(kind, SETTINGS_ENV)
  }, 90_000)
  afterAll(async () => {
    await h?.close()
  }, 60_000)

  it('enrols an authenticator app, shows and replaces the recovery codes, and turns the reset lock on and off', async () => {
    const user = await newAccount(h)
    const { context, page, problems } = await signedIn(h, user)
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: h.origin })
    const totp = page.locator('#totp')
    // By keyboard: the button answers Enter, and focus moves to the step that appears.
    await totp.getByRole('button', { name: 'Set up an authenticator app' }).focus()
    await page.keyboard.press('Enter')
    await totp.getByRole('heading', { name: 'Scan the code with your app' }).waitFor()
    await until(
      async () =>
        (await page.evaluate('document.activeElement?.textContent')) === 'Scan the code with your app',
    )
    const qr = totp.getByRole('img', { name: 'QR code to add this account to an authenticator app' })
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml/)
    // The QR code is drawn (an SVG the browser could load), not a broken image.
    await until(async () =>
      qr.evaluate((img) => {
        const i = img as unknown as { complete: boolean; naturalWidth: number }
        return i.complete && i.naturalWidth > 0
      }),
    )
    const secret = ((await totp.locator('.sec-secret').textContent()) ?? '').replace(/\s/g, '')
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/)
    await checkScreen(page, 'security-totp')
    const codeField = totp.getByLabel('Code shown in the app')
    expect(await codeField.getAttribute('autocomplete')).toBe('one-time-code')
    await codeField.fill('000000')
    await totp.getByRole('button', { name: 'Turn on' }).click()
    await totp.locator('[role=alert]', { hasText: 'That code is not right' }).waitFor()
    await codeField.fill(totpCodeAt(secret, h.app.clock.now()))
    await totp.getByRole('button', { name: 'Turn on' }).click()

    // The recovery codes, shown once, with focus on their heading.
    await totp.getByRole('heading', { name: 'Your recovery codes' }).waitFor()
    expect(await statusOf(page, 'totp')).toBe('Your authenticator app is set up.')
    await expect.poll(() => page.evaluate('document.activeElement?.textContent')).toBe('Your recovery codes')
    const firstCodes = await totp.locator('.sec-code').allTextContents()
    expect(firstCodes.length).toBeGreaterThanOrEqual(8)
    await checkScreen(page, 'security-recovery-codes')
    await totp.getByRole('button', { name: 'Copy' }).click()
    await totp.getByText('The codes were copied.').waitFor()
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(firstCodes.join('\n'))
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      totp.getByRole('button', { name: 'Download (.txt)' }).click(),
    ])
    expect(download.suggestedFilename()).toBe('recovery-codes.txt')
    const file = readFileSync(await download.path(), 'utf8')
    for (const c of firstCodes) expect(file).toContain(c)
    // Print: only the codes are printed.
    await page.evaluate(
      'window.print = () => { window.__printing = document.documentElement.classList.contains("sec-printing") }',
    )
    await totp.getByRole('button', { name: 'Print' }).click()
    expect(await page.evaluate('window.__printing')).toBe(true)
    await page.emulateMedia({ media: 'print' })
    expect(await page.locator('#password-title').isVisible()).toBe(false)
    expect(await totp.locator('.sec-code').first().isVisible()).toBe(true)
    await page.emulateMedia({ media: 'screen' })
    await page.evaluate('dispatchEvent(new Event("afterprint"))')
    await totp.getByRole('button', { name: 'I have saved them' }).click()
    expect(await totp.locator('.sec-code').count()).toBe(0)
    await totp.getByText('An authenticator app is set up.').waitFor()
    await page.locator('#factors li', { hasText: 'Authenticator app' }).waitFor()

    // Reset lock on; after a reload the page knows it is on.
    const lock = page.getByLabel('Require a second-factor code before any password reset')
    await lock.check()
    expect(await statusOf(page, 'reset-lock')).toBe('The reset lock is on.')
    await page.reload()
    await page.locator('#history .sec-event', { hasText: 'The reset lock was turned on.' }).waitFor()
    expect(await lock.isChecked()).toBe(true)

    // New recovery codes: the old set stops working.
    const factors = page.locator('#factors')
    await factors.getByText(`You have ${firstCodes.length} unused recovery codes.`).waitFor()
    await factors.getByRole('button', { name: 'Get new recovery codes' }).click()
    expect(await statusOf(page, 'factors')).toBe('New recovery codes were made. The old ones no longer work.')
    const newCodes = await factors.locator('.sec-code').allTextContents()
    expect(newCodes.length).toBe(firstCodes.length)
    expect(newCodes).not.toContain(firstCodes[0])
    expect(await signInWithRecoveryCode(h, user, firstCodes[0] ?? '')).toBe(401)
    expect(await signInWithRecoveryCode(h, user, newCodes[0] ?? '')).toBe(201)
    await factors.getByRole('button', { name: 'I have saved them' }).click()

    await lock.uncheck()
    expect(await statusOf(page, 'reset-lock')).toBe('The reset lock is off.')
    expect(await lock.isChecked()).toBe(false)
    expect(problems).toEqual([])
    await context.close()
  }, 60_000)

  it('adds a passkey, proves who it is with it, uses codes by email as a factor, and removes both', async () => {
    const user = await newAccount(h)
    const { context, page, problems } = await signedIn(h, user)
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
    const passkeys = page.locator('#passkeys')
    await passkeys.getByLabel('Name of the new passkey').fill('Work laptop')
    await passkeys.getByRole('button', { name: 'Add a passkey' }).click()
    expect(await statusOf(page, 'passkeys')).toBe('The passkey "Work laptop" was added.')
    // The first factor comes with recovery codes.
    await passkeys.getByRole('heading', { name: 'Your recovery codes' }).waitFor()
    await passkeys.getByRole('button', { name: 'I have saved them' }).click()
    await passkeys.locator('li', { hasText: 'Work laptop' }).waitFor()
    await page.locator('#factors li', { hasText: 'Passkey "Work laptop"' }).waitFor()

    const factors = page.locator('#factors')
    await factors.getByRole('button', { name: 'Use codes by email' }).click()
    expect(await statusOf(page, 'factors')).toBe('Sign-ins now ask for a code sent to your email address.')
    await factors.locator('li', { hasText: 'Codes by email' }).waitFor()

    // Long after the sign-in, removing a factor asks again: the passkey answers.
    const restore = shiftClock(h, 11 * 60_000)
    try {
      await factors.getByRole('button', { name: 'Remove Codes by email' }).click()
      await factors.getByRole('button', { name: 'Yes, remove Codes by email' }).click()
      const prompt = factors.locator('.sec-reauth')
      await prompt.getByRole('heading', { name: 'Confirm it is you' }).waitFor()
      await prompt.getByRole('button', { name: 'Use a passkey instead' }).click()
      expect(await statusOf(page, 'factors')).toBe('Codes by email was removed.')
    } finally {
      restore()
    }
    await until(async () => (await factors.locator('li', { hasText: 'Codes by email' }).count()) === 0)

    await passkeys.getByRole('button', { name: 'Remove Work laptop' }).click()
    await passkeys.getByRole('button', { name: 'Remove "Work laptop"' }).click()
    expect(await statusOf(page, 'passkeys')).toBe('The passkey "Work laptop" was removed.')
    await passkeys.getByText('You have no passkeys yet.').waitFor()
    await page.locator('#factors').getByText('You have no second factor yet.').waitFor()
    await page.locator('#history .sec-event', { hasText: 'Sign-ins now ask for a passkey.' }).waitFor()
    await page
      .locator('#history .sec-event', { hasText: 'A second factor was removed: a passkey.' })
      .waitFor()
    // A sign-in now needs only the password again.
    const login = await json(h, 'POST', '/v1/sessions', {
      identifier: user.username,
      password: user.password,
    })
    expect(login.status).toBe(201)
    expect(problems).toEqual([])
    await context.close()
  }, 60_000)
})
