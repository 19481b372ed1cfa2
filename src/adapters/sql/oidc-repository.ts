import type { Kysely, Selectable } from 'kysely'
import type {
  AcrLevel,
  OidcArtifact,
  OidcArtifactStore,
  OidcAuthMethod,
  OidcClientChange,
  OidcClientRecord,
  OidcClientRepository,
  OidcGrantType,
  OidcKeyRecord,
  OidcKeyRepository,
  OidcScope,
} from '../../modules/oidc/ports.js'
import { chunks } from './chunks.js'
import type { Database, OidcArtifactsTable, OidcClientsTable } from './schema.js'

const num = (v: number | string | bigint | null): number | null => (v == null ? null : Number(v))

const toClient = (r: Selectable<OidcClientsTable>): OidcClientRecord => ({
  id: r.id,
  name: r.name,
  description: r.description,
  ownerAccountId: r.owner_account_id,
  contact: r.contact,
  firstParty: Number(r.first_party) === 1,
  public: Number(r.public) === 1,
  tokenEndpointAuthMethod: r.token_endpoint_auth_method as OidcAuthMethod,
  secretHash: r.secret_hash,
  secretCreatedAt: num(r.secret_created_at),
  redirectUris: JSON.parse(r.redirect_uris) as string[],
  postLogoutRedirectUris: JSON.parse(r.post_logout_redirect_uris) as string[],
  scopes: JSON.parse(r.scopes) as OidcScope[],
  grantTypes: JSON.parse(r.grant_types) as OidcGrantType[],
  requireAcr: r.require_acr as AcrLevel | null,
  backchannelLogoutUri: r.backchannel_logout_uri,
  accessTokenFormat: r.access_token_format === 'jwt' ? 'jwt' : 'opaque',
  createdBy: r.created_by,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
  disabledAt: num(r.disabled_at),
  lastUsedAt: num(r.last_used_at),
})

const changeRow = (c: OidcClientChange): Partial<OidcClientsTable> => {
  const row: Partial<OidcClientsTable> = {}
  if (c.name !== undefined) row.name = c.name
  if (c.description !== undefined) row.description = c.description
  if (c.ownerAccountId !== undefined) row.owner_account_id = c.ownerAccountId
  if (c.contact !== undefined) row.contact = c.contact
  if (c.firstParty !== undefined) row.first_party = c.firstParty ? 1 : 0
  if (c.tokenEndpointAuthMethod !== undefined) row.token_endpoint_auth_method = c.tokenEndpointAuthMethod
  if (c.redirectUris !== undefined) row.redirect_uris = JSON.stringify(c.redirectUris)
  if (c.postLogoutRedirectUris !== undefined)
    row.post_logout_redirect_uris = JSON.stringify(c.postLogoutRedirectUris)
  if (c.scopes !== undefined) row.scopes = JSON.stringify(c.scopes)
  if (c.grantTypes !== undefined) row.grant_types = JSON.stringify(c.grantTypes)
  if (c.requireAcr !== undefined) row.require_acr = c.requireAcr
  if (c.backchannelLogoutUri !== undefined) row.backchannel_logout_uri = c.backchannelLogoutUri
  if (c.accessTokenFormat !== undefined) row.access_token_format = c.accessTokenFormat
  if (c.disabledAt !== undefined) row.disabled_at = c.disabledAt
  if (c.secretHash !== undefined) row.secret_hash = c.secretHash
  if (c.secretCreatedAt !== undefined) row.secret_created_at = c.secretCreatedAt
  return row
}

export class SqlOidcClientRepository implements OidcClientRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(c: OidcClientRecord): Promise<void> {
    await this.db
      .insertInto('oidc_clients')
      .values({
        id: c.id,
        name: c.name,
        description: c.description,
        owner_account_id: c.ownerAccountId,
        contact: c.contact,
        first_party: c.firstParty ? 1 : 0,
        public: c.public ? 1 : 0,
        token_endpoint_auth_method: c.tokenEndpointAuthMethod,
        secret_hash: c.secretHash,
        secret_created_at: c.secretCreatedAt,
        redirect_uris: JSON.stringify(c.redirectUris),
        post_logout_redirect_uris: JSON.stringify(c.postLogoutRedirectUris),
        scopes: JSON.stringify(c.scopes),
        grant_types: JSON.stringify(c.grantTypes),
        require_acr: c.requireAcr,
        backchannel_logout_uri: c.backchannelLogoutUri,
        access_token_format: c.accessTokenFormat,
        created_by: c.createdBy,
        created_at: c.createdAt,
        updated_at: c.updatedAt,
        disabled_at: c.disabledAt,
        last_used_at: c.lastUsedAt,
      })
      .execute()
  }

  async find(id: string): Promise<OidcClientRecord | null> {
    const r = await this.db.selectFrom('oidc_clients').selectAll().where('id', '=', id).executeTakeFirst()
    return r ? toClient(r) : null
  }

  async list(): Promise<OidcClientRecord[]> {
    const rows = await this.db
      .selectFrom('oidc_clients')
      .selectAll()
      .orderBy('created_at')
      .orderBy('id')
      .execute()
    return rows.map(toClient)
  }

  async update(id: string, change: OidcClientChange, at: number): Promise<boolean> {
    const r = await this.db
      .updateTable('oidc_clients')
      .set({ ...changeRow(change), updated_at: at })
      .where('id', '=', id)
      .executeTakeFirst()
    return Number(r.numUpdatedRows) > 0
  }

  async delete(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('oidc_clients').where('id', '=', id).executeTakeFirst()
    return Number(r.numDeletedRows) > 0
  }

  async recordUse(id: string, at: number, minGapMs: number): Promise<void> {
    await this.db
      .updateTable('oidc_clients')
      .set({ last_used_at: at })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<=', at - minGapMs)]))
      .execute()
  }
}

