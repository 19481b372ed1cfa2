import { describe, expect, it } from 'vitest'
import { isLocale, languageRanges, localeFromAcceptLanguage } from './locale.js'

describe('Accept-Language', () => {
  it('orders ranges by q-value, ties in the order given, without q=0 and malformed ones', () => {
    expect(languageRanges('fr;q=0.5, de-DE, en;q=0.9, *;q=0.1')).toEqual(['de-de', 'en', 'fr', '*'])
    expect(languageRanges('en;q=0, de')).toEqual(['de'])
    expect(languageRanges('en;q=1.5, de;q=abc, fr;q=0.3, it;q=')).toEqual(['fr'])
    expect(languageRanges('en;Q=0.2, de;q=0.200')).toEqual(['en', 'de'])
    expect(languageRanges('en;level=1;q=0.4, de')).toEqual(['de', 'en'])
    expect(languageRanges('  , ;q=1, 123, en_US, de')).toEqual(['de'])
    expect(languageRanges('')).toEqual([])
  })

  it('names the first of our languages in the order of preference, by primary subtag', () => {
    expect(localeFromAcceptLanguage('de-DE,de;q=0.9')).toBe('de')
    expect(localeFromAcceptLanguage('fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5')).toBe('en')
    expect(localeFromAcceptLanguage('en;q=0.5, de-AT;q=0.8')).toBe('de')
    expect(localeFromAcceptLanguage('EN-gb')).toBe('en')
    expect(localeFromAcceptLanguage(['fr', 'de'])).toBe('de')
  })

  it('names none when the header has none of ours, is a wildcard, absent or junk', () => {
    for (const h of [undefined, '', 'fr', '*', 'fr;q=1, *;q=0.5', 'de;q=0', 'deu', 'english', '\u0000de']) {
      expect(localeFromAcceptLanguage(h), String(h)).toBeNull()
    }
  })

  it('reads a bounded part of a huge header without failing', () => {
    expect(localeFromAcceptLanguage(`${'xx, '.repeat(10_000)}de`)).toBeNull()
    expect(localeFromAcceptLanguage(`de, ${'x'.repeat(100_000)}`)).toBe('de')
  })

  it('knows its languages', () => {
    expect(isLocale('en')).toBe(true)
    expect(isLocale('de')).toBe(true)
    for (const v of ['fr', 'DE', '', null, 1, 'constructor']) expect(isLocale(v)).toBe(false)
  })
})
