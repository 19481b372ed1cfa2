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

/** The sign-in an access token comes from, as oidc-provider keeps it on the code or refresh token. */
interface SignInRecord {
  acr?: string
  amr?: string[]
  authTime?: number
}

/**
 * What an access token (JWT or introspected) says beyond the protocol's own claims, for the APIs
 * that accept it (RFC 9068 2.2.1): the sign-in's `acr`, `amr` and `auth_time`, so that an API can
 * ask for a stronger factor; and, for a first-party application granted `profile`, the account's
 * `roles` (a third party is never told an account's role in Gatehouse).
 */
export const accessTokenClaims = async (
  deps: {
    accounts: AccountRepository
    clients: { find(id: string): Promise<{ firstParty: boolean } | null> }
  },
  entities: { AuthorizationCode?: SignInRecord; RefreshToken?: SignInRecord } | undefined,
  token: { kind: string; accountId?: string; clientId?: string; scope?: string },
): Promise<Record<string, unknown> | undefined> => {
  if (token.kind !== 'AccessToken' || !token.accountId) return undefined
  const claims: Record<string, unknown> = {}
  const signIn = entities?.AuthorizationCode ?? entities?.RefreshToken
  if (signIn?.acr) claims.acr = signIn.acr
  if (signIn?.amr) claims.amr = signIn.amr
  if (signIn?.authTime) claims.auth_time = signIn.authTime
  const scopes = (token.scope ?? '').split(' ')
  if (scopes.includes('profile') && token.clientId && (await deps.clients.find(token.clientId))?.firstParty) {
    const account = await deps.accounts.findById(token.accountId)
    if (account) claims.roles = [account.role]
  }
  return claims
}