export class SqlOidcKeyRepository implements OidcKeyRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async list(): Promise<OidcKeyRecord[]> {
    const rows = await this.db
      .selectFrom('oidc_keys')
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('kid')
      .execute()
    return rows.map((r) => ({
      kid: r.kid,
      alg: r.alg === 'ES256' ? 'ES256' : 'RS256',
      privateSealed: r.private_sealed,
      createdAt: Number(r.created_at),
      retiredAt: num(r.retired_at),
    }))
  }

  async rotate(fresh: OidcKeyRecord[], at: number): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.updateTable('oidc_keys').set({ retired_at: at }).where('retired_at', 'is', null).execute()
      for (const k of fresh) {
        await tx
          .insertInto('oidc_keys')
          .values({
            kid: k.kid,
            alg: k.alg,
            private_sealed: k.privateSealed,
            created_at: k.createdAt,
            retired_at: null,
          })
          .execute()
      }
    })
  }

  async dropRetiredBefore(cutoff: number): Promise<number> {
    const r = await this.db.deleteFrom('oidc_keys').where('retired_at', '<', cutoff).executeTakeFirst()
    return Number(r.numDeletedRows)
  }
}

const toArtifact = (r: Selectable<OidcArtifactsTable>): OidcArtifact => ({
  model: r.model,
  id: r.id,
  payload: JSON.parse(r.payload) as Record<string, unknown>,
  expiresAt: num(r.expires_at),
  grantId: r.grant_id,
  uid: r.uid,
  userCode: r.user_code,
  accountId: r.account_id,
  clientId: r.client_id,
  consumedAt: num(r.consumed_at),
})

/** The provider's artefacts as rows: one JSON payload per model and id, with its lookup columns. */
export class SqlOidcArtifactStore implements OidcArtifactStore {
  constructor(private readonly db: Kysely<Database>) {}

  async upsert(a: OidcArtifact): Promise<void> {
    const row = {
      payload: JSON.stringify(a.payload),
      expires_at: a.expiresAt,
      grant_id: a.grantId,
      uid: a.uid,
      user_code: a.userCode,
      account_id: a.accountId,
      client_id: a.clientId,
      consumed_at: a.consumedAt,
    }
    await this.db
      .insertInto('oidc_artifacts')
      .values({ model: a.model, id: a.id, ...row })
      .onConflict((oc) => oc.columns(['model', 'id']).doUpdateSet(row))
      .execute()
  }

  #live(model: string, now: number) {
    return this.db
      .selectFrom('oidc_artifacts')
      .selectAll()
      .where('model', '=', model)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
  }

  async find(model: string, id: string, now: number): Promise<OidcArtifact | null> {
    const r = await this.#live(model, now).where('id', '=', id).executeTakeFirst()
    return r ? toArtifact(r) : null
  }

  async findByUid(model: string, uid: string, now: number): Promise<OidcArtifact | null> {
    const r = await this.#live(model, now).where('uid', '=', uid).executeTakeFirst()
    return r ? toArtifact(r) : null
  }

  async findByUserCode(model: string, userCode: string, now: number): Promise<OidcArtifact | null> {
    const r = await this.#live(model, now).where('user_code', '=', userCode).executeTakeFirst()
    return r ? toArtifact(r) : null
  }

  async consume(model: string, id: string, at: number): Promise<void> {
    await this.db
      .updateTable('oidc_artifacts')
      .set({ consumed_at: at })
      .where('model', '=', model)
      .where('id', '=', id)
      .execute()
  }

  async destroy(model: string, id: string): Promise<void> {
    await this.db.deleteFrom('oidc_artifacts').where('model', '=', model).where('id', '=', id).execute()
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.db
      .deleteFrom('oidc_artifacts')
      .where((eb) =>
        eb.or([eb('grant_id', '=', grantId), eb.and([eb('model', '=', 'Grant'), eb('id', '=', grantId)])]),
      )
      .execute()
  }

  async grantsOfAccount(
    accountId: string,
    now: number,
  ): Promise<Array<{ grantId: string; clientId: string }>> {
    const rows = await this.#live('Grant', now).where('account_id', '=', accountId).execute()
    return rows.map((r) => ({ grantId: r.id, clientId: r.client_id ?? '' }))
  }

  async grantsOfClient(
    clientId: string,
    now: number,
  ): Promise<Array<{ grantId: string; accountId: string | null }>> {
    const rows = await this.#live('Grant', now).where('client_id', '=', clientId).execute()
    return rows.map((r) => ({ grantId: r.id, accountId: r.account_id }))
  }

  async accountsWithLiveAccess(accountIds: readonly string[], now: number): Promise<Set<string>> {
    const out = new Set<string>()
    for (const ids of chunks(accountIds)) {
      const rows = await this.db
        .selectFrom('oidc_artifacts')
        .select('account_id')
        .distinct()
        .where('account_id', 'in', ids)
        .where('model', 'in', ['Grant', 'Session'])
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
        .execute()
      for (const r of rows) if (r.account_id !== null) out.add(r.account_id)
    }
    return out
  }

  async sessionsOfAccount(accountId: string, now: number): Promise<OidcArtifact[]> {
    const rows = await this.#live('Session', now).where('account_id', '=', accountId).execute()
    return rows.map(toArtifact)
  }

  async deleteExpiredBefore(cutoff: number): Promise<number> {
    const r = await this.db.deleteFrom('oidc_artifacts').where('expires_at', '<', cutoff).executeTakeFirst()
    return Number(r.numDeletedRows)
  }
}
