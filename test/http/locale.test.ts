import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { databaseKinds } from '../helpers/databases.js'
import { call, createTestServer, freshUser, type TestServer } from '../helpers/server.js'
import type { SinkMessage } from '../helpers/smtp-sink.js'

const GERMAN_BROWSER = 'de-DE,de;q=0.9,en;q=0.5'
const ENGLISH_BROWSER = 'en-US,en;q=0.9'
const FRENCH_BROWSER = 'fr-FR,fr;q=0.9'

const VERIFY_EN = /^Verify your email address for Gatehouse$/
const VERIFY_DE = /^Bestätigen Sie Ihre E-Mail-Adresse für Gatehouse$/

/**
 * The language of mails, end to end: the account's stored one, else the Accept-Language of the
 * request that caused the mail, else GATEHOUSE_DEFAULT_LOCALE — German here, so that the default is
 * seen to apply rather than English by accident.
 */
describe.each(databaseKinds())('the language of mails over HTTP on %s', (kind) => {
  let server: TestServer
  beforeAll(async () => {
    server = await createTestServer(kind, {
      GATEHOUSE_DEFAULT_LOCALE: 'de',
      GATEHOUSE_RECOVERY_LIMIT_IP: '1000/3600',
      GATEHOUSE_RECOVERY_LIMIT_SUBNET: '1000/3600',
      GATEHOUSE_BRAND_SUPPORT_URL: 'https://help.example.test/',
    })
  })
  afterAll(async () => {
    await server?.close()
  })

  const mailsTo = (email: string) => server.smtp.messages.filter((m) => m.to.includes(email))
  const lastMailTo = (email: string): SinkMessage => {
    const mails = mailsTo(email)
    expect(mails.length).toBeGreaterThan(0)
    return mails[mails.length - 1]!
  }

  /** Signs up with the given body extras and Accept-Language; returns the user and the verification mail. */
  const signUp = async (acceptLanguage: string | null, extra: Record<string, unknown> = {}) => {
    const user = freshUser('lang')
    const res = await call(server, 'POST', '/v1/accounts', {
      body: { ...user, ...extra },
      headers: acceptLanguage ? { 'accept-language': acceptLanguage } : {},
    })
    expect(res.status, res.body).toBe(202)
    await server.deliver()
    return { user, mail: lastMailTo(user.email) }
  }

  /** Verifies with the mailed token and logs in (the English browser, which changes nothing stored). */
  const verifyAndLogin = async (user: { username: string; password: string }, mail: SinkMessage) => {
    const headers = { 'accept-language': ENGLISH_BROWSER }
    const token = server.smtp.tokenFrom(mail)
    expect((await call(server, 'POST', '/v1/accounts/verify', { body: { token }, headers })).status).toBe(200)
    const login = await call(server, 'POST', '/v1/sessions', {
      body: { identifier: user.username, password: user.password },
      headers,
    })
    expect(login.status, login.body).toBe(201)
    return login.json.token as string
  }

  const storedLocale = async (token: string, acceptLanguage = ENGLISH_BROWSER) => {
    const res = await call(server, 'GET', '/v1/sessions/current', {
      token,
      headers: { 'accept-language': acceptLanguage },
    })
    expect(res.status).toBe(200)
    return res.json.account.locale as string | null
  }

  it("writes the sign-up mail in the browser's language and stores it on the account", async () => {
    const { user, mail } = await signUp(GERMAN_BROWSER)
    expect(mail.subject).toMatch(VERIFY_DE)
    expect(mail.text).toContain('Hallo')
    expect(mail.html).toContain('<html lang="de">')
    // The link and the token are those of any language, and they work.
    expect(mail.text).toMatch(/^https:\/\/id\.example\.test\/verify-email\?token=\S+$/m)
    expect(mail.text).toContain('Hilfe und Kontakt: https://help.example.test/')
    const token = await verifyAndLogin(user, mail)
    expect(await storedLocale(token)).toBe('de')
  })

  it("prefers the body's language to the browser's", async () => {
    const { user, mail } = await signUp(ENGLISH_BROWSER, { locale: 'de' })
    expect(mail.subject).toMatch(VERIFY_DE)
    expect(await storedLocale(await verifyAndLogin(user, mail))).toBe('de')
  })

  it("writes in English for an English browser, and in the default language for one Gatehouse doesn't have", async () => {
    const english = await signUp(ENGLISH_BROWSER)
    expect(english.mail.subject).toMatch(VERIFY_EN)
    expect(english.mail.html).toContain('<html lang="en">')
    expect(english.mail.text).toContain('Help and support: https://help.example.test/')

    const french = await signUp(FRENCH_BROWSER)
    expect(french.mail.subject).toMatch(VERIFY_DE)
    const noHeader = await signUp(null)
    expect(noHeader.mail.subject).toMatch(VERIFY_DE)
    // Nothing was stored for them, and a signed-in request in another language does not store one.
    const token = await verifyAndLogin(french.user, french.mail)
    expect(await storedLocale(token, ENGLISH_BROWSER)).toBeNull()
    expect(await storedLocale(token, GERMAN_BROWSER)).toBeNull()
  })

  it('PUT /v1/me/locale changes the language of the next notice, whatever the browser says', async () => {
    const { user, mail } = await signUp(GERMAN_BROWSER)
    const token = await verifyAndLogin(user, mail)
    const put = await call(server, 'PUT', '/v1/me/locale', { token, body: { locale: 'en' } })
    expect(put.status, put.body).toBe(200)
    expect(put.json).toEqual({ locale: 'en' })
    expect(await storedLocale(token, GERMAN_BROWSER)).toBe('en')

    const newPassword = `${user.password} plus`
    const change = await call(server, 'POST', '/v1/me/password', {
      token,
      body: { current_password: user.password, new_password: newPassword },
      headers: { 'accept-language': GERMAN_BROWSER },
    })
    expect(change.status, change.body).toBe(200)
    await server.deliver()
    const notice = lastMailTo(user.email)
    expect(notice.subject).toBe('Your Gatehouse password was changed')

    // The change is recorded as a security event of the account.
    const events = await call(server, 'GET', '/v1/me/events', {
      token: await relogin(user.username, newPassword),
    })
    expect(events.status).toBe(200)
    const changed = (events.json.events as Array<{ type: string; details: Record<string, unknown> }>).find(
      (e) => e.type === 'account_locale_changed',
    )
    expect(changed?.details).toEqual({ from: 'de', to: 'en' })
  })

  const relogin = async (username: string, password: string) => {
    const login = await call(server, 'POST', '/v1/sessions', { body: { identifier: username, password } })
    expect(login.status, login.body).toBe(201)
    return login.json.token as string
  }

  it('refuses a language Gatehouse does not have, and a caller without a session', async () => {
    const { user, mail } = await signUp(ENGLISH_BROWSER)
    const token = await verifyAndLogin(user, mail)
    for (const body of [{ locale: 'fr' }, { locale: 'DE' }, { locale: '' }, {}, { locale: 'de', extra: 1 }]) {
      const res = await call(server, 'PUT', '/v1/me/locale', { token, body })
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
    }
    expect(await storedLocale(token)).toBe('en')
    expect((await call(server, 'PUT', '/v1/me/locale', { body: { locale: 'de' } })).status).toBe(401)
    const badSignUp = await call(server, 'POST', '/v1/accounts', {
      body: { ...freshUser('x'), locale: 'fr' },
    })
    expect(badSignUp.status).toBe(400)
  })

  it("tells the owner of an address signed up with again in the owner's language, else the request's", async () => {
    const english = await signUp(ENGLISH_BROWSER)
    const unset = await signUp(FRENCH_BROWSER)
    const again = async (email: string, acceptLanguage: string) => {
      const res = await call(server, 'POST', '/v1/accounts', {
        body: { ...freshUser('again'), email },
        headers: { 'accept-language': acceptLanguage },
      })
      expect(res.status, res.body).toBe(202)
      expect(res.body).toBe('{"status":"verification_sent"}')
      await server.deliver()
      return lastMailTo(email)
    }
    expect((await again(english.user.email, GERMAN_BROWSER)).subject).toBe(
      'Someone tried to sign up for Gatehouse with your email address',
    )
    expect((await again(unset.user.email, GERMAN_BROWSER)).subject).toBe(
      'Jemand wollte sich mit Ihrer E-Mail-Adresse bei Gatehouse registrieren',
    )
  })

  it("writes a recovery mail in the account's language, else in the language of the browser that asked", async () => {
    const german = await signUp(GERMAN_BROWSER)
    await verifyAndLogin(german.user, german.mail)
    const unset = await signUp(FRENCH_BROWSER)
    await verifyAndLogin(unset.user, unset.mail)

    const ask = async (identifier: string, acceptLanguage: string) => {
      const res = await call(server, 'POST', '/v1/recovery', {
        body: { identifier },
        headers: { 'accept-language': acceptLanguage },
      })
      expect(res.status, res.body).toBe(202)
      await server.deliver()
    }
    await ask(german.user.username, ENGLISH_BROWSER)
    const reset = lastMailTo(german.user.email)
    expect(reset.subject).toBe('Setzen Sie Ihr Passwort für Gatehouse zurück')
    expect(reset.text).toMatch(/^https:\/\/id\.example\.test\/reset-password\?token=\S+$/m)

    await ask(unset.user.email, ENGLISH_BROWSER)
    expect(lastMailTo(unset.user.email).subject).toBe('Reset your Gatehouse password')
  })
})
