import { beforeEach, describe, expect, it } from 'vitest'
import {
  SqlOidcArtifactStore,
  SqlOidcClientRepository,
  SqlOidcKeyRepository,
} from '../../src/adapters/sql/oidc-repository.js'
import type { OidcArtifact, OidcClientRecord, OidcKeyRecord } from '../../src/modules/oidc/ports.js'
import { databaseKinds } from '../helpers/databases.js'
import { DAY, HOUR, MINUTE, T0, unique, useSuiteDatabase } from './fixtures.js'

/* The OpenID Connect provider's storage contracts (src/modules/oidc/ports.ts). */

const client = (overrides: Partial<OidcClientRecord> = {}): OidcClientRecord => ({
  id: `ghc_${unique()}`,
  name: `App ${unique()}`,
  description: 'Wiki',
  ownerAccountId: null,
  contact: 'team@example.com',
  firstParty: true,
  public: false,
  tokenEndpointAuthMethod: 'client_secret_basic',
  secretHash: 'a'.repeat(64),
  secretCreatedAt: T0,
  redirectUris: ['https://wiki.example.com/cb', 'http://127.0.0.1:8080/cb'],
  postLogoutRedirectUris: ['https://wiki.example.com/bye'],
  scopes: ['openid', 'email', 'offline_access'],
  grantTypes: ['authorization_code', 'refresh_token'],
  requireAcr: 'mfa',
  backchannelLogoutUri: 'https://wiki.example.com/bc',
  accessTokenFormat: 'jwt',
  createdBy: 'cli',
  createdAt: T0,
  updatedAt: T0,
  disabledAt: null,
  lastUsedAt: null,
  ...overrides,
})

const key = (overrides: Partial<OidcKeyRecord> = {}): OidcKeyRecord => ({
  kid: `kid-${unique()}`,
  alg: 'RS256',
  privateSealed: `sealed-${unique()}`,
  createdAt: T0,
  retiredAt: null,
  ...overrides,
})

const artifact = (overrides: Partial<OidcArtifact> = {}): OidcArtifact => ({
  model: 'AccessToken',
  id: `id-${unique()}`,
  payload: { jti: unique(), nested: { list: [1, 'two'] } },
  expiresAt: T0 + HOUR,
  grantId: null,
  uid: null,
  userCode: null,
  accountId: null,
  clientId: null,
  consumedAt: null,
  ...overrides,
})

describe.each(databaseKinds())('OidcClientRepository on %s', (kind) => {
  const suite = useSuiteDatabase(kind)
  const repo = () => new SqlOidcClientRepository(suite.database.db)
  beforeEach(async () => {
    await suite.database.db.deleteFrom('oidc_clients').execute()
  })

  it('stores a client and reads it back field for field', async () => {
    const c = client()
    await repo().create(c)
    expect(await repo().find(c.id)).toEqual(c)
    const pub = client({
      public: true,
      tokenEndpointAuthMethod: 'none',
      secretHash: null,
      secretCreatedAt: null,
      firstParty: false,
      requireAcr: null,
      backchannelLogoutUri: null,
      accessTokenFormat: 'opaque',
      description: null,
      contact: null,
      ownerAccountId: 'acct-1',
      postLogoutRedirectUris: [],
      disabledAt: T0 + 5,
      lastUsedAt: T0 + 6,
    })
    await repo().create(pub)
    expect(await repo().find(pub.id)).toEqual(pub)
    expect(await repo().find('ghc_missing')).toBeNull()
  })

  it('lists oldest first', async () => {
    const later = client({ createdAt: T0 + MINUTE })
    const earlier = client({ createdAt: T0 })
    await repo().create(later)
    await repo().create(earlier)
    expect((await repo().list()).map((c) => c.id)).toEqual([earlier.id, later.id])
  })

  it('changes only the fields named, sets updated_at, and answers false for a missing client', async () => {
    const c = client()
    await repo().create(c)
    expect(
      await repo().update(
        c.id,
        {
          name: 'Renamed',
          redirectUris: ['https://new.example.com/cb'],
          scopes: ['openid'],
          requireAcr: null,
          firstParty: false,
          disabledAt: T0 + HOUR,
          secretHash: 'b'.repeat(64),
          secretCreatedAt: T0 + HOUR,
          backchannelLogoutUri: null,
        },
        T0 + HOUR,
      ),
    ).toBe(true)
    expect(await repo().find(c.id)).toEqual({
      ...c,
      name: 'Renamed',
      redirectUris: ['https://new.example.com/cb'],
      scopes: ['openid'],
      requireAcr: null,
      firstParty: false,
      disabledAt: T0 + HOUR,
      secretHash: 'b'.repeat(64),
      secretCreatedAt: T0 + HOUR,
      backchannelLogoutUri: null,
      updatedAt: T0 + HOUR,
    })
    expect(await repo().update('ghc_missing', { name: 'x' }, T0)).toBe(false)
  })

  it('deletes', async () => {
    const c = client()
    await repo().create(c)
    expect(await repo().delete(c.id)).toBe(true)
    expect(await repo().find(c.id)).toBeNull()
    expect(await repo().delete(c.id)).toBe(false)
  })

  it('records a use at most once per gap', async () => {
    const c = client()
    await repo().create(c)
    await repo().recordUse(c.id, T0 + MINUTE, MINUTE)
    expect((await repo().find(c.id))?.lastUsedAt).toBe(T0 + MINUTE)
    await repo().recordUse(c.id, T0 + MINUTE + 30_000, MINUTE)
    expect((await repo().find(c.id))?.lastUsedAt).toBe(T0 + MINUTE)
    await repo().recordUse(c.id, T0 + 2 * MINUTE, MINUTE)
    expect((await repo().find(c.id))?.lastUsedAt).toBe(T0 + 2 * MINUTE)
  })
})

