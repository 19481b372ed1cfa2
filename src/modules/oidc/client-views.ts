import { z } from 'zod'
import { isoOrNull } from '../../kernel/clock.js'
import { OIDC_CLIENT_LIMITS } from './client-rules.js'
import type { OidcClientInput } from './clients.js'
import {
  ACR_LEVELS,
  OIDC_AUTH_METHODS,
  OIDC_GRANT_TYPES,
  OIDC_SCOPES,
  type OidcClientRecord,
} from './ports.js'

/* The admin API's applications (OpenID Connect clients): answers and bodies. Never the secret's hash. */

const L = OIDC_CLIENT_LIMITS

export const OidcClientView = z.object({
  client_id: z.string().describe('`ghc_` and 22 characters'),
  name: z.string(),
  description: z.string().nullable(),
  owner_account_id: z.string().nullable().describe('The staff or partner account answerable for it'),
  contact: z.string().nullable(),
  first_party: z.boolean().describe('First-party applications skip the consent screen'),
  public: z.boolean().describe('A browser or native app: no secret, PKCE only'),
  token_endpoint_auth_method: z.enum(OIDC_AUTH_METHODS),
  has_secret: z.boolean(),
  secret_created_at: z.string().nullable(),
  redirect_uris: z.array(z.string()),
  post_logout_redirect_uris: z.array(z.string()),
  scopes: z.array(z.enum(OIDC_SCOPES)),
  grant_types: z.array(z.enum(OIDC_GRANT_TYPES)),
  require_acr: z.enum(ACR_LEVELS).nullable().describe('The least a sign-in must prove: pwd, mfa or phr'),
  backchannel_logout_uri: z.string().nullable(),
  access_token_format: z.enum(['opaque', 'jwt']),
  created_by: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  disabled_at: z.string().nullable(),
  last_used_at: z.string().nullable().describe('Last token issued to it; written at most once a minute'),
})
export type OidcClientViewT = z.infer<typeof OidcClientView>

export const oidcClientView = (c: OidcClientRecord): OidcClientViewT => ({
  client_id: c.id,
  name: c.name,
  description: c.description,
  owner_account_id: c.ownerAccountId,
  contact: c.contact,
  first_party: c.firstParty,
  public: c.public,
  token_endpoint_auth_method: c.tokenEndpointAuthMethod,
  has_secret: c.secretHash !== null,
  secret_created_at: isoOrNull(c.secretCreatedAt),
  redirect_uris: c.redirectUris,
  post_logout_redirect_uris: c.postLogoutRedirectUris,
  scopes: c.scopes,
  grant_types: c.grantTypes,
  require_acr: c.requireAcr,
  backchannel_logout_uri: c.backchannelLogoutUri,
  access_token_format: c.accessTokenFormat,
  created_by: c.createdBy,
  created_at: isoOrNull(c.createdAt)!,
  updated_at: isoOrNull(c.updatedAt)!,
  disabled_at: isoOrNull(c.disabledAt),
  last_used_at: isoOrNull(c.lastUsedAt),
})

export const OidcClientWithSecret = OidcClientView.extend({
  client_secret: z
    .string()
    .nullable()
    .describe('`ghs_…`: shown in this answer only (null for a public client); only its SHA-256 is kept'),
})

/* URIs are checked by the service (invalid_redirect_uri names the rule); the schema only bounds them. */
const Uri = z.string().min(1).max(L.uriLength)
const Uris = z.array(Uri).max(L.redirectUris)

/** The settings of the create and change bodies. */
const settings = {
  description: z.string().max(L.descriptionLength).nullable().optional(),
  owner_account_id: z.string().min(1).max(64).nullable().optional(),
  contact: z.string().max(L.contactLength).nullable().optional(),
  first_party: z.boolean().optional(),
  token_endpoint_auth_method: z.enum(OIDC_AUTH_METHODS).optional(),
  redirect_uris: Uris.optional(),
  post_logout_redirect_uris: Uris.optional(),
  scopes: z
    .array(z.enum(OIDC_SCOPES))
    .min(1)
    .max(OIDC_SCOPES.length * 2)
    .optional(),
  grant_types: z
    .array(z.enum(OIDC_GRANT_TYPES))
    .min(1)
    .max(OIDC_GRANT_TYPES.length * 2)
    .optional(),
  require_acr: z.enum(ACR_LEVELS).nullable().optional(),
  backchannel_logout_uri: Uri.nullable().optional(),
  access_token_format: z.enum(['opaque', 'jwt']).optional(),
}

export const NewOidcClientBody = z.strictObject({
  name: z.string().min(1).max(L.nameLength),
  public: z
    .boolean()
    .optional()
    .describe('A browser or native app without a secret (token_endpoint_auth_method none); fixed'),
  ...settings,
})

export const OidcClientChangeBody = z.strictObject({
  name: z.string().min(1).max(L.nameLength).optional(),
  ...settings,
  disabled: z
    .boolean()
    .optional()
    .describe('true: disables it and ends every grant and token it holds; false: enables it again'),
})

/** A body's settings as the service takes them (only those given). */
export const inputOf = (b: z.infer<typeof OidcClientChangeBody>): Partial<OidcClientInput> => {
  const out: Partial<OidcClientInput> = {}
  const set = <K extends keyof OidcClientInput>(k: K, v: OidcClientInput[K] | undefined) => {
    if (v !== undefined) out[k] = v
  }
  set('name', b.name)
  set('description', b.description)
  set('ownerAccountId', b.owner_account_id)
  set('contact', b.contact)
  set('firstParty', b.first_party)
  set('tokenEndpointAuthMethod', b.token_endpoint_auth_method)
  set('redirectUris', b.redirect_uris)
  set('postLogoutRedirectUris', b.post_logout_redirect_uris)
  set('scopes', b.scopes)
  set('grantTypes', b.grant_types)
  set('requireAcr', b.require_acr)
  set('backchannelLogoutUri', b.backchannel_logout_uri)
  set('accessTokenFormat', b.access_token_format)
  return out
}
export const OidcClientParams = z.strictObject({ id: z.string().min(1).max(64) })
