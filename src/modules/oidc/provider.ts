import { createHash, timingSafeEqual } from 'node:crypto'
import type Provider from 'oidc-provider'
import type { Adapter, Configuration, KoaContextWithOIDC, ResourceServer } from 'oidc-provider'
import type { OidcSettings } from '../../config/sections/oidc.js'
import type { AccountRepository } from '../accounts/ports.js'
import { ACR_URN } from './acr.js'
import { accessTokenClaims, accountClaims, CLAIMS } from './claims.js'
import type { OidcLibrary } from './library.js'
import { gatehouseLoginChecks, type LoginCheckDeps } from './login-checks.js'
import { ACR_LEVELS } from './ports.js'
import { errorPage, logoutPage } from './provider-pages.js'

export interface ProviderDeps extends LoginCheckDeps {
  /** GATEHOUSE_PUBLIC_URL: the issuer. */
  issuer: string
  settings: OidcSettings
  adapter: (model: string) => Adapter
  jwks: { keys: Configuration['jwks'] extends { keys: infer K } | undefined ? K : never }
  /** Keys that sign the provider's cookies. */
  cookieKeys: string[]
  accounts: AccountRepository
  brandName: string
  /** How the provider reaches applications (back-channel logout); the provider's own when absent. */
  fetch?: Configuration['fetch']
}

/** Every endpoint of the provider, under /oidc (discovery stays at the issuer's /.well-known). */
export const OIDC_ROUTES = {
  authorization: '/oidc/auth',
  token: '/oidc/token',
  jwks: '/oidc/jwks',
  userinfo: '/oidc/userinfo',
  introspection: '/oidc/token/introspection',
  revocation: '/oidc/token/revocation',
  end_session: '/oidc/session/end',
  pushed_authorization_request: '/oidc/par',
} as const

const sha256Hex = (s: string) => createHash('sha256').update(s).digest('hex')

/** A presented client secret against the stored SHA-256, in constant time. */
export const secretMatches = (storedHash: string | undefined, presented: string): boolean => {
  if (typeof storedHash !== 'string' || storedHash.length !== 64) return false
  return timingSafeEqual(Buffer.from(sha256Hex(presented)), Buffer.from(storedHash))
}

const resourceServers = (lib: OidcLibrary, deps: ProviderDeps) => ({
  enabled: true,
  // No resource asked for: an opaque token for userinfo and introspection, unless the client is
  // registered for JWT access tokens: then one for the first resource server.
  defaultResource: async (_ctx: KoaContextWithOIDC, client: { clientId: string }) => {
    const first = deps.settings.resourceServers[0]
    if (!first) return undefined
    return (await deps.clients.find(client.clientId))?.accessTokenFormat === 'jwt' ? first : undefined
  },
  useGrantedResource: () => true,
  getResourceServerInfo: (_ctx: KoaContextWithOIDC, indicator: string): ResourceServer => {
    if (!deps.settings.resourceServers.includes(indicator)) throw new lib.errors.InvalidTarget()
    return {
      scope: 'openid profile email phone',
      audience: indicator,
      accessTokenTTL: deps.settings.ttl.accessToken,
      accessTokenFormat: 'jwt',
      jwt: { sign: { alg: 'RS256' } },
    }
  },
})

/** What of the protocol Gatehouse turns on, and who may learn what about a token. */
const providerFeatures = (lib: OidcLibrary, deps: ProviderDeps): Configuration['features'] => ({
  devInteractions: { enabled: false },
  // A client learns about its own tokens; only a first-party confidential client (an API of
  // the operator's own) about any: a third party is never told whether another client's token
  // is live, or whose it is.
  introspection: {
    enabled: true,
    allowedPolicy: async (_ctx, client, token) =>
      token.clientId === client.clientId ||
      (client.clientAuthMethod !== 'none' && (await deps.clients.find(client.clientId))?.firstParty === true),
  },
  revocation: {
    enabled: true,
    allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId,
  },
  userinfo: { enabled: true },
  clientCredentials: { enabled: true },
  backchannelLogout: { enabled: true },
  rpInitiatedLogout: {
    enabled: true,
    logoutSource: (ctx, form) => {
      ctx.body = logoutPage(deps.brandName, form)
    },
    postLogoutSuccessSource: (ctx) => {
      ctx.body = logoutPage(deps.brandName, null)
    },
  },
  resourceIndicators: resourceServers(lib, deps),
})

