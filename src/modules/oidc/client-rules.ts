import { AppError } from '../../kernel/errors.js'
import { literalRefusal } from '../webhooks/targets.js'
import {
  ACR_LEVELS,
  type AcrLevel,
  OIDC_AUTH_METHODS,
  OIDC_GRANT_TYPES,
  OIDC_SCOPES,
  type OidcAuthMethod,
  type OidcGrantType,
  type OidcScope,
} from './ports.js'

/*
 * What an application's settings must satisfy. Redirect URIs are matched exactly by the provider,
 * so each is checked here as the exact string it will be compared with: absolute, https (http only
 * for a loopback host, RFC 8252 §7.3), no fragment, no user info, no wildcard; a native app
 * (a public client) may use a private-use scheme in reverse-DNS form (`com.example.app:/cb`,
 * RFC 8252 §7.1).
 */

export const OIDC_CLIENT_LIMITS = {
  nameLength: 100,
  descriptionLength: 500,
  contactLength: 200,
  redirectUris: 20,
  uriLength: 2000,
} as const

/** The settings a check looks at together (after a change is applied). */
export interface OidcClientSettings {
  public: boolean
  tokenEndpointAuthMethod: OidcAuthMethod
  redirectUris: string[]
  postLogoutRedirectUris: string[]
  scopes: OidcScope[]
  grantTypes: OidcGrantType[]
  requireAcr: AcrLevel | null
  backchannelLogoutUri: string | null
}

const refuseUri = (field: string, uri: string, why: string): never => {
  throw new AppError('invalid_redirect_uri', {
    detail: `${field}: ${JSON.stringify(uri.slice(0, 200))} ${why}`,
  })
}

