/* Clients (third-party apps, partners) and their admin API keys. */

/** A third-party app or partner that holds admin API keys. */
export interface ClientsTable {
  id: string
  name: string
  description: string | null
  /** A staff or partner account answerable for the client. */
  owner_account_id: string
  created_by: string
  created_at: number
  updated_at: number
  /** Its keys are refused while set. */
  disabled_at: number | null
}

export interface ApiKeysTable {
  id: string
  client_id: string
  /** The displayable part of the key (`ghk_<prefix>_…`). */
  prefix: string
  /** Hex SHA-256 of the whole key; the key itself is never stored. */
  key_hash: string
  /** JSON array of scopes (`*` for every scope). */
  scopes: string
  description: string | null
  /** The expiry policy a rotation carries over; null: never expires. */
  expires_in_days: number | null
  expires_at: number | null
  created_by: string
  created_at: number
  /** Written at most once a minute per key. */
  last_used_at: number | null
  last_used_ip: string | null
  /** When the key stops (or stopped) working; in the future while a rotation's overlap runs. */
  revoked_at: number | null
  /** The successor issued by a rotation. */
  replaced_by: string | null
}
