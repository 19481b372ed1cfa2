/* The OpenID Connect provider: clients, signing keys and the provider's artefacts. */

export interface OidcClientsTable {
  id: string
  name: string
  description: string | null
  owner_account_id: string | null
  contact: string | null
  first_party: number
  public: number
  token_endpoint_auth_method: string
  /** Hex SHA-256 of the secret; the secret is never stored. */
  secret_hash: string | null
  secret_created_at: number | null
  /** JSON arrays. */
  redirect_uris: string
  post_logout_redirect_uris: string
  scopes: string
  grant_types: string
  require_acr: string | null
  backchannel_logout_uri: string | null
  access_token_format: string
  created_by: string
  created_at: number
  updated_at: number
  disabled_at: number | null
  last_used_at: number | null
}

export interface OidcKeysTable {
  kid: string
  alg: string
  /** The private JWK sealed under the secret key. */
  private_sealed: string
  created_at: number
  retired_at: number | null
}

export interface OidcArtifactsTable {
  model: string
  id: string
  /** JSON. */
  payload: string
  expires_at: number | null
  grant_id: string | null
  uid: string | null
  user_code: string | null
  account_id: string | null
  client_id: string | null
  consumed_at: number | null
}