/** oidc-provider's configuration: what Gatehouse allows of the protocol, and where it is wired in. */
export const providerConfiguration = (lib: OidcLibrary, deps: ProviderDeps): Configuration => {
  const { ttl } = deps.settings
  return {
    adapter: deps.adapter as unknown as Configuration['adapter'],
    jwks: deps.jwks,
    findAccount: (_ctx, sub) => accountClaims(deps.accounts, sub),
    extraTokenClaims: (ctx, token) =>
      accessTokenClaims(deps, ctx?.oidc?.entities as Parameters<typeof accessTokenClaims>[1], token),
    claims: CLAIMS,
    scopes: ['openid', 'offline_access', 'profile', 'email', 'phone'],
    acrValues: ACR_LEVELS.map((l) => ACR_URN[l]),
    responseTypes: ['code'],
    // OpenID Connect Core 3.1.2.1: every authorization request names its redirect URI.
    allowOmittingSingleRegisteredRedirectUri: false,
    pkce: { required: () => true },
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
    enabledJWA: {
      idTokenSigningAlgValues: ['RS256', 'ES256'],
      userinfoSigningAlgValues: ['RS256', 'ES256'],
      introspectionSigningAlgValues: ['RS256', 'ES256'],
      authorizationSigningAlgValues: ['RS256', 'ES256'],
      requestObjectSigningAlgValues: ['RS256', 'ES256'],
      clientAuthSigningAlgValues: ['RS256', 'ES256'],
    },
    features: providerFeatures(lib, deps),
    ttl: {
      AccessToken: ttl.accessToken,
      ClientCredentials: ttl.accessToken,
      AuthorizationCode: ttl.code,
      IdToken: ttl.idToken,
      RefreshToken: ttl.refreshToken,
      Grant: ttl.refreshToken,
      Interaction: 1800,
      Session: 14 * 86400,
    },
    rotateRefreshToken: true,
    issueRefreshToken: async (_ctx, client, code) =>
      client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    interactions: {
      url: (_ctx, interaction) => `/oidc/interaction/${interaction.uid}`,
      policy: gatehouseLoginChecks(lib, deps),
    },
    loadExistingGrant: (ctx) => deps.loadGrant(ctx),
    // Browsers may call userinfo, and a public client the token endpoint, from the origin of one of
    // the client's redirect URIs; nothing else answers another origin's scripts.
    clientBasedCORS: (ctx, origin, client) =>
      origin !== 'null' &&
      (ctx.oidc.route === 'userinfo' || client.clientAuthMethod === 'none') &&
      client.redirectUris?.some((uri) => URL.parse(uri)?.origin === origin) === true,
    cookies: {
      keys: deps.cookieKeys,
      names: {
        session: 'gh_oidc_session',
        interaction: 'gh_oidc_interaction',
        resume: 'gh_oidc_resume',
      },
      long: { signed: true, httpOnly: true, sameSite: 'lax' },
      short: { signed: true, httpOnly: true, sameSite: 'lax' },
    },
    routes: OIDC_ROUTES,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    renderError: (ctx, out) => {
      ctx.type = 'html'
      ctx.body = errorPage(deps.brandName, out)
    },
  }
}

/** A provider for this configuration, with client secrets compared against their stored SHA-256. */
export const createProvider = (lib: OidcLibrary, deps: ProviderDeps): Provider => {
  const provider = new lib.default(deps.issuer, providerConfiguration(lib, deps))
  // The mount sets Host and X-Forwarded-* from the public URL and the resolved address (mount.ts).
  provider.proxy = true
  // Secrets are stored hashed: the registered `client_secret` is the SHA-256 of the real one.
  const proto = provider.Client.prototype as unknown as {
    compareClientSecret(this: { clientSecret?: string }, actual: string): boolean
  }
  proto.compareClientSecret = function compare(actual) {
    return secretMatches(this.clientSecret, actual)
  }
  return provider
}
