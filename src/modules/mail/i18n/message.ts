/** A catalog message: one text, or one per plural category of its `{count}` (`other` is required). */
export type Message = string | ({ readonly other: string } & { readonly [C in Intl.LDMLPluralRule]?: string })

/** The values a message's placeholders are filled with. */
export type MessageParams = Readonly<Record<string, string | number>>

/** The `{name}` placeholders a message text names (repeated ones once), sorted. */
export const placeholdersOf = (text: string): string[] =>
  [...new Set([...text.matchAll(/\{([a-zA-Z0-9_]+)\}/g)].map((m) => m[1] as string))].sort()

/** Every text of a message: the one, or each plural form. */
export const textsOf = (message: Message): string[] =>
  typeof message === 'string'
    ? [message]
    : Object.values(message).filter((v): v is string => typeof v === 'string')
