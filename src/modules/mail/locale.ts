import type { RequestContext } from '../../kernel/context.js'
import type { Locale } from '../../kernel/locale.js'

/**
 * The language a message is written in, as its payload carries it (`locale`): the account's own,
 * else the one the request that caused it asked for (`Accept-Language`); nothing when neither names
 * one, and the worker writes it in GATEHOUSE_DEFAULT_LOCALE. Spread into the payload; it reads
 * nothing, so choosing it costs the same on every path.
 */
export const messageLocale = (
  accountLocale: Locale | null | undefined,
  ctx?: Pick<RequestContext, 'locale'> | null,
): Record<string, Locale> => {
  const locale = accountLocale ?? ctx?.locale ?? null
  return locale ? { locale } : {}
}
