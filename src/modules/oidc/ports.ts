/*
 * What the OpenID Connect provider needs of storage: its registered applications (clients), its
 * signing keys, and the artefacts the provider keeps (sessions, interactions, codes, tokens, grants).
 */

/** The levels a client may require of a sign-in: any, a second factor, or a phishing-resistant one. */
export const ACR_LEVELS = ['pwd', 'mfa', 'phr'] as const
export type AcrLevel = (typeof ACR_LEVELS)[number]

/** The scopes a client may be allowed. */
export const OIDC_SCOPES = ['openid', 'profile', 'email', 'phone', 'offline_access'] as const
export type OidcScope = (typeof OIDC_SCOPES)[number]

/** Scopes that reach contact data or outlive the sign-in: a client allowed one should require MFA. */
export const SENSITIVE_SCOPES: readonly OidcScope[] = ['email', 'phone', 'offline_access']

export const OIDC_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none'] as const
export type OidcAuthMethod = (typeof OIDC_AUTH_METHODS)[number]

export const OIDC_GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials'] as const
export type OidcGrantType = (typeof OIDC_GRANT_TYPES)[number]

/** An application that signs users in through Gatehouse (an OAuth 2.0 / OpenID Connect client). */
export interface OidcClientRecord {
  /** The `client_id`: `ghc_` and 22 random characters. */
  id: string
  name: string
  description: string | null
  /** The staff or partner account answerable for it; null: nobody (a risk flag in the access review). */
  ownerAccountId: string | null
  /** Whom to call about it (an address or a URL). */
  contact: string | null
  /** First-party clients skip the consent screen; third-party ones show it. */
  firstParty: boolean
  /** A public client (a browser or native app): no secret, PKCE only. */
  public: boolean
  /** How a confidential client proves itself at the token endpoint (`none` for a public one). */
  tokenEndpointAuthMethod: OidcAuthMethod
  /** Hex SHA-256 of the secret (`ghs_…`); the secret itself is shown once and never stored. */
  secretHash: string | null
  secretCreatedAt: number | null
  /** Exact-match redirect URIs. */
  redirectUris: string[]
  postLogoutRedirectUris: string[]
  scopes: OidcScope[]
  grantTypes: OidcGrantType[]
  /** The least a sign-in for this client must have proved; null: a password is enough. */
  requireAcr: AcrLevel | null
  /** Where back-channel logout tokens are posted; null: the client is not told. */
  backchannelLogoutUri: string | null
  /** Access tokens for this client: opaque (introspected) or JWT (checked locally by resource servers). */
  accessTokenFormat: 'opaque' | 'jwt'
  createdBy: string
  createdAt: number
  updatedAt: number
  /** While set, the client can neither sign anyone in nor use its tokens. */
  disabledAt: number | null
  /** Last token issued to it (written at most once a minute). */
  lastUsedAt: number | null
}

export type OidcClientChange = Partial<
  Pick<
    OidcClientRecord,
    | 'name'
    | 'description'
    | 'ownerAccountId'
    | 'contact'
    | 'firstParty'
    | 'tokenEndpointAuthMethod'
    | 'redirectUris'
    | 'postLogoutRedirectUris'
    | 'scopes'
    | 'grantTypes'
    | 'requireAcr'
    | 'backchannelLogoutUri'
    | 'accessTokenFormat'
    | 'disabledAt'
    | 'secretHash'
    | 'secretCreatedAt'
  >
>

export interface OidcClientRepository {
  create(c: OidcClientRecord): Promise<void>
  find(id: string): Promise<OidcClientRecord | null>
  /** Every client, oldest first. */
  list(): Promise<OidcClientRecord[]>
  /** False when no such client. */
  update(id: string, change: OidcClientChange, at: number): Promise<boolean>
  /** False when no such client. */
  delete(id: string): Promise<boolean>
  /** Records a use unless one was recorded in the last `minGapMs` (a conditional write). */
  recordUse(id: string, at: number, minGapMs: number): Promise<void>
}

/** A signing key, its private half sealed under the secret key. */
export interface OidcKeyRecord {
  kid: string
  alg: 'RS256' | 'ES256'
  /** The private JWK, sealed (`SecretBox`, additional data `oidc key <kid>`). */
  privateSealed: string
  createdAt: number
  /** When a rotation replaced it: it is published, not used, until its tokens have expired. */
  retiredAt: number | null
}

export interface OidcKeyRepository {
  /** Every key not yet dropped, newest first. */
  list(): Promise<OidcKeyRecord[]>
  /** Inserts the new keys and retires every older live one, in one transaction. */
  rotate(fresh: OidcKeyRecord[], at: number): Promise<void>
  /** Drops keys retired before `cutoff`; how many. */
  dropRetiredBefore(cutoff: number): Promise<number>
}

/** One artefact of the provider (its `Adapter` contract), by model name and id. */
export interface OidcArtifact {
  model: string
  id: string
  payload: Record<string, unknown>
  /** Epoch ms; null: never. */
  expiresAt: number | null
  grantId: string | null
  uid: string | null
  userCode: string | null
  /** The account it belongs to (grants, sessions and tokens), for the incident hooks. */
  accountId: string | null
  clientId: string | null
  consumedAt: number | null
}

export interface OidcArtifactStore {
  upsert(a: OidcArtifact): Promise<void>
  /** Null when missing or expired at `now`. */
  find(model: string, id: string, now: number): Promise<OidcArtifact | null>
  findByUid(model: string, uid: string, now: number): Promise<OidcArtifact | null>
  findByUserCode(model: string, userCode: string, now: number): Promise<OidcArtifact | null>
  /** Marks consumed at `at`. */
  consume(model: string, id: string, at: number): Promise<void>
  destroy(model: string, id: string): Promise<void>
  /** Deletes every artefact (of every model) of the grant. */
  revokeByGrantId(grantId: string): Promise<void>
  /** Live grants of the account (model `Grant`): their ids and clients. */
  grantsOfAccount(accountId: string, now: number): Promise<Array<{ grantId: string; clientId: string }>>
  /** Live grants of the client, of every account. */
  grantsOfClient(clientId: string, now: number): Promise<Array<{ grantId: string; accountId: string | null }>>
  /** Which of the accounts have a live grant or provider session. */
  accountsWithLiveAccess(accountIds: readonly string[], now: number): Promise<Set<string>>
  /** Live provider sessions of the account (model `Session`), for back-channel logout's `sid`. */
  sessionsOfAccount(accountId: string, now: number): Promise<OidcArtifact[]>
  /** Deletes artefacts that expired before `cutoff`; how many. */
  deleteExpiredBefore(cutoff: number): Promise<number>
}
