import type { Generated } from 'kysely'

/* Second factors (TOTP and passkeys), their challenges and the recovery codes. */

export interface MfaFactorsTable {
  id: string
  account_id: string
  kind: string
  /** Encrypted at rest (AES-256-GCM). */
  secret: string | null
  last_used_step: number | null
  confirmed_at: number | null
  created_at: number
  /** Passkeys (kind `webauthn`): the credential id (base64url), COSE public key (base64url), signature counter. */
  credential_id: string | null
  public_key: string | null
  sign_count: number | null
  /** JSON array of transports the authenticator named. */
  transports: string | null
  name: string | null
  last_used_at: number | null
}

export interface MfaChallengesTable {
  id: string
  account_id: string
  attempts: Generated<number>
  expires_at: number
  used_at: number | null
  ip: string | null
  user_agent: string | null
  created_at: number
}

export interface WebauthnChallengesTable {
  id: string
  account_id: string | null
  purpose: string
  challenge: string
  login_challenge_id: string | null
  expires_at: number
  used_at: number | null
  created_at: number
}

export interface MfaRecoveryCodesTable {
  id: string
  account_id: string
  /** HMAC-SHA256 of the code under the server's secret key. */
  code_hash: string
  used_at: number | null
  created_at: number
}
