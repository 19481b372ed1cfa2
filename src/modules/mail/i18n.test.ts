import { describe, expect, it } from 'vitest'
import { LOCALES, type Locale } from '../../kernel/locale.js'
import { catalogs, type MessageKey, translator } from './i18n/catalog.js'
import { en } from './i18n/en.js'
import { placeholdersOf, textsOf } from './i18n/message.js'
import type { TemplatePayload } from './templates/fields.js'
import { renderMail, renderSms, securityChanges, smsTemplateNames, templateNames } from './templates.js'

const PUBLIC_URL = 'https://id.example.test'
const TOKEN = 'tok_ABCdef0123456789-_~.xyz'
const LOCK = 'lock_0123456789abcdefABCDEF'

/** A payload each template accepts; the campaign notice without a subject, so that its fallback shows. */
const payloadOf = (template: string): TemplatePayload => ({
  token: TOKEN,
  username: 'alice',
  expiresInHours: 24,
  expiresInMinutes: 20,
  change: 'factor_added',
  code: '123456',
  count: 3,
  day: '2026-11-23',
  time: '2026-11-23T12:00:00.000Z',
  device: 'Firefox on Linux',
  ip: '203.0.113.7',
  place: 'Berlin, Germany',
  phoneLast2: '42',
  lockToken: LOCK,
  text: 'Hello {{username}}, we saw something.\n\nPlease check your account.',
  ...(template === 'campaign_notice' ? {} : { subject: 'ignored' }),
})

const ctxOf = (locale: Locale) => ({ publicUrl: `${PUBLIC_URL}/`, locale })

/** What must be the same in every language: the links, tokens and codes, in order. */
const structure = (text: string): string[] =>
  [...text.matchAll(/https?:\/\/\S+|^Token: \S+$|^Code: \S+$|Token: \S+$/gm)].map((m) => m[0])

/** The English sentences (or parts of them between placeholders) of more than three words. */
const englishPhrases: string[] = Object.values(en)
  .flatMap(textsOf)
  .flatMap((t) => t.split(/\{[a-zA-Z0-9_]+\}/))
  .map((p) => p.trim().replace(/^[\s.,:;()]+|[\s.,:;()]+$/g, ''))
  .filter((p) => p.split(/\s+/).length > 3)

/** A rendered text as one line: the text part wraps paragraphs. */
const flat = (s: string) => s.replace(/\s+/g, ' ')

describe('message catalogs', () => {
  it('have, in every language, the placeholders of the English message for every key and plural form', () => {
    for (const locale of LOCALES) {
      for (const key of Object.keys(en) as MessageKey[]) {
        const english = en[key]
        const wanted = placeholdersOf(typeof english === 'string' ? english : english.other)
        for (const text of textsOf(catalogs[locale][key]))
          expect(placeholdersOf(text), `${locale} ${key}`).toEqual(wanted)
        const plural = typeof english !== 'string'
        expect(typeof catalogs[locale][key] !== 'string', `${locale} ${key} plural`).toBe(plural)
      }
    }
  })

  it('fill placeholders once, by plural form, and never read a value as a placeholder', () => {
    const de = translator('de')
    expect(de('verifyEmail.expiresIn', { count: 1 })).toBe('Link und Token sind 1 Stunde lang gültig.')
    expect(de('verifyEmail.expiresIn', { count: 24 })).toBe('Link und Token sind 24 Stunden lang gültig.')
    expect(translator('en')('greeting', { username: '{product}' })).toBe('Hi {product},')
    expect(() => translator('en')('greeting')).toThrow(/greeting.*username/)
    expect(() => translator('en')('digest.subject', { product: 'X' })).toThrow(/count/)
  })
})

