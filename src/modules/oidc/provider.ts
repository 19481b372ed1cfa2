import { createHash, timingSafeEqual } from 'node:crypto'
import Provider, {
  type Adapter,
  type Configuration,
  errors,
  type KoaContextWithOIDC,
  type ResourceServer,
} from 'oidc-provider'
import type { OidcSettings } from '../../config/sections/oidc.js'
import type { AccountRepository } from '../accounts/ports.js'
import { ACR_URN } from './acr.js'
import { accountClaims, CLAIMS } from './claims.js'
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

const resourceServers = (deps: ProviderDeps) => ({
  enabled: true,
  // No resource asked for: an opaque token for userinfo and introspection.
  defaultResource: () => undefined,
  useGrantedResource: () => true,
  getResourceServerInfo: (_ctx: KoaContextWithOIDC, indicator: string): ResourceServer => {
    if (!deps.settings.resourceServers.includes(indicator)) throw new errors.InvalidTarget()
    return {
      scope: 'openid profile email phone',
      audience: indicator,
      accessTokenTTL: deps.settings.ttl.accessToken,
      accessTokenFormat: 'jwt',
      jwt: { sign: { alg: 'RS256' } },
    }
  },
})

/** oidc-provider's configuration: what Gatehouse allows of the protocol, and where it is wired in. */
export const providerConfiguration = (deps: ProviderDeps): Configuration => {
  const { ttl } = deps.settings
  return {
    adapter: deps.adapter as unknown as Configuration['adapter'],
    jwks: deps.jwks,
    findAccount: (_ctx, sub) => accountClaims(deps.accounts, sub),
    claims: CLAIMS,
    scopes: ['openid', 'offline_access', 'profile', 'email', 'phone'],
    acrValues: ACR_LEVELS.map((l) => ACR_URN[l]),
    responseTypes: ['code'],
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
    features: {
      devInteractions: { enabled: false },
      introspection: { enabled: true },
      revocation: { enabled: true },
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
      resourceIndicators: resourceServers(deps),
    },
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
      policy: gatehouseLoginChecks(deps),
    },
    loadExistingGrant: (ctx) => deps.loadGrant(ctx),
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
export const createProvider = (deps: ProviderDeps): Provider => {
  const provider = new Provider(deps.issuer, providerConfiguration(deps))
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
