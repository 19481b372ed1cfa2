import { type Kysely, type Selectable, sql } from 'kysely'
import type {
  AccessRepository,
  ApiKeyRecord,
  ClientRecord,
  KeyWithClient,
  PartnerAccount,
} from '../../modules/access/ports.js'
import { type Role, toRole } from '../../modules/accounts/ports.js'
import { chunks } from './chunks.js'
import type { ApiKeysTable, ClientsTable, Database } from './schema.js'
import { SqlSessionRepository } from './sessions-repository.js'
import { SqlOneTimeTokens } from './tokens-repository.js'

const num = (v: number | string | bigint | null): number | null => (v == null ? null : Number(v))

const toClient = (r: Selectable<ClientsTable>): ClientRecord => ({
  id: r.id,
  name: r.name,
  description: r.description,
  ownerAccountId: r.owner_account_id,
  createdBy: r.created_by,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
  disabledAt: num(r.disabled_at),
})

const toKey = (r: Selectable<ApiKeysTable>): ApiKeyRecord => ({
  id: r.id,
  clientId: r.client_id,
  prefix: r.prefix,
  keyHash: r.key_hash,
  scopes: JSON.parse(r.scopes) as string[],
  description: r.description,
  expiresInDays: num(r.expires_in_days),
  expiresAt: num(r.expires_at),
  createdBy: r.created_by,
  createdAt: Number(r.created_at),
  lastUsedAt: num(r.last_used_at),
  lastUsedIp: r.last_used_ip,
  revokedAt: num(r.revoked_at),
  replacedBy: r.replaced_by,
})

const keyRow = (k: ApiKeyRecord) => ({
  id: k.id,
  client_id: k.clientId,
  prefix: k.prefix,
  key_hash: k.keyHash,
  scopes: JSON.stringify(k.scopes),
  description: k.description,
  expires_in_days: k.expiresInDays,
  expires_at: k.expiresAt,
  created_by: k.createdBy,
  created_at: k.createdAt,
  last_used_at: k.lastUsedAt,
  last_used_ip: k.lastUsedIp,
  revoked_at: k.revokedAt,
  replaced_by: k.replacedBy,
})