describe.each(databaseKinds())('OidcKeyRepository on %s', (kind) => {
  const suite = useSuiteDatabase(kind)
  const repo = () => new SqlOidcKeyRepository(suite.database.db)
  beforeEach(async () => {
    await suite.database.db.deleteFrom('oidc_keys').execute()
  })

  it('rotates: the fresh keys live, every older live one retired at that time, newest first', async () => {
    const first = key({ createdAt: T0 })
    await repo().rotate([first], T0)
    expect(await repo().list()).toEqual([first])
    const rs = key({ createdAt: T0 + DAY })
    const es = key({ alg: 'ES256', createdAt: T0 + DAY })
    await repo().rotate([rs, es], T0 + DAY)
    const listed = await repo().list()
    expect(listed.map((k) => k.kid)).toEqual([rs.kid, es.kid].sort().concat(first.kid))
    expect(listed.find((k) => k.kid === first.kid)?.retiredAt).toBe(T0 + DAY)
    expect(
      listed
        .filter((k) => k.retiredAt === null)
        .map((k) => k.kid)
        .sort(),
    ).toEqual([rs.kid, es.kid].sort())
    expect(listed.find((k) => k.kid === es.kid)?.alg).toBe('ES256')
  })

  it('drops only keys retired before the cutoff', async () => {
    const a = key({ createdAt: T0 })
    const b = key({ createdAt: T0 + HOUR })
    const c = key({ createdAt: T0 + 2 * HOUR })
    await repo().rotate([a], T0)
    await repo().rotate([b], T0 + HOUR)
    await repo().rotate([c], T0 + 2 * HOUR)
    // a retired at T0 + HOUR, b at T0 + 2 HOUR; c is live.
    expect(await repo().dropRetiredBefore(T0 + HOUR)).toBe(0)
    expect(await repo().dropRetiredBefore(T0 + HOUR + 1)).toBe(1)
    expect((await repo().list()).map((k) => k.kid)).toEqual([c.kid, b.kid])
    expect(await repo().dropRetiredBefore(T0 + 10 * DAY)).toBe(1)
    expect((await repo().list()).map((k) => k.kid)).toEqual([c.kid])
  })
})

