import type { Generated } from 'kysely'

/* Sessions and what a login goes through: remembered devices, login codes, new-login notices. */

export interface SessionsTable {
  id: string
  token_hash: string
  account_id: string
  created_at: number
  last_seen_at: number
  expires_at: number
  idle_expires_at: number
  ip: string | null
  user_agent: string | null
  restricted: number
  revoked_at: number | null
  /** When the holder last proved who they are (password or factor); null for sessions older than this column. */
  authenticated_at: number | null
  /** 1: the account's role requires a second factor and it has none: the session may only enrol one. */
  mfa_enrolment: Generated<number>
  /** RFC 8176 methods the holder proved, a JSON array of strings; null for sessions older than this column (`["pwd"]`). */
  amr: string | null
}

export interface DevicesTable {
  id: string
  account_id: string
  /** SHA-256 of the device token (the `gh_device` cookie or `X-Gatehouse-Device` header). */
  device_hash: string
  user_agent: string | null
  ip: string | null
  created_at: number
  last_seen_at: number
  /** Until then, logins from this device skip the second factor (never the password). */
  remembered_until: number | null
}

export interface LoginCodesTable {
  id: string
  challenge_id: string
  account_id: string
  channel: string
  /** HMAC-SHA256 of the code under the server's secret key. */
  code_hash: string
  expires_at: number
  used_at: number | null
  created_at: number
}

export interface LoginNoticesTable {
  id: string
  account_id: string
  session_id: string
  token_hash: string
  expires_at: number
  used_at: number | null
  created_at: number
}
