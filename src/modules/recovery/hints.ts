import { createHmac } from 'node:crypto'
import { classifyIdentifier } from '../accounts/identifiers.js'

const LETTERS = 'abcdefghijklmnopqrstuvwxyz'
const TLDS = ['com', 'net', 'org', 'de', 'co.uk', 'fr', 'io']

/** `jane@example.com` → `j***@e***.com`. */
export const maskEmail = (email: string): string => {
  const at = email.lastIndexOf('@')
  const local = email.slice(0, at)
  const domain = email.slice(at + 1)
  const dot = domain.indexOf('.')
  const tld = dot >= 0 ? domain.slice(dot + 1) : ''
  return `${local.slice(0, 1)}***@${domain.slice(0, 1)}***${tld ? `.${tld}` : ''}`
}

/**
 * A hint that looks like a real one, derived from the identifier alone (keyed, so it cannot be
 * predicted offline) in its normalised form, as lookups normalise it: every spelling that would
 * name one account (case, full-width forms, a phone number's punctuation) gets one hint, as a real
 * account's do.
 */
export const fakeHint = (identifier: string, secret: Buffer): string => {
  const id = classifyIdentifier(identifier)
  const norm = id ? `${id.kind}:${id.value}` : `raw:${identifier.trim().toLowerCase()}`
  const h = createHmac('sha256', secret).update(norm).digest()
  return `${LETTERS[h[0]! % 26]}***@${LETTERS[h[1]! % 26]}***.${TLDS[h[2]! % TLDS.length]}`
}

/**
 * The masked hint for a recovery request: the account's address masked, or —
 * for a missing account — a fake one derived deterministically from what was
 * typed, so that a hint never confirms that an account exists.
 */
export const maskedHint = async (
  identifier: string,
  secret: Buffer,
  lookup: (identifier: string) => Promise<string | null>,
): Promise<string> => {
  const email = await lookup(identifier)
  return email ? maskEmail(email) : fakeHint(identifier, secret)
}