describe.each(databaseKinds())('OidcArtifactStore on %s', (kind) => {
  const suite = useSuiteDatabase(kind)
  const store = () => new SqlOidcArtifactStore(suite.database.db)

  it('upserts by model and id, and finds the live one only', async () => {
    const a = artifact()
    await store().upsert(a)
    expect(await store().find(a.model, a.id, T0)).toEqual(a)
    expect(await store().find('RefreshToken', a.id, T0)).toBeNull()
    const changed = { ...a, payload: { changed: true }, expiresAt: T0 + 2 * HOUR, accountId: 'acct' }
    await store().upsert(changed)
    expect(await store().find(a.model, a.id, T0)).toEqual(changed)
    expect(await store().find(a.model, a.id, T0 + 2 * HOUR)).toBeNull()
    expect(await store().find(a.model, a.id, T0 + 2 * HOUR - 1)).not.toBeNull()
    const forever = artifact({ model: 'Client', expiresAt: null })
    await store().upsert(forever)
    expect(await store().find('Client', forever.id, T0 + 1000 * DAY)).toEqual(forever)
  })

  it('finds by uid and by user code, among live artefacts of the model', async () => {
    const uid = `uid-${unique()}`
    const code = `CODE-${unique()}`
    const interaction = artifact({ model: 'Interaction', uid })
    const device = artifact({ model: 'DeviceCode', userCode: code })
    await store().upsert(interaction)
    await store().upsert(device)
    expect(await store().findByUid('Interaction', uid, T0)).toEqual(interaction)
    expect(await store().findByUid('Session', uid, T0)).toBeNull()
    expect(await store().findByUid('Interaction', uid, T0 + HOUR)).toBeNull()
    expect(await store().findByUserCode('DeviceCode', code, T0)).toEqual(device)
    expect(await store().findByUserCode('DeviceCode', 'nope', T0)).toBeNull()
    expect(await store().findByUserCode('DeviceCode', code, T0 + 2 * HOUR)).toBeNull()
  })

  it('consumes and destroys', async () => {
    const code = artifact({ model: 'AuthorizationCode' })
    await store().upsert(code)
    await store().consume(code.model, code.id, T0 + 5)
    expect((await store().find(code.model, code.id, T0))?.consumedAt).toBe(T0 + 5)
    await store().destroy(code.model, code.id)
    expect(await store().find(code.model, code.id, T0)).toBeNull()
  })

  it('revokes a grant: the grant and every artefact of it, no other', async () => {
    const grantId = `grant-${unique()}`
    const grant = artifact({ model: 'Grant', id: grantId, accountId: 'a1', clientId: 'c1' })
    const at = artifact({ grantId })
    const rt = artifact({ model: 'RefreshToken', grantId })
    const other = artifact({ grantId: `grant-${unique()}` })
    for (const x of [grant, at, rt, other]) await store().upsert(x)
    await store().revokeByGrantId(grantId)
    expect(await store().find('Grant', grantId, T0)).toBeNull()
    expect(await store().find(at.model, at.id, T0)).toBeNull()
    expect(await store().find(rt.model, rt.id, T0)).toBeNull()
    expect(await store().find(other.model, other.id, T0)).toEqual(other)
  })

  it('lists live grants of an account and of a client, and live sessions of an account', async () => {
    const account = `acct-${unique()}`
    const clientId = `ghc_${unique()}`
    const g1 = artifact({ model: 'Grant', accountId: account, clientId })
    const g2 = artifact({ model: 'Grant', accountId: account, clientId: 'other' })
    const g3 = artifact({ model: 'Grant', accountId: 'someone', clientId })
    const expired = artifact({ model: 'Grant', accountId: account, clientId, expiresAt: T0 - 1 })
    const token = artifact({ model: 'AccessToken', accountId: account, clientId })
    const session = artifact({ model: 'Session', accountId: account })
    const oldSession = artifact({ model: 'Session', accountId: account, expiresAt: T0 - 1 })
    for (const x of [g1, g2, g3, expired, token, session, oldSession]) await store().upsert(x)
    const byAccount = await store().grantsOfAccount(account, T0)
    expect(byAccount.sort((a, b) => a.grantId.localeCompare(b.grantId))).toEqual(
      [
        { grantId: g1.id, clientId },
        { grantId: g2.id, clientId: 'other' },
      ].sort((a, b) => a.grantId.localeCompare(b.grantId)),
    )
    const byClient = await store().grantsOfClient(clientId, T0)
    expect(byClient.sort((a, b) => a.grantId.localeCompare(b.grantId))).toEqual(
      [
        { grantId: g1.id, accountId: account },
        { grantId: g3.id, accountId: 'someone' },
      ].sort((a, b) => a.grantId.localeCompare(b.grantId)),
    )
    expect(await store().sessionsOfAccount(account, T0)).toEqual([session])
  })

  it('deletes artefacts that expired before the cutoff, never the unexpiring ones', async () => {
    // A range no other test uses, far before T0.
    await suite.database.db
      .deleteFrom('oidc_artifacts')
      .where('expires_at', '<', T0 - 100 * DAY)
      .execute()
    const old = artifact({ expiresAt: T0 - 200 * DAY })
    const edge = artifact({ expiresAt: T0 - 150 * DAY })
    const forever = artifact({ expiresAt: null })
    for (const x of [old, edge, forever]) await store().upsert(x)
    expect(await store().deleteExpiredBefore(T0 - 150 * DAY)).toBe(1)
    expect(await store().deleteExpiredBefore(T0 - 150 * DAY + 1)).toBe(1)
    expect(await store().find(forever.model, forever.id, T0)).toEqual(forever)
  })
})
