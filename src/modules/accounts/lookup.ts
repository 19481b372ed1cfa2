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

/** The account a login's identifier names and, for a username, the password a sign-up reserved it with. */
export interface LoginAccount {
  account: AccountRecord | null
  /** See `AccountRepository.findByUsernameWithReservation`; null for an email address or a phone number. */
  reservedHash: string | null
}

/**
 * What a login reads about its identifier, in one read whether or not an account has it: for a
 * username, the account and the name's reservation together (so a name with no account costs the
 * same read as one with an account); otherwise as `findAccountByIdentifier`.
 */
export const findLoginAccount = async (
  accounts: Pick<
    AccountRepository,
    'findByUsernameWithReservation' | 'findByUsername' | 'findByEmail' | 'findByVerifiedPhone'
  >,
  raw: string,
): Promise<LoginAccount> => {
  const id = classifyIdentifier(raw)
  if (id?.kind === 'username') return accounts.findByUsernameWithReservation(id.value)
  return { account: await findAccountByIdentifier(accounts, raw), reservedHash: null }
}
