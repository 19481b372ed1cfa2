import { kindsAtLeast, STAFF_FLOOR } from '../mfa/strength.js'
import type { OidcClientRecord, OidcClientRepository } from '../oidc/ports.js'
import type { AccessRepository, ApiKeyRecord, ClientRecord, PartnerAccount } from './ports.js'
import {
  applicationFlags,
  keyFlags,
  type PrincipalStatus,
  partnerFlags,
  type ReviewEntry,
  recommend,
} from './review.js'
import { isString } from './rules.js'

const keyEntry = (
  k: ApiKeyRecord,
  client: ClientRecord | undefined,
  ownerFactored: (owner: string) => boolean,
  now: number,
): ReviewEntry => {
  const owner = client?.ownerAccountId ?? null
  const status: PrincipalStatus =
    k.revokedAt !== null ? 'rotating' : client?.disabledAt != null ? 'client_disabled' : 'active'
  const flags = keyFlags(k, owner !== null && ownerFactored(owner), now)
  return {
    principalId: `api_key:${k.id}`,
    kind: 'api_key',
    name: `${client?.name ?? '?'} / ${k.prefix}`,
    clientId: k.clientId,
    clientName: client?.name ?? null,
    keyPrefix: k.prefix,
    accountId: null,
    ownerAccountId: owner,
    scopes: k.scopes,
    status,
    createdAt: k.createdAt,
    lastUsedAt: k.lastUsedAt,
    lastUsedIp: k.lastUsedIp,
    expiresAt: k.expiresAt,
    flags,
    ...recommend('api_key', status, flags, { lastUsedAt: k.lastUsedAt, createdAt: k.createdAt, now }),
  }
}

const partnerEntry = (
  p: PartnerAccount,
  client: ClientRecord | undefined,
  factored: boolean,
  lastUsedAt: number | null,
  now: number,
): ReviewEntry => {
  const status: PrincipalStatus = p.accessRevokedAt !== null ? 'revoked' : 'active'
  const flags = partnerFlags({ createdAt: p.createdAt, lastUsedAt }, factored, now)
  return {
    principalId: `account:${p.id}`,
    kind: 'partner',
    name: p.username,
    clientId: p.clientId,
    clientName: client?.name ?? null,
    keyPrefix: null,
    accountId: p.id,
    ownerAccountId: null,
    scopes: [],
    status,
    createdAt: p.createdAt,
    lastUsedAt,
    lastUsedIp: null,
    expiresAt: null,
    flags,
    ...recommend('partner', status, flags, { lastUsedAt, createdAt: p.createdAt, now }),
  }
}

/** An application (OpenID Connect client): it signs users in, so its settings are what is reviewed. */
const applicationEntry = (c: OidcClientRecord, now: number): ReviewEntry => {
  const status: PrincipalStatus = c.disabledAt !== null ? 'client_disabled' : 'active'
  const flags = applicationFlags(c, now)
  return {
    principalId: `oidc_client:${c.id}`,
    kind: 'oidc_client',
    name: c.name,
    clientId: c.id,
    clientName: c.name,
    keyPrefix: null,
    accountId: null,
    ownerAccountId: c.ownerAccountId,
    scopes: c.scopes,
    status,
    createdAt: c.createdAt,
    lastUsedAt: c.lastUsedAt,
    lastUsedIp: null,
    expiresAt: null,
    flags,
    ...recommend('oidc_client', status, flags, {
      lastUsedAt: c.lastUsedAt,
      createdAt: c.createdAt,
      now,
      secretCreatedAt: c.secretCreatedAt,
    }),
  }
}

/**
 * Every external principal at `now`: each live key of each client, each partner account, and each
 * application (OpenID Connect client).
 */
export const reviewEntries = async (
  repo: AccessRepository,
  applications: Pick<OidcClientRepository, 'list'>,
  now: number,
): Promise<ReviewEntry[]> => {
  const clients = new Map((await repo.listClients()).map((c) => [c.id, c]))
  const keys = (await repo.listLiveKeys(now)).filter((k) => k.expiresAt === null || k.expiresAt > now)
  const partners = await repo.listPartners()
  const owners = [...new Set(keys.map((k) => clients.get(k.clientId)?.ownerAccountId).filter(isString))]
  // Staff and partners need an app-based or phishing-resistant factor: email or SMS codes do not count.
  const factored = await repo.withConfirmedFactor(
    [...new Set([...owners, ...partners.map((p) => p.id)])],
    kindsAtLeast(STAFF_FLOOR),
  )
  const activity = await repo.lastActivity(partners.map((p) => p.id))
  return [
    ...keys.map((k) => keyEntry(k, clients.get(k.clientId), (owner) => factored.has(owner), now)),
    ...partners.map((p) =>
      partnerEntry(
        p,
        p.clientId ? clients.get(p.clientId) : undefined,
        factored.has(p.id),
        activity.get(p.id) ?? null,
        now,
      ),
    ),
    ...(await applications.list()).map((c) => applicationEntry(c, now)),
  ]
}