export class SqlAccessRepository implements AccessRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async createClient(c: ClientRecord): Promise<void> {
    await this.db
      .insertInto('clients')
      .values({
        id: c.id,
        name: c.name,
        description: c.description,
        owner_account_id: c.ownerAccountId,
        created_by: c.createdBy,
        created_at: c.createdAt,
        updated_at: c.updatedAt,
        disabled_at: c.disabledAt,
      })
      .execute()
  }

  async findClient(id: string): Promise<ClientRecord | null> {
    const r = await this.db.selectFrom('clients').selectAll().where('id', '=', id).executeTakeFirst()
    return r ? toClient(r) : null
  }

  async listClients(): Promise<ClientRecord[]> {
    const rows = await this.db.selectFrom('clients').selectAll().orderBy('created_at').orderBy('id').execute()
    return rows.map(toClient)
  }

  async updateClient(
    id: string,
    change: Partial<Pick<ClientRecord, 'name' | 'description' | 'ownerAccountId' | 'disabledAt'>>,
    at: number,
  ): Promise<boolean> {
    const r = await this.db
      .updateTable('clients')
      .set({
        updated_at: at,
        ...(change.name !== undefined ? { name: change.name } : {}),
        ...(change.description !== undefined ? { description: change.description } : {}),
        ...(change.ownerAccountId !== undefined ? { owner_account_id: change.ownerAccountId } : {}),
        ...(change.disabledAt !== undefined ? { disabled_at: change.disabledAt } : {}),
      })
      .where('id', '=', id)
      .executeTakeFirst()
    return Number(r.numUpdatedRows) > 0
  }

  async createKey(k: ApiKeyRecord): Promise<void> {
    await this.db.insertInto('api_keys').values(keyRow(k)).execute()
  }

  async findKey(id: string): Promise<ApiKeyRecord | null> {
    const r = await this.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst()
    return r ? toKey(r) : null
  }

  async findKeyByHash(keyHash: string): Promise<KeyWithClient | null> {
    const r = await this.db
      .selectFrom('api_keys')
      .innerJoin('clients', 'clients.id', 'api_keys.client_id')
      .selectAll('api_keys')
      .select('clients.disabled_at as client_disabled_at')
      .where('api_keys.key_hash', '=', keyHash)
      .executeTakeFirst()
    if (!r) return null
    const { client_disabled_at, ...key } = r
    return { key: toKey(key), clientDisabledAt: num(client_disabled_at) }
  }

  async listKeys(clientId: string): Promise<ApiKeyRecord[]> {
    const rows = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('client_id', '=', clientId)
      .orderBy('created_at')
      .orderBy('id')
      .execute()
    return rows.map(toKey)
  }

  async listLiveKeys(now: number): Promise<ApiKeyRecord[]> {
    const rows = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .where((eb) => eb.or([eb('revoked_at', 'is', null), eb('revoked_at', '>', now)]))
      .orderBy('created_at')
      .orderBy('id')
      .execute()
    return rows.map(toKey)
  }

  async recordUse(id: string, ip: string | null, at: number, minGapMs: number): Promise<void> {
    await this.db
      .updateTable('api_keys')
      .set({ last_used_at: at, last_used_ip: ip })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<=', at - minGapMs)]))
      .execute()
  }

  async revokeKey(id: string, at: number, _now: number, replacedBy?: string): Promise<boolean> {
    const r = await this.db
      .updateTable('api_keys')
      .set({ revoked_at: at, ...(replacedBy ? { replaced_by: replacedBy } : {}) })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('revoked_at', 'is', null), eb('revoked_at', '>', at)]))
      .executeTakeFirst()
    return Number(r.numUpdatedRows) > 0
  }

  async revokeClientKeys(clientId: string, now: number): Promise<number> {
    const r = await this.db
      .updateTable('api_keys')
      .set({ revoked_at: now })
      .where('client_id', '=', clientId)
      .where((eb) => eb.or([eb('revoked_at', 'is', null), eb('revoked_at', '>', now)]))
      .executeTakeFirst()
    return Number(r.numUpdatedRows)
  }

  async setKeyExpiry(id: string, expiresInDays: number | null, expiresAt: number | null): Promise<boolean> {
    const r = await this.db
      .updateTable('api_keys')
      .set({ expires_in_days: expiresInDays, expires_at: expiresAt })
      .where('id', '=', id)
      .executeTakeFirst()
    return Number(r.numUpdatedRows) > 0
  }

  async rotateKey(oldId: string, successor: ApiKeyRecord, oldStopsAt: number, now: number): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      // The conditional update first: of two rotations racing, only one finds the key unrevoked.
      const r = await trx
        .updateTable('api_keys')
        .set({ revoked_at: oldStopsAt, replaced_by: successor.id })
        .where('id', '=', oldId)
        .where('revoked_at', 'is', null)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
        .executeTakeFirst()
      if (Number(r.numUpdatedRows) === 0) return false
      await trx.insertInto('api_keys').values(keyRow(successor)).execute()
      return true
    })
  }

  async listPartners(): Promise<PartnerAccount[]> {
    const rows = await this.db
      .selectFrom('accounts')
      .select(['id', 'username', 'role', 'client_id', 'created_at', 'access_revoked_at'])
      .where('role', '=', 'partner')
      .orderBy('created_at')
      .orderBy('id')
      .execute()
    return rows.map((r) => ({
      id: r.id,
      username: r.username,
      role: toRole(r.role),
      clientId: r.client_id,
      createdAt: Number(r.created_at),
      accessRevokedAt: num(r.access_revoked_at),
    }))
  }

  async findPartner(accountId: string): Promise<PartnerAccount | null> {
    const r = await this.db
      .selectFrom('accounts')
      .select(['id', 'username', 'role', 'client_id', 'created_at', 'access_revoked_at'])
      .where('id', '=', accountId)
      .executeTakeFirst()
    if (!r) return null
    return {
      id: r.id,
      username: r.username,
      role: toRole(r.role),
      clientId: r.client_id,
      createdAt: Number(r.created_at),
      accessRevokedAt: num(r.access_revoked_at),
    }
  }

  async setAccountClient(accountId: string, clientId: string | null, at: number): Promise<boolean> {
    const r = await this.db
      .updateTable('accounts')
      .set({ client_id: clientId, updated_at: at })
      .where('id', '=', accountId)
      .executeTakeFirst()
    return Number(r.numUpdatedRows) > 0
  }

  async revokePartner(accountId: string, now: number): Promise<{ changed: boolean; sessions: number }> {
    return this.db.transaction().execute(async (trx) => {
      const r = await trx
        .updateTable('accounts')
        .set({ access_revoked_at: now, locked_at: now, updated_at: now })
        .where('id', '=', accountId)
        .where('access_revoked_at', 'is', null)
        .executeTakeFirst()
      if (Number(r.numUpdatedRows) === 0) return { changed: false, sessions: 0 }
      const sessions = await new SqlSessionRepository(trx).revokeAll(accountId, now)
      await new SqlOneTimeTokens(trx).revokeForAccount(accountId, now)
      return { changed: true, sessions }
    })
  }

  async reinstatePartner(accountId: string, now: number): Promise<boolean> {
    // Both in one statement: the trigger that keeps the lock only acts while the revocation stays.
    const r = await this.db
      .updateTable('accounts')
      .set({ access_revoked_at: null, locked_at: null, updated_at: now })
      .where('id', '=', accountId)
      .where('access_revoked_at', 'is not', null)
      .executeTakeFirst()
    return Number(r.numUpdatedRows) > 0
  }

  async lastActivity(accountIds: string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>()
    const keep = (id: string | null, at: unknown) => {
      if (id == null || at == null) return
      const t = Number(at)
      if (t > (out.get(id) ?? 0)) out.set(id, t)
    }
    for (const ids of chunks(accountIds)) {
      const sessions = await this.db
        .selectFrom('sessions')
        .select(['account_id', sql<number>`max(last_seen_at)`.as('at')])
        .where('account_id', 'in', ids)
        .groupBy('account_id')
        .execute()
      for (const s of sessions) keep(s.account_id, s.at)
      // Sessions are deleted 30 days after they end; successful logins are kept for the event retention.
      const logins = await this.db
        .selectFrom('security_events')
        .select(['account_id', sql<number>`max(created_at)`.as('at')])
        .where('type', '=', 'authn_login_success')
        .where('account_id', 'in', ids)
        .groupBy('account_id')
        .execute()
      for (const l of logins) keep(l.account_id, l.at)
    }
    return out
  }

  async withConfirmedFactor(accountIds: string[], kinds: readonly string[]): Promise<Set<string>> {
    const out = new Set<string>()
    if (kinds.length === 0) return out
    for (const ids of chunks(accountIds)) {
      const rows = await this.db
        .selectFrom('mfa_factors')
        .select('account_id')
        .distinct()
        .where('account_id', 'in', ids)
        .where('kind', 'in', [...kinds])
        .where('confirmed_at', 'is not', null)
        .execute()
      for (const r of rows) out.add(r.account_id)
    }
    return out
  }

  async rolesOf(accountIds: string[]): Promise<Map<string, { role: Role; username: string }>> {
    const out = new Map<string, { role: Role; username: string }>()
    for (const ids of chunks(accountIds)) {
      const rows = await this.db
        .selectFrom('accounts')
        .select(['id', 'role', 'username'])
        .where('id', 'in', ids)
        .execute()
      for (const r of rows) out.set(r.id, { role: toRole(r.role), username: r.username })
    }
    return out
  }
}
