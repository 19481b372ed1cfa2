/*
 * The security settings (/security) followed as a person would, in Chromium against a Gatehouse
 * started on SQLite and PostgreSQL: the main page (English and German, checked by axe and
 * screenshots), the history in words, changing the password, changing the email address after
 * re-authenticating (the link taken from the real mail), adding, verifying and removing a phone
 * number with the texted code, sessions revoked one by one and everywhere else, and signing out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkScreen, haveChromium, type PagesHarness, pageDatabases, startPages } from './harness.js'
import { json, newAccount, SETTINGS_ENV, shiftClock, signedIn, statusOf, until } from './security-helpers.js'

describe.skipIf(!haveChromium).each(pageDatabases())('security settings on %s', (kind) => {
  let h: PagesHarness
  beforeAll(async () => {
    h = await startPages(kind, SETTINGS_ENV)
  }, 90_000)
  afterAll(async () => {
    await h?.close()
  }, 60_000)

  it('sends a visitor without a session to the sign-in', async () => {
    const { context, page } = await h.newPage()
    await page.goto(`${h.origin}/security`)
    await page.waitForURL(`${h.origin}/sign-in`)
    await context.close()
  }, 60_000)

  it('shows every section, and the history in sentences, in English and German', async () => {
    const user = await newAccount(h)
    // More history than one page: each sign-in over HTTP adds its entries (sign-in, new device, notice).
    for (let i = 0; i < 6; i++)
      expect(
        (await json(h, 'POST', '/v1/sessions', { identifier: user.username, password: user.password }))
          .status,
      ).toBe(201)
    const en = await signedIn(h, user)
    const { page } = en
    await page.getByText(`Signed in as ${user.username}.`).waitFor()
    for (const heading of [
      'Password',
      'Email address',
      'Phone number',
      'Authenticator app',
      'Passkeys',
      'Second factors',
      'Reset lock',
      'Where you are signed in',
      'Security history',
    ])
      await page.getByRole('heading', { name: heading, exact: true }).waitFor()
    const history = page.locator('#history .sec-event')
    await history.first().waitFor()
    const sentences = await history.allTextContents()
    expect(sentences).toContain('You signed in.')
    expect(sentences).toContain('We emailed you about a new sign-in.')
    expect(sentences).toHaveLength(20)
    expect(sentences).not.toContain('Your account was created.')
    await page.getByRole('button', { name: 'Show older entries' }).click()
    await page.locator('#history .sec-event', { hasText: 'Your account was created.' }).waitFor()
    expect(await history.count()).toBeGreaterThan(20)
    expect(await history.allTextContents()).toContain('Your email address was confirmed.')
    expect(await page.getByRole('button', { name: 'Show older entries' }).count()).toBe(0)
    // The current session is listed as this device, in words.
    await page.locator('#sessions .sec-badge', { hasText: 'This device' }).waitFor()
    expect(await page.locator('#sessions li strong').first().textContent()).toBe('Chrome on Linux')
    await checkScreen(page, 'security-main')
    expect(en.problems).toEqual([])
    await en.context.close()

    const de = await signedIn(h, user, { locale: 'de-DE' })
    await de.page.getByRole('heading', { name: 'Sicherheitseinstellungen' }).waitFor()
    await de.page.locator('#history .sec-event').first().waitFor()
    const saetze = await de.page.locator('#history .sec-event').allTextContents()
    expect(saetze).toContain('Sie haben sich angemeldet.')
    expect(saetze).toContain('Wir haben Sie per E-Mail über eine neue Anmeldung informiert.')
    expect(await de.page.evaluate('document.documentElement.lang')).toBe('de')
    await checkScreen(de.page, 'security-main')
    // Switching the language here changes the page at once (and tells the account when the server can keep it).
    await de.page.locator('#lang').selectOption('en')
    await de.page.getByRole('heading', { name: 'Security settings' }).waitFor()
    expect(de.problems).toEqual([])
    await de.context.close()
  }, 60_000)

  it('changes the password: the old one no longer signs in, the new one does', async () => {
    const user = await newAccount(h)
    const { context, page, problems } = await signedIn(h, user)
    const next = `${user.password} with a new verse`
    await page.getByLabel('Current password').fill(user.password)
    await page.getByLabel('New password').fill('password123')
    // The server's judgement of the new password, as it is typed (POST /v1/passwords/check).
    await page.locator('#password .sec-strength', { hasText: 'This is a commonly used password.' }).waitFor()
    await page.getByLabel('New password').fill(next)
    await page.locator('#password .sec-strength', { hasText: 'This password is strong enough.' }).waitFor()
    expect(await page.getByLabel('Current password').getAttribute('autocomplete')).toBe('current-password')
    expect(await page.getByLabel('New password').getAttribute('autocomplete')).toBe('new-password')
    await page.getByRole('button', { name: 'Change password' }).click()
    expect(await statusOf(page, 'password')).toBe('Your password was changed.')
    expect(await page.getByLabel('Current password').inputValue()).toBe('')

    const old = await json(h, 'POST', '/v1/sessions', { identifier: user.username, password: user.password })
    expect(old.status).toBe(401)
    expect(old.body.code).toBe('invalid_credentials')
    expect(
      (await json(h, 'POST', '/v1/sessions', { identifier: user.username, password: next })).status,
    ).toBe(201)
    // A wrong current password is said in words, as an alert.
    await page.getByLabel('Current password').fill('not my password at all')
    await page.getByLabel('New password').fill(`${next} again`)
    await page.getByRole('button', { name: 'Change password' }).click()
    await page.locator('#password [role=alert]', { hasText: 'That password is not right.' }).waitFor()
    expect(problems).toEqual([])
    await context.close()
  }, 60_000)

  it('changes the email address after asking for the password again, confirmed from the real mail', async () => {
    const user = await newAccount(h)
    const { context, page, problems } = await signedIn(h, user)
    const address = `new-${user.email}`
    // The sign-in is more than the re-authentication window ago: the change asks who this is.
    const restore = shiftClock(h, 11 * 60_000)
    try {
      await page.getByLabel('New email address').fill(address)
      expect(await page.getByLabel('New email address').getAttribute('autocomplete')).toBe('email')
      await page.getByRole('button', { name: 'Send confirmation link' }).click()
      const prompt = page.locator('#email .sec-reauth')
      await prompt.getByRole('heading', { name: 'Confirm it is you' }).waitFor()
      // Focus is in the password field of the prompt.
      await expect
        .poll(() => page.evaluate('document.activeElement?.getAttribute("autocomplete")'))
        .toBe('current-password')
      await checkScreen(page, 'security-reauth')
      await prompt.getByLabel('Your password').fill('a wrong password')
      await prompt.getByRole('button', { name: 'Confirm and continue' }).click()
      await prompt.getByText('That password is not right.').waitFor()
      await prompt.getByLabel('Your password').fill(user.password)
      await prompt.getByRole('button', { name: 'Confirm and continue' }).click()
      expect(await statusOf(page, 'email')).toContain(`We sent a link to ${address}.`)
      expect(await prompt.count()).toBe(0)
    } finally {
      restore()
    }
    const link = h.linkIn(await h.mailTo(address), '/confirm-email')
    // The current address is told, so that a change its owner did not ask for is noticed.
    await h.mailTo(user.email, /A change of the email address was requested/)
    // The /confirm-email screen is the sign-in pages' own: the token of the link confirms over the API.
    const token = new URL(link).searchParams.get('token')
    expect((await json(h, 'POST', '/v1/me/email/verify', { token })).status).toBe(200)
    expect(
      (await json(h, 'POST', '/v1/sessions', { identifier: address, password: user.password })).status,
    ).toBe(201)
    await page.reload()
    await page.locator('#history .sec-event', { hasText: 'Your email address was changed.' }).waitFor()
    await page
      .locator('#history .sec-event', { hasText: 'You confirmed it was you before a change.' })
      .waitFor()
    expect(problems).toEqual([])
    await context.close()
  }, 60_000)

  it('adds a phone number, verifies it with the texted code, uses codes by text message as a factor, and removes both', async () => {
    const user = await newAccount(h)
    const { context, page, problems } = await signedIn(h, user)
    const number = `+1415555${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}`
    const phone = page.locator('#phone')
    await phone.getByLabel('Phone number').fill(number)
    expect(await phone.getByLabel('Phone number').getAttribute('autocomplete')).toBe('tel')
    await phone.getByLabel('Your password').fill(user.password)
    await phone.getByRole('button', { name: 'Text me a code' }).click()
    expect(await statusOf(page, 'phone')).toBe(`We texted a 6-digit code to ${number}. Enter it below.`)
    const codeField = phone.getByLabel('Code from the text message')
    expect(await codeField.getAttribute('autocomplete')).toBe('one-time-code')
    await expect
      .poll(() => page.evaluate('document.activeElement?.getAttribute("autocomplete")'))
      .toBe('one-time-code')
    let code: string | undefined
    for (let i = 0; i < 100 && !code; i++) {
      code = /\b(\d{6})\b/.exec(h.texts(number).at(-1) ?? '')?.[1]
      if (!code) await new Promise((r) => setTimeout(r, 100))
    }
    expect(code).toBeDefined()
    await codeField.fill(code ?? '')
    await phone.getByRole('button', { name: 'Verify phone number' }).click()
    expect(await statusOf(page, 'phone')).toBe('Your phone number is verified.')
    // The number as stored, read back from the account (GET /v1/me).
    await phone.getByText(`Your phone number ${number} is verified. It can be used`).waitFor()
    const stored = await context.request.get(`${h.origin}/v1/me`)
    expect(await stored.json()).toMatchObject({ phone: number, phone_verified: true })
    // The verified number signs in.
    expect(
      (await json(h, 'POST', '/v1/sessions', { identifier: number, password: user.password })).status,
    ).toBe(201)

    // Codes by text message as a second factor, now that the number is verified; then removed again.
    const factors = page.locator('#factors')
    await factors.getByRole('button', { name: 'Use codes by text message' }).click()
    expect(await statusOf(page, 'factors')).toBe('Sign-ins now ask for a code texted to your phone.')
    await factors.getByRole('heading', { name: 'Your recovery codes' }).waitFor()
    await factors.getByRole('button', { name: 'I have saved them' }).click()
    const signIn = await json(h, 'POST', '/v1/sessions', {
      identifier: user.username,
      password: user.password,
    })
    expect(signIn.body.methods).toContain('sms')
    await factors.getByRole('button', { name: 'Remove Codes by text message' }).click()
    await factors.getByRole('button', { name: 'Yes, remove Codes by text message' }).click()
    expect(await statusOf(page, 'factors')).toBe('Codes by text message was removed.')

    await phone.getByRole('button', { name: 'Remove phone number' }).click()
    await phone.getByLabel('Your password').fill(user.password)
    await phone.getByRole('button', { name: 'Remove the number' }).click()
    expect(await statusOf(page, 'phone')).toBe('Your phone number was removed.')
    await phone.getByText('No phone number is set.').waitFor()
    expect(
      (await json(h, 'POST', '/v1/sessions', { identifier: number, password: user.password })).status,
    ).toBe(401)
    expect(problems).toEqual([])
    await context.close()
  }, 60_000)

  it('signs out one session, then every other one, then itself', async () => {
    const user = await newAccount(h)
    const other = await signedIn(h, user)
    const third = await signedIn(h, user)
    const me = await signedIn(h, user)
    const { page } = me
    const sessions = page.locator('#sessions li')
    await sessions.nth(2).waitFor()
    expect(await sessions.count()).toBe(3)
    // Revoke the first session that is not this one.
    await page.locator('#sessions li').nth(1).getByRole('button', { name: 'Sign out' }).click()
    expect(await statusOf(page, 'sessions')).toBe('Chrome on Linux was signed out.')
    await until(async () => (await sessions.count()) === 2)
    const still = await Promise.all(
      [other, third].map(async (c) =>
        (await c.context.request.get(`${h.origin}/v1/sessions/current`)).status(),
      ),
    )
    expect(still.sort()).toEqual([200, 401])

    await page.getByRole('button', { name: 'Sign out everywhere else' }).click()
    expect(await statusOf(page, 'sessions')).toBe('1 other device was signed out.')
    for (const c of [other, third])
      expect((await c.context.request.get(`${h.origin}/v1/sessions/current`)).status()).toBe(401)
    expect((await page.context().request.get(`${h.origin}/v1/sessions/current`)).status()).toBe(200)

    // Sign out here: the session ends and the sign-in shows.
    await page.locator('#sessions').getByRole('button', { name: 'Sign out on this device' }).click()
    await page.waitForURL(`${h.origin}/sign-in`)
    expect((await page.context().request.get(`${h.origin}/v1/sessions/current`)).status()).toBe(401)
    expect(me.problems).toEqual([])
    for (const c of [other, third, me]) await c.context.close()
  }, 60_000)
})
