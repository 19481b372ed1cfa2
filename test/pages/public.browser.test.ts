import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { totpCodeAt } from '../../src/modules/mfa/totp.js'
import { checkScreen, haveChromium, type PagesHarness, pageDatabases, startPages } from './harness.js'
import { call, codeIn, enrolTotp, person, signedInAs, verifiedAccount } from './public-helpers.js'

/*
 * The public account pages followed as a person would: sign-up with the strength meter, the
 * verification link opened from the real mail, sign-in (an open redirect refused), the new-device
 * step-up with the mailed code, TOTP and recovery codes, a passkey without a password, forgot →
 * reset with the second factor, and "this wasn't me". axe-core checks every screen; the main ones
 * again in German.
 */
describe.skipIf(!haveChromium).each(pageDatabases())('the public account pages on %s', (kind) => {
  let h: PagesHarness
  const newcomer = person('newcomer')

  beforeAll(async () => {
    // The guard's enumeration detector is left out here (public-guard.browser.test.ts has it):
    // these flows sign many people in from one address.
    h = await startPages(kind, {
      GATEHOUSE_GUARD_ENUMERATION_CHALLENGE: '10000',
      GATEHOUSE_GUARD_ENUMERATION_BLOCK: '20000',
      GATEHOUSE_STEP_UP_NEW_DEVICE: 'true',
      GATEHOUSE_RETURN_URLS: 'https://app.example/',
    })
  }, 120_000)
  afterAll(async () => {
    await h?.close()
  })

  const open = async (path: string, locale = 'en-US') => {
    const opened = await h.newPage({ locale })
    await opened.page.goto(`${h.origin}${path}`)
    await opened.page.locator('h1').waitFor()
    return opened
  }

  it('signs up with live strength feedback, verifies from the mail, and signs in — not to a foreign return_to', async () => {
    const { page, context, problems } = await open('/sign-up')
    await checkScreen(page, 'sign-up')
    await page.getByLabel('Username').fill(newcomer.username)
    await page.getByLabel('Email address').fill(newcomer.email)
    const password = page.getByLabel('Password', { exact: true })
    await password.fill('password')
    const strength = page.getByTestId('strength')
    // The server's judgement, asked as the person types: the rules shown are the service's own.
    await expect.poll(() => strength.textContent()).toMatch(/commonly used/)
    await checkScreen(page, 'sign-up-weak')
    await password.fill(newcomer.password)
    await expect.poll(() => strength.textContent()).toContain('strong enough')
    expect(await password.getAttribute('autocomplete')).toBe('new-password')
    await page.getByRole('button', { name: 'Create account' }).click()
    await page.getByRole('heading', { name: 'Check your email' }).waitFor()
    expect(await page.getByRole('status').first().textContent()).toContain(newcomer.email)
    await checkScreen(page, 'sign-up-sent')

    const link = h.linkIn(await h.mailTo(newcomer.email, /verif/i), '/verify-email')
    await page.goto(link)
    await page.getByRole('heading', { name: 'Email address verified' }).waitFor()
    // The token left the address bar (and history) at once.
    expect(page.url()).toBe(`${h.origin}/verify-email`)
    await checkScreen(page, 'verify-email-done')
    // The link again: used already, said so, with a way to have a new one sent.
    await page.goto(link)
    await page.getByRole('alert').filter({ hasText: 'not valid any more' }).waitFor()
    await checkScreen(page, 'verify-email-used')

    await page.goto(`${h.origin}/sign-in?return_to=${encodeURIComponent('https://evil.example/')}`)
    await page.getByLabel('Username or email address').fill(newcomer.email)
    await page.getByLabel('Password', { exact: true }).fill(newcomer.password)
    await page.keyboard.press('Enter')
    await page.waitForURL(`${h.origin}/security`)
    expect(await signedInAs(page)).toBe(newcomer.username)
    expect(problems).toEqual([])
    await context.close()
  }, 90_000)

  it('verifies with the token pasted from the mail when the page is opened without a link', async () => {
    const pasted = person('pasted')
    expect((await call(h, 'POST', '/v1/accounts', pasted)).status).toBe(202)
    const token = h.smtp.tokenFrom(await h.mailTo(pasted.email, /verif/i))
    const { page, context, problems } = await open('/verify-email')
    await checkScreen(page, 'verify-email-token')
    const field = page.getByLabel('Token from the mail')
    // A wrong one first: said so, and the field stays for another try.
    await field.fill('not-the-token')
    await page.getByRole('button', { name: 'Verify', exact: true }).click()
    await page.getByRole('alert').filter({ hasText: 'not valid any more' }).waitFor()
    await field.fill(` ${token} `)
    await page.getByRole('button', { name: 'Verify', exact: true }).click()
    await page.getByRole('heading', { name: 'Email address verified' }).waitFor()
    const login = await call(h, 'POST', '/v1/sessions', {
      identifier: pasted.username,
      password: pasted.password,
    })
    expect(login.status).toBe(201)
    expect(problems).toEqual([])
    await context.close()
  })

  it('takes the keyboard alone, shows a wrong password in words, focused, and keeps the person on the form', async () => {
    const { page, context } = await open('/sign-in')
    await checkScreen(page, 'sign-in')
    expect(await page.getByLabel('Username or email address').getAttribute('autocomplete')).toMatch(
      /^username/,
    )
    expect(await page.getByLabel('Password', { exact: true }).getAttribute('autocomplete')).toBe(
      'current-password',
    )
    // By keyboard alone: the identifier has the focus, Tab goes to the password, Enter sends.
    await expect.poll(() => page.evaluate('document.activeElement?.id')).toBe('identifier')
    await page.keyboard.type(newcomer.username)
    await page.keyboard.press('Tab')
    await expect.poll(() => page.evaluate('document.activeElement?.id')).toBe('password')
    await page.keyboard.type('not the password at all')
    await page.keyboard.press('Enter')
    const alert = page.getByRole('alert')
    await alert.waitFor()
    expect(await alert.textContent()).toContain('is not right')
    await expect.poll(() => page.evaluate("document.activeElement?.getAttribute('role')")).toBe('alert')
    await checkScreen(page, 'sign-in-error')
    await context.close()
  })

  it('confirms a new device with the mailed code (step-up); the new-sign-in notice’s "this wasn’t me" secures the account', async () => {
    const { page, context, problems } = await open('/sign-in')
    h.smtp.clear()
    await page.getByLabel('Username or email address').fill(newcomer.username)
    await page.getByLabel('Password', { exact: true }).fill(newcomer.password)
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { name: 'Confirm it is you' }).waitFor()
    const code = page.getByLabel('Code', { exact: true })
    expect(await code.getAttribute('inputmode')).toBe('numeric')
    expect(await code.getAttribute('autocomplete')).toBe('one-time-code')
    await checkScreen(page, 'sign-in-step-up')
    await code.fill(codeIn(await h.mailTo(newcomer.email, /code/i)))
    await page.keyboard.press('Enter')
    await page.waitForURL(`${h.origin}/security`)
    expect(await signedInAs(page)).toBe(newcomer.username)

    // "New sign-in to your account": the person says it was not them.
    const notice = await h.mailTo(newcomer.email, /new sign-in/i)
    const other = await open('/sign-in')
    await other.page.goto(h.linkIn(notice, '/not-me'))
    await other.page.getByRole('heading', { name: 'A sign-in you do not recognise' }).waitFor()
    expect(other.page.url()).toBe(`${h.origin}/not-me`)
    // Opening the link did nothing: the session still works.
    expect(await signedInAs(page)).toBe(newcomer.username)
    await checkScreen(other.page, 'not-me')
    await other.page.getByRole('button', { name: 'Secure my account' }).click()
    await other.page.getByRole('heading', { name: 'Your account is secured' }).waitFor()
    await checkScreen(other.page, 'not-me-done')
    expect(await signedInAs(page)).toBeNull()
    // Sign-in is blocked now, worded alike to a wrong password.
    expect(
      (await call(h, 'POST', '/v1/sessions', { identifier: newcomer.username, password: newcomer.password }))
        .status,
    ).toBe(401)
    expect(problems).toEqual([])
    await other.context.close()
    await context.close()
  }, 90_000)

  it('signs in with a TOTP code after a wrong one, offers the other ways, goes back to an allowed return_to, and remembers the device', async () => {
    const who = person('totp')
    const token = await verifiedAccount(h, who)
    const { secret, recoveryCodes } = await enrolTotp(h, token)
    // Sent by an application the service allows: back there after the sign-in.
    const { page, context, problems } = await open(
      `/sign-in?return_to=${encodeURIComponent('https://app.example/welcome')}`,
    )
    await page.route('https://app.example/**', (route) =>
      route.fulfill({ status: 200, contentType: 'text/plain', body: 'app' }),
    )
    await page.getByLabel('Username or email address').fill(who.username)
    await page.getByLabel('Password', { exact: true }).fill(who.password)
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { name: 'Enter a code from your app' }).waitFor()
    await checkScreen(page, 'sign-in-totp')
    await page.getByRole('button', { name: 'Use a recovery code' }).click()
    await page.getByRole('heading', { name: 'Use a recovery code' }).waitFor()
    expect(await page.getByLabel('Recovery code').getAttribute('inputmode')).toBe('text')
    await checkScreen(page, 'sign-in-recovery-code')
    await page.getByRole('button', { name: 'Use a code from your authenticator app' }).click()
    const code = page.getByLabel('Code', { exact: true })
    await code.fill('000000')
    await page.keyboard.press('Enter')
    await page.getByRole('alert').filter({ hasText: 'did not work' }).waitFor()
    await checkScreen(page, 'sign-in-totp-error')
    await code.fill(totpCodeAt(secret, Date.now()))
    await page.getByLabel(/Remember this device/).check()
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.waitForURL('https://app.example/welcome')
    await page.goto(`${h.origin}/security`)
    expect(await signedInAs(page)).toBe(who.username)
    expect(recoveryCodes.length).toBeGreaterThan(0)

    // Remembered: signed out (the session cookie gone, the device's kept), the password alone will do.
    const device = (await context.cookies()).filter((c) => c.name === 'gh_device')
    expect(device).toHaveLength(1)
    await context.clearCookies()
    await context.addCookies(device)
    await page.goto(`${h.origin}/sign-in`)
    await page.getByLabel('Username or email address').fill(who.username)
    await page.getByLabel('Password', { exact: true }).fill(who.password)
    await page.keyboard.press('Enter')
    await page.waitForURL(`${h.origin}/security`)
    expect(await signedInAs(page)).toBe(who.username)
    expect(problems).toEqual([])
    await context.close()
  }, 90_000)

  it('signs in with a code sent by email at the person’s word, explaining the resend and its cap', async () => {
    const who = person('mailcode')
    const token = await verifiedAccount(h, who)
    expect((await call(h, 'POST', '/v1/mfa/email', {}, token)).status).toBeLessThan(300)
    const { page, context, problems } = await open('/sign-in')
    await page.getByLabel('Username or email address').fill(who.username)
    await page.getByLabel('Password', { exact: true }).fill(who.password)
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { name: 'Get a code by email' }).waitFor()
    // Nothing is sent before the person asks.
    expect(await page.getByLabel('Code', { exact: true }).count()).toBe(0)
    await checkScreen(page, 'sign-in-email')
    await page.getByRole('button', { name: 'Email me a code' }).click()
    await page.getByRole('status').filter({ hasText: 'Code sent' }).waitFor()
    // A new code only after a pause; the cap is said.
    expect(await page.getByRole('button', { name: /Send a new code \(\d+ s\)/ }).isDisabled()).toBe(true)
    expect(await page.getByText('only a few codes per hour').count()).toBe(1)
    await checkScreen(page, 'sign-in-email-sent')
    await page.getByLabel('Code', { exact: true }).fill(codeIn(await h.mailTo(who.email, /code/i)))
    await page.keyboard.press('Enter')
    await page.waitForURL(`${h.origin}/security`)
    expect(await signedInAs(page)).toBe(who.username)
    expect(problems).toEqual([])
    await context.close()
  })

  it('signs in with a passkey alone, offered in the username field’s autofill', async () => {
    const who = person('passkey')
    const token = await verifiedAccount(h, who)
    const { page, context, problems } = await h.newPage()
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
    // The passkey is registered as the settings would (another screen's work), in the pages but
    // away from the sign-in, whose passkey autofill would hold the authenticator.
    await page.goto(`${h.origin}/forgot-password`)
    await page.locator('h1').waitFor()
    const registered = await page.evaluate(`(async (token) => {
      const bytes = (s) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4)), (c) => c.charCodeAt(0))
      const text = (b) => btoa(String.fromCharCode(...new Uint8Array(b))).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '')
      const post = (url, body) => fetch(url, { method: 'POST', headers: { authorization: 'Bearer ' + token, 'content-type': 'application/json' }, body: JSON.stringify(body) })
      const o = await (await post('/v1/mfa/webauthn/register/options', {})).json()
      const p = o.options
      const cred = await navigator.credentials.create({ publicKey: { ...p, challenge: bytes(p.challenge), user: { ...p.user, id: bytes(p.user.id) }, excludeCredentials: (p.excludeCredentials || []).map((c) => ({ ...c, id: bytes(c.id) })) } })
      const response = { id: cred.id, rawId: text(cred.rawId), type: cred.type, clientExtensionResults: cred.getClientExtensionResults(),
        response: { clientDataJSON: text(cred.response.clientDataJSON), attestationObject: text(cred.response.attestationObject), transports: cred.response.getTransports() } }
      return (await post('/v1/mfa/webauthn/register', { challenge_id: o.challenge_id, response, name: 'chromium' })).status
    })(${JSON.stringify(token)})`)
    expect(registered).toBe(201)
    // The sign-in offers the passkey in the username field's autofill (conditional mediation);
    // Chromium's virtual authenticator picks it as a person would pick the suggestion.
    await page.goto(`${h.origin}/sign-in`)
    await page.waitForURL(`${h.origin}/security`)
    expect(await signedInAs(page)).toBe(who.username)
    expect(problems).toEqual([])
    await context.close()
  }, 90_000)

  it('resets a forgotten password from the mailed link, with the TOTP code the reset asks for', async () => {
    const who = person('forgot')
    const token = await verifiedAccount(h, who)
    const { secret } = await enrolTotp(h, token)
    const { page, context, problems } = await open('/sign-in')
    await page.getByRole('link', { name: 'Forgot your password?' }).click()
    await page.getByRole('heading', { name: 'Reset your password' }).waitFor()
    await checkScreen(page, 'forgot-password')
    await page.getByLabel('Username or email address').fill(who.email)
    await page.getByRole('button', { name: 'Send reset link' }).click()
    await page.getByRole('heading', { name: 'Check your messages' }).waitFor()
    expect(await page.getByRole('status').first().textContent()).toContain('We say the same either way')
    await checkScreen(page, 'forgot-password-sent')

    await page.goto(h.linkIn(await h.mailTo(who.email, /reset/i), '/reset-password'))
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor()
    expect(page.url()).toBe(`${h.origin}/reset-password`)
    expect(await page.title()).toBe('Choose a new password · Gatehouse')
    await checkScreen(page, 'reset-password')
    const fresh = `${who.password} anew`
    await page.getByLabel('New password').fill(fresh)
    await page.getByRole('button', { name: 'Set new password' }).click()
    // The mailbox does not prove the TOTP factor: the reset asks for it, nothing changed yet.
    const code = page.getByLabel('Code', { exact: true })
    await code.waitFor()
    expect(await page.getByRole('group', { name: 'Confirm with your second factor' }).isVisible()).toBe(true)
    await expect.poll(() => page.evaluate('document.activeElement?.id')).toBe('code')
    await checkScreen(page, 'reset-password-factor')
    await code.fill(totpCodeAt(secret, Date.now()))
    await page.getByRole('button', { name: 'Set new password' }).click()
    await page.getByRole('heading', { name: 'Your password has been changed' }).waitFor()
    await checkScreen(page, 'reset-password-done')
    // Every session ended: the one made over HTTP too; the owner was told.
    expect((await call(h, 'GET', '/v1/sessions/current', undefined, token)).status).toBe(401)
    const changed = await h.mailTo(who.email, /password was changed/i)

    // "Not you?" of that notice: /lock-account, confirmed by a button.
    await page.goto(h.linkIn(changed, '/lock-account'))
    await page.getByRole('heading', { name: 'A password change you did not make' }).waitFor()
    expect(page.url()).toBe(`${h.origin}/lock-account`)
    await checkScreen(page, 'lock-account')
    await page.getByRole('button', { name: 'Secure my account' }).click()
    await page.getByRole('heading', { name: 'Your account is secured' }).waitFor()
    expect(await page.getByText('reset your password').count()).toBeGreaterThan(0)
    expect(problems).toEqual([])
    await context.close()
  }, 90_000)

  it('confirms a changed email address from the link mailed to it', async () => {
    const who = person('mover')
    const token = await verifiedAccount(h, who)
    const moved = `moved.${who.email}`
    expect((await call(h, 'POST', '/v1/me/email', { email: moved }, token)).status).toBe(202)
    const link = h.linkIn(await h.mailTo(moved, /confirm/i), '/confirm-email')
    const { page, context, problems } = await open('/sign-in')
    await page.goto(link)
    await page.getByRole('heading', { name: 'New email address confirmed' }).waitFor()
    expect(page.url()).toBe(`${h.origin}/confirm-email`)
    await checkScreen(page, 'confirm-email-done')
    // The new address names the account now (a second step may follow for this new device).
    const byNew = await call(h, 'POST', '/v1/sessions', { identifier: moved, password: who.password })
    expect([200, 201]).toContain(byNew.status)
    await page.goto(link)
    await page.getByRole('alert').filter({ hasText: 'not valid any more' }).waitFor()
    await checkScreen(page, 'confirm-email-used')
    expect(problems).toEqual([])
    await context.close()
  })

  it('shows the main screens in German, with nothing for axe to report', async () => {
    const { page, context, problems } = await open('/sign-in', 'de-DE')
    await page.getByRole('heading', { name: 'Anmelden' }).waitFor()
    expect(await page.evaluate('document.documentElement.lang')).toBe('de')
    expect(await page.title()).toBe('Anmelden · Gatehouse')
    await checkScreen(page, 'sign-in')
    await page.getByLabel('Benutzername oder E-Mail-Adresse').fill('niemand')
    await page.getByLabel('Passwort', { exact: true }).fill('falsch falsch falsch')
    await page.keyboard.press('Enter')
    await page.getByRole('alert').filter({ hasText: 'stimmen nicht' }).waitFor()
    await checkScreen(page, 'sign-in-error')
    await page.getByRole('link', { name: 'Konto erstellen' }).click()
    await page.getByRole('heading', { name: 'Konto erstellen' }).waitFor()
    await checkScreen(page, 'sign-up')
    await page.goto(`${h.origin}/forgot-password`)
    await page.getByRole('heading', { name: 'Passwort zurücksetzen' }).waitFor()
    await checkScreen(page, 'forgot-password')
    await page.goto(`${h.origin}/reset-password`)
    await page.getByRole('alert').waitFor()
    await checkScreen(page, 'reset-password-no-link')
    await page.goto(`${h.origin}/not-me?token=nope`)
    await page.getByRole('button', { name: 'Mein Konto sichern' }).click()
    await page.getByRole('alert').filter({ hasText: 'nicht mehr gültig' }).waitFor()
    await checkScreen(page, 'not-me-invalid')
    await page.goto(`${h.origin}/verify-email`)
    await page.getByRole('heading', { name: 'E-Mail-Adresse bestätigen' }).waitFor()
    await checkScreen(page, 'verify-email-no-link')
    expect(problems).toEqual([])
    await context.close()
  }, 90_000)
})
