/** The identifier rule: no password built from the account's own username or email address. */
import { codePointLength } from './text.js'

/** Shortest identifier (alphanumeric form) that is looked for inside a password. */
const MIN_IDENTIFIER_LENGTH = 3

/** Lower-cased letters, marks and digits only: `Alice.Smith!` → `alicesmith`. */
const alnumForm = (s: string): string =>
  s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}]/gu, '')

/** Lower-cased letters and marks only: what is left once digits and symbols are taken away. */
const lettersForm = (s: string): string =>
  s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}]/gu, '')

const reverse = (s: string): string => [...s].reverse().join('')

/** The username, the email address, its local part and (for `a+tag@…`) the part before the `+`. */
export const identifiersOf = (context: {
  username?: string | undefined
  email?: string | undefined
}): string[] => {
  const out: string[] = []
  if (context.username) out.push(context.username)
  if (context.email) {
    out.push(context.email)
    const at = context.email.lastIndexOf('@')
    const local = at > 0 ? context.email.slice(0, at) : ''
    if (local) out.push(local)
    const plus = local.indexOf('+')
    if (plus > 0) out.push(local.slice(0, plus))
  }
  return out
}

export const containsIdentifier = (password: string, identifiers: readonly string[]): boolean => {
  const passwordAlnum = alnumForm(password)
  const passwordLetters = lettersForm(password)
  for (const identifier of identifiers) {
    const form = alnumForm(identifier)
    if (codePointLength(form) >= MIN_IDENTIFIER_LENGTH) {
      if (passwordAlnum.includes(form) || passwordAlnum.includes(reverse(form))) return true
    }
    // The identifier with only digits or symbols added or taken away: `al` → `al!!2024!!`.
    const letters = lettersForm(identifier)
    if (letters !== '' && (passwordLetters === letters || passwordLetters === reverse(letters))) return true
  }
  return false
}

/** What zxcvbn is told about the account: each identifier, and the words of each. */
export const userInputsOf = (identifiers: readonly string[]): string[] => {
  const inputs = new Set<string>()
  for (const identifier of identifiers) {
    const lower = identifier.toLowerCase()
    inputs.add(lower)
    for (const word of lower.split(/[^\p{L}\p{M}\p{N}]+/u)) {
      if (codePointLength(word) >= MIN_IDENTIFIER_LENGTH) inputs.add(word)
    }
  }
  return [...inputs]
}
