import { classifyIdentifier } from './identifiers.js'
import type { AccountRecord, AccountRepository } from './ports.js'

/**
 * The account an identifier names, read the way login does: a username, an email address, or a
 * phone number that its account has verified. Null for anything else.
 */
export const findAccountByIdentifier = async (
  accounts: Pick<AccountRepository, 'findByUsername' | 'findByEmail' | 'findByVerifiedPhone'>,
  raw: string,
): Promise<AccountRecord | null> => {
  const id = classifyIdentifier(raw)
  if (id?.kind === 'username') return accounts.findByUsername(id.value)
  if (id?.kind === 'email') return accounts.findByEmail(id.value)
  if (id?.kind === 'phone') return accounts.findByVerifiedPhone(id.value)
  return null
}