const refuse = (detail: string): never => {
  throw new AppError('invalid_client_metadata', { detail })
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost'])
/** A private-use scheme in reverse-DNS form: at least one dot (`com.example.app`). */
const REVERSE_DNS_SCHEME = /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$/
const CONTROL_OR_SPACE = /[\s\p{Cc}]/u

/** Checks one URI a client is sent back to; `nativeAllowed`: a private-use scheme is taken. */
export const checkRedirectUri = (field: string, uri: string, nativeAllowed: boolean): void => {
  if (uri.length > OIDC_CLIENT_LIMITS.uriLength)
    refuseUri(field, uri, `is longer than ${OIDC_CLIENT_LIMITS.uriLength} characters`)
  if (CONTROL_OR_SPACE.test(uri) || uri.includes('\\'))
    refuseUri(field, uri, 'holds white space, a control character or a backslash')
  if (uri.includes('*')) refuseUri(field, uri, 'holds a wildcard: redirect URIs are matched exactly')
  if (uri.includes('#')) refuseUri(field, uri, 'has a fragment')
  const url = URL.canParse(uri) ? new URL(uri) : refuseUri(field, uri, 'is not an absolute URI')
  // An `@` in the authority, even before an empty user name, is user info.
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(uri)?.[1] ?? ''
  if (url.username !== '' || url.password !== '' || authority.includes('@'))
    refuseUri(field, uri, 'holds user info')
  const scheme = url.protocol.slice(0, -1)
  if (scheme === 'https') {
    if (url.hostname === '') refuseUri(field, uri, 'has no host')
    return
  }
  if (scheme === 'http') {
    if (!LOOPBACK_HOSTS.has(url.hostname))
      refuseUri(field, uri, 'uses http: only a loopback host (127.0.0.1, [::1], localhost) may')
    return
  }
  if (!REVERSE_DNS_SCHEME.test(scheme))
    refuseUri(field, uri, 'must use https (or a private-use scheme in reverse-DNS form, for a native app)')
  if (!nativeAllowed) refuseUri(field, uri, 'uses a private-use scheme: only a public (native) client may')
  if (url.host !== '')
    refuseUri(field, uri, 'must have no host after a private-use scheme (`com.example.app:/cb`)')
}

const checkUriList = (field: string, uris: readonly string[], nativeAllowed: boolean): void => {
  if (uris.length > OIDC_CLIENT_LIMITS.redirectUris)
    refuse(`${field}: at most ${OIDC_CLIENT_LIMITS.redirectUris}`)
  for (const u of uris) checkRedirectUri(field, u, nativeAllowed)
}

/**
 * The back-channel logout URI: https (or http on a loopback host). Unless `allowPrivate`, a
 * literal address that is not public, or a loopback name, is refused as for webhooks; a name is
 * resolved and checked again by the sender at each delivery.
 */
export const checkBackchannelUri = (uri: string, allowPrivate: boolean): void => {
  checkRedirectUri('backchannel_logout_uri', uri, false)
  if (allowPrivate) return
  const refused = literalRefusal(new URL(uri))
  if (refused)
    refuse(
      `backchannel_logout_uri: ${refused.message}: logout tokens go to public addresses only (GATEHOUSE_WEBHOOK_ALLOW_PRIVATE)`,
    )
}

const oneOf = <T extends string>(field: string, values: readonly string[], allowed: readonly T[]): void => {
  const bad = values.find((v) => !(allowed as readonly string[]).includes(v))
  if (bad !== undefined) refuse(`${field}: unknown value ${JSON.stringify(bad.slice(0, 40))}`)
}

/** Checks the settings together; throws a 400 problem naming the first that does not hold. */
export const checkSettings = (s: OidcClientSettings, allowPrivate: boolean): void => {
  oneOf('scopes', s.scopes, OIDC_SCOPES)
  oneOf('grant_types', s.grantTypes, OIDC_GRANT_TYPES)
  oneOf('token_endpoint_auth_method', [s.tokenEndpointAuthMethod], OIDC_AUTH_METHODS)
  if (s.requireAcr !== null) oneOf('require_acr', [s.requireAcr], ACR_LEVELS)
  if (!s.scopes.includes('openid')) refuse('scopes: must include openid')
  if (s.grantTypes.length === 0) refuse('grant_types: at least one')
  if (s.scopes.includes('offline_access') && !s.grantTypes.includes('refresh_token'))
    refuse('scopes: offline_access needs the grant type refresh_token')
  if (s.grantTypes.includes('refresh_token') && !s.grantTypes.includes('authorization_code'))
    refuse('grant_types: refresh_token comes with authorization_code')
  if (s.public) {
    if (s.tokenEndpointAuthMethod !== 'none')
      refuse('token_endpoint_auth_method: a public client has none (it holds no secret)')
    if (s.grantTypes.includes('client_credentials'))
      refuse('grant_types: client_credentials is for confidential clients only')
  } else if (s.tokenEndpointAuthMethod === 'none') {
    refuse(
      'token_endpoint_auth_method: a confidential client proves itself with its secret (client_secret_basic or client_secret_post)',
    )
  }
  if (s.grantTypes.includes('authorization_code') && s.redirectUris.length === 0)
    refuse('redirect_uris: authorization_code needs at least one')
  checkUriList('redirect_uris', s.redirectUris, s.public)
  checkUriList('post_logout_redirect_uris', s.postLogoutRedirectUris, s.public)
  if (s.backchannelLogoutUri !== null) checkBackchannelUri(s.backchannelLogoutUri, allowPrivate)
}

/** Trimmed text of at most `max` characters; empty → null when `nullable`. */
export const cleanText = (field: string, value: string, max: number): string => {
  const v = value.trim()
  if (v.length === 0 || v.length > max) refuse(`${field}: 1 to ${max} characters`)
  return v
}

export const cleanOptional = (field: string, value: string | null, max: number): string | null => {
  const v = value?.trim() ?? ''
  if (v.length === 0) return null
  if (v.length > max) refuse(`${field}: at most ${max} characters`)
  return v
}

/** The list without repeats, in its order. */
export const distinct = <T>(xs: readonly T[]): T[] => [...new Set(xs)]
