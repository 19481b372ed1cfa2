import type { Role } from '../accounts/ports.js'

/** A third-party app or partner organisation that holds admin API keys. */
export interface ClientRecord {
  id: string
  name: string
  description: string | null
  /** A staff or partner account answerable for the client. */
  ownerAccountId: string
  createdBy: string
  createdAt: number
  updatedAt: number
  /** While set, every key of the client is refused. */
  disabledAt: number | null
}

export interface ApiKeyRecord {
  id: string
  clientId: string
  /** The displayable 8 characters after `ghk_`. */
  prefix: string
  /** Hex SHA-256 of the whole key. */
  keyHash: string
  /** Scope names, or `*` for every scope. */
  scopes: string[]
  description: string | null
  /** The expiry policy (carried over by rotation); null: never expires. */
  expiresInDays: number | null
  expiresAt: number | null
  createdBy: string
  createdAt: number
  lastUsedAt: number | null
  lastUsedIp: string | null
  /** When the key stops working; in the future while a rotation's overlap runs. */
  revokedAt: number | null
  replacedBy: string | null
}

/** A key found by its hash, with what authentication needs of its client. */
export interface KeyWithClient {
  key: ApiKeyRecord
  clientDisabledAt: number | null
}

/** An external user account (role `partner`), as the access review sees it. */
export interface PartnerAccount {
  id: string
  username: string
  role: Role
  clientId: string | null
  createdAt: number
  accessRevokedAt: number | null
}

export interface AccessRepository {
  createClient(c: ClientRecord): Promise<void>
  findClient(id: string): Promise<ClientRecord | null>
  /** Every client, oldest first. */
  listClients(): Promise<ClientRecord[]>
  updateClient(
    id: string,
    change: Partial<Pick<ClientRecord, 'name' | 'description' | 'ownerAccountId' | 'disabledAt'>>,
    at: number,
  ): Promise<boolean>

  createKey(k: ApiKeyRecord): Promise<void>
  findKey(id: string): Promise<ApiKeyRecord | null>
  /** The key whose hash this is, whatever its state; null when no key has it. */
  findKeyByHash(keyHash: string): Promise<KeyWithClient | null>
  listKeys(clientId: string): Promise<ApiKeyRecord[]>
  /** Keys not yet revoked (or whose rotation overlap still runs) at `now`, of every client. */
  listLiveKeys(now: number): Promise<ApiKeyRecord[]>
  /**
   * Records a use unless one was recorded in the last `minGapMs`: a conditional write, so that
   * concurrent requests on any instance write at most once per gap.
   */
  recordUse(id: string, ip: string | null, at: number, minGapMs: number): Promise<void>
  /**
   * Makes the key stop working at `at` (now, or later for a rotation's overlap), when it is not
   * revoked already or its stop lies later than `at`. False when nothing changed. `replacedBy`
   * names a successor.
   */
  revokeKey(id: string, at: number, now: number, replacedBy?: string): Promise<boolean>
  /** Revokes every live key of the client at `now`; how many. */
  revokeClientKeys(clientId: string, now: number): Promise<number>
  setKeyExpiry(id: string, expiresInDays: number | null, expiresAt: number | null): Promise<boolean>
  /** Revokes the key and issues its successor in one transaction; false when it was revoked already. */
  rotateKey(oldId: string, successor: ApiKeyRecord, oldStopsAt: number, now: number): Promise<boolean>

  /** Accounts with role partner. */
  listPartners(): Promise<PartnerAccount[]>
  findPartner(accountId: string): Promise<PartnerAccount | null>
  setAccountClient(accountId: string, clientId: string | null, at: number): Promise<boolean>
  /**
   * Sets `access_revoked_at` and the login lock, ends every session and kills outstanding one-time
   * tokens, in one transaction; false when the access was revoked already. Returns sessions ended.
   */
  revokePartner(accountId: string, now: number): Promise<{ changed: boolean; sessions: number }>
  /** Clears the revocation and the login lock; false when it was not revoked. */
  reinstatePartner(accountId: string, now: number): Promise<boolean>
  /** Newest sign of life per account: latest session activity or successful login. */
  lastActivity(accountIds: string[]): Promise<Map<string, number>>
  /** Of these accounts, those with a confirmed second factor of one of `kinds`. */
  withConfirmedFactor(accountIds: string[], kinds: readonly string[]): Promise<Set<string>>
  /** Roles of these accounts (missing ones are absent). */
  rolesOf(accountIds: string[]): Promise<Map<string, { role: Role; username: string }>>
}
