import type { Account } from 'oidc-provider'
import type { AccountRecord, AccountRepository } from '../accounts/ports.js'

/** The claims each scope releases; `acr`, `amr` and `auth_time` say what the sign-in proved and when. */
export const CLAIMS = {
  acr: null,
  amr: null,
  auth_time: null,
  sid: null,
  iss: null,
  openid: ['sub', 'acr', 'amr', 'auth_time'],
  profile: ['preferred_username', 'locale'],
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
}

/**
 * Whether an account may use what it was granted: not locked ("this wasn't me", a revoked
 * partner), not under a required reset. Tokens of any other are refused at refresh and userinfo.
 */
export const mayUseGrants = (a: AccountRecord): boolean => a.lockedAt === null && !a.passwordResetRequired

/** The account behind a subject, with its claims; undefined for a missing or barred one. */
export const accountClaims = async (
  accounts: AccountRepository,
  sub: string,
): Promise<Account | undefined> => {
  const a = await accounts.findById(sub)
  if (!a || !mayUseGrants(a)) return undefined
  return {
    accountId: a.id,
    claims: () => ({
      sub: a.id,
      preferred_username: a.username,
      ...(a.locale ? { locale: a.locale } : {}),
      email: a.email,
      email_verified: a.emailVerifiedAt !== null,
      ...(a.phone ? { phone_number: a.phone, phone_number_verified: a.phoneVerifiedAt !== null } : {}),
    }),
  }
}
