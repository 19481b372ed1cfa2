/*
 * Every string of the pages, by key, in one catalog per language (i18n/<lang>/). English is the
 * source: another language's catalog must have every key (the build fails otherwise). Adding a
 * language is adding its folder and one line in CATALOGS.
 */
import { de } from './de'
import { en } from './en'

export type Key = keyof typeof en
export type Catalog = Record<Key, string>

const CATALOGS = { en, de } satisfies Record<string, Catalog>
export type Lang = keyof typeof CATALOGS
export const LANGS = Object.keys(CATALOGS) as Lang[]
/** Each language's name in itself, for the language switch. */
export const LANG_NAMES: Record<Lang, string> = { en: 'English', de: 'Deutsch' }

const isLang = (v: unknown): v is Lang => typeof v === 'string' && Object.hasOwn(CATALOGS, v)

let current: Lang = 'en'
const STORED = 'gatehouse.lang'

/**
 * The language to show: one chosen on these pages before, else the account's stored one, else the
 * browser's preferences, else the service's default.
 */
export const pickLang = (fallback: string, account?: string | null): Lang => {
  try {
    const stored = localStorage.getItem(STORED)
    if (isLang(stored)) return stored
  } catch {
    // storage refused: go on
  }
  if (isLang(account)) return account
  for (const l of navigator.languages ?? [navigator.language]) {
    const base = l.toLowerCase().split('-')[0]
    if (isLang(base)) return base
  }
  return isLang(fallback) ? fallback : 'en'
}

export const setLang = (l: Lang, remember = false) => {
  current = l
  document.documentElement.lang = l
  if (remember) {
    try {
      localStorage.setItem(STORED, l)
    } catch {
      // storage refused: the choice lasts this page
    }
  }
}
export const lang = (): Lang => current

/** The string of `key` in the current language, `{name}` placeholders filled from `vars`. */
export const t = (key: Key, vars?: Record<string, string | number>): string => {
  const s = CATALOGS[current][key] ?? en[key]
  return vars ? s.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m)) : s
}

/** `key.one` or `key.other` by the current language's plural rules, `{count}` filled. */
export const plural = (key: string, count: number, vars: Record<string, string | number> = {}): string => {
  const form = new Intl.PluralRules(current).select(count) === 'one' ? 'one' : 'other'
  return t(`${key}.${form}` as Key, { count, ...vars })
}

/** A date and time in the reader's language and time zone. */
export const dateTime = (iso: string | number | Date): string =>
  new Intl.DateTimeFormat(current, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso))
