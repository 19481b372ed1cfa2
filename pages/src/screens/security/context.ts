/*
 * What every section of the security settings shares: the service's configuration, the signed-in
 * account, its second factors (GET /v1/mfa) and a way to have them and the history read again
 * after a change.
 */
import { createContext, useContext } from 'react'
import type { Answer } from '../../../../console/src/api/types'
import type { PagesConfig } from '../../config'

export type Account = Answer<'/v1/sessions/current'>['account']
/** The account as stored (GET /v1/me): its addresses, the reset lock, its language. */
export type Profile = Answer<'/v1/me'>
export type MfaStatus = Answer<'/v1/mfa'>
export type Factor = MfaStatus['factors'][number]
export type SecurityEvent = Answer<'/v1/me/events'>['events'][number]

export interface SecurityState {
  config: PagesConfig
  account: Account
  /** Null while the session may only change its password or enrol a factor. */
  profile: Profile | null
  mfa: MfaStatus
  /** The first page of the account's history, newest first. */
  events: SecurityEvent[]
  /** Reads the account, its factors and its history again (after any change that adds to them). */
  refresh: () => Promise<void>
  /** The session ended (elsewhere or here): on to the sign-in. */
  signedOut: () => void
}

export const SecurityContext = createContext<SecurityState | null>(null)

export const useSecurity = (): SecurityState => {
  const s = useContext(SecurityContext)
  if (!s) throw new Error('useSecurity outside the security screen')
  return s
}

/** Whether the account has a passkey it can prove itself with again. */
export const hasPasskey = (mfa: MfaStatus): boolean =>
  mfa.factors.some((f) => f.kind === 'webauthn' && f.status === 'active')