describe.each(LOCALES)('every template in %s', (locale) => {
  const ctx = ctxOf(locale)

  it('renders every mail and SMS with links, tokens and codes exactly as in English', () => {
    expect(structure(renderMail('verify_email', payloadOf('verify_email'), ctx).text)).toEqual([
      `${PUBLIC_URL}/verify-email?token=${TOKEN}`,
      `Token: ${TOKEN}`,
    ])
    for (const template of templateNames) {
      const mail = renderMail(template, payloadOf(template), ctx)
      const english = renderMail(template, payloadOf(template), ctxOf('en'))
      expect(structure(mail.text), template).toEqual(structure(english.text))
      expect(mail.html, template).toContain(`<html lang="${locale}">`)
    }
    for (const template of smsTemplateNames) {
      const body = renderSms(template, payloadOf(template), ctx)
      expect(structure(body), template).toEqual(
        structure(renderSms(template, payloadOf(template), ctxOf('en'))),
      )
    }
  })

  it.runIf(locale !== 'en')(
    'differs from English in every subject and body, and keeps no English sentence',
    () => {
      const seen: string[] = []
      for (const template of templateNames) {
        const mail = renderMail(template, payloadOf(template), ctx)
        const english = renderMail(template, payloadOf(template), ctxOf('en'))
        expect(mail.subject, template).not.toBe(english.subject)
        // The campaign notice's body is the operator's own text, in the language they wrote it.
        if (template !== 'campaign_notice') expect(mail.text, template).not.toBe(english.text)
        seen.push(mail.subject, flat(mail.text), mail.html)
      }
      for (const change of Object.keys(securityChanges)) {
        const payload = { ...payloadOf('security_change'), change }
        seen.push(
          renderMail('security_change', payload, ctx).subject,
          renderSms('security_change', payload, ctx),
        )
      }
      for (const template of smsTemplateNames) {
        const body = renderSms(template, payloadOf(template), ctx)
        // An operator's campaign text is sent as written.
        if (template !== 'campaign_notice')
          expect(body, template).not.toBe(renderSms(template, payloadOf(template), ctxOf('en')))
        seen.push(body)
      }
      const { phoneLast2: _last2, ...noNumber } = payloadOf('phone_changed')
      for (const payload of [{ ...noNumber, removed: true }, noNumber])
        seen.push(flat(renderMail('phone_changed', payload, ctx).text))
      const { lockToken: _lock, ...noLock } = payloadOf('password_changed')
      seen.push(
        flat(renderMail('password_changed', noLock, ctx).text),
        renderSms('password_changed', noLock, ctx),
      )
      const all = seen.join('\n')
      expect(englishPhrases.length).toBeGreaterThan(50)
      for (const phrase of englishPhrases) expect(all, phrase).not.toContain(phrase)
    },
  )

  it('writes dates in the language, in UTC', () => {
    const mail = renderMail('new_login', payloadOf('new_login'), ctx)
    const expected =
      locale === 'de' ? '23. November 2026 um 12:00:00 UTC' : 'November 23, 2026 at 12:00:00 PM UTC'
    expect(flat(mail.text).replace(/\u202f/g, ' ')).toContain(expected)
    // A time that is not ISO 8601 is shown as it came.
    const odd = renderMail('new_login', { ...payloadOf('new_login'), time: 'yesterday' }, ctx)
    expect(flat(odd.text)).toContain('yesterday')
  })
})

describe('branding in mails', () => {
  const brand = {
    accent: '#C0FFEE',
    supportUrl: 'mailto:help@example.test',
    privacyUrl: 'https://example.test/privacy',
  }

  it('links support and privacy in the footer and colours links with the accent, in every language', () => {
    for (const locale of LOCALES) {
      const t = translator(locale)
      const mail = renderMail('verify_email', payloadOf('verify_email'), {
        ...ctxOf(locale),
        brand,
        productName: 'Acme ID',
      })
      expect(mail.html).toContain('style="color: #c0ffee"')
      expect(mail.html).toContain('href="mailto:help@example.test"')
      expect(mail.html).toContain('href="https://example.test/privacy"')
      expect(mail.text).toContain(`${t('footer.support')} mailto:help@example.test`)
      expect(mail.text).toContain(`${t('footer.privacy')} https://example.test/privacy`)
      expect(mail.text).toContain('\n\nAcme ID\n')
    }
    // SMS carry the product name only.
    const sms = renderSms('login_code', { code: '123456' }, { ...ctxOf('en'), brand, productName: 'Acme ID' })
    expect(sms).toMatch(/^Acme ID: /)
    expect(sms).not.toContain('example.test')
  })

  it('has no footer without links, and the default accent', () => {
    const mail = renderMail('verify_email', payloadOf('verify_email'), ctxOf('de'))
    expect(mail.html).toContain('style="color: #2451b7"')
    for (const locale of LOCALES) {
      const t = translator(locale)
      expect(mail.text).not.toContain(t('footer.support'))
      expect(mail.html).not.toContain(t('footer.privacy'))
    }
    const onlyPrivacy = renderMail('verify_email', payloadOf('verify_email'), {
      ...ctxOf('en'),
      brand: { privacyUrl: 'https://example.test/privacy' },
    })
    expect(onlyPrivacy.text).not.toContain(translator('en')('footer.support'))
    expect(onlyPrivacy.text).toContain('https://example.test/privacy')
  })

  it('lets no brand value inject markup, styles or scripts', () => {
    const hostile = {
      accent: 'red;background:url(https://evil.test/x)',
      supportUrl: 'javascript:alert(1)',
      privacyUrl: 'https://example.test/"><script>alert(1)</script>',
    }
    const mail = renderMail('verify_email', payloadOf('verify_email'), { ...ctxOf('en'), brand: hostile })
    expect(mail.html).not.toContain('evil.test')
    expect(mail.html).not.toContain('javascript:')
    expect(mail.html).not.toContain('<script>')
    expect(mail.html).toContain('style="color: #2451b7"')
    const broken = renderMail('verify_email', payloadOf('verify_email'), {
      ...ctxOf('en'),
      brand: { supportUrl: 'https://example.test/\r\nBcc: x@evil.test', privacyUrl: 'not a url' },
    })
    expect(broken.text).not.toContain('evil.test')
    expect(broken.text).not.toContain('not a url')
  })
})
