/**
 * The message catalogs of mails and texts, one per language Gatehouse has (src/kernel/locale.ts).
 * Every catalog has exactly the English one's keys: a missing or an extra one fails the build.
 * Adding a language is a file like de.ts and its line in `catalogs`.
 */
import type { Locale } from '../../../kernel/locale.js'
import { type RenderContext, TemplateError } from '../templates/fields.js'
import { de } from './de.js'
import { en } from './en.js'
import type { Message, MessageParams } from './message.js'

export type MessageKey = keyof typeof en
/** What every catalog must be: exactly the English catalog's keys. */
export type Catalog = { readonly [K in MessageKey]: Message }

export const catalogs: { readonly [L in Locale]: Catalog } = { en, de }

/** Renders the catalog's messages in one language. */
export type Translate = (key: MessageKey, params?: MessageParams) => string

const pluralRules = new Map<Locale, Intl.PluralRules>()
const pluralOf = (locale: Locale, count: number): Intl.LDMLPluralRule => {
  let rules = pluralRules.get(locale)
  if (!rules) {
    rules = new Intl.PluralRules(locale)
    pluralRules.set(locale, rules)
  }
  return rules.select(count)
}

/**
 * The translator of a language: picks the message (its plural form by `count`), and fills each
 * `{name}` in one pass, so that a value that looks like a placeholder stays as it is. A placeholder
 * without a value is a TemplateError (naming the key, never a value).
 */
export const translator =
  (locale: Locale): Translate =>
  (key, params = {}) => {
    const message = catalogs[locale][key]
    let text: string
    if (typeof message === 'string') text = message
    else {
      const count = params.count
      if (typeof count !== 'number') throw new TemplateError(`message "${key}" needs a count`)
      text = message[pluralOf(locale, count)] ?? message.other
    }
    return text.replace(/\{([a-zA-Z0-9_]+)\}/g, (_, name: string) => {
      const v = Object.hasOwn(params, name) ? params[name] : undefined
      if (v === undefined) throw new TemplateError(`message "${key}" lacks "${name}"`)
      return String(v)
    })
  }

/** The translator of the language a message is rendered in (English when the context names none). */
export const translate = (ctx: Pick<RenderContext, 'locale'>): Translate => translator(ctx.locale ?? 'en')

/**
 * A moment (an ISO 8601 time such as `2026-12-06T04:52:13.000Z`) as the language writes it, in UTC
 * and saying so; a value that is no such time is shown as it is.
 */
export const formatTime = (ctx: Pick<RenderContext, 'locale'>, value: string): string => {
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value)) return value
  const ms = Date.parse(value)
  if (!Number.isFinite(ms)) return value
  return new Intl.DateTimeFormat(ctx.locale ?? 'en', {
    dateStyle: 'long',
    timeStyle: 'long',
    timeZone: 'UTC',
  }).format(ms)
}
