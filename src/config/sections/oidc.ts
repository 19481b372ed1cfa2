import { z } from 'zod'
import type { SourceLimitRules } from '../../modules/guard/source-limits.js'
import { bool, format, int, optional, rate, type Setting, section, type Values } from '../kinds.js'

const resourceServers = format(
  z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0),
    )
    .pipe(
      z.array(
        z.string().refine((u) => {
          try {
            const p = new URL(u)
            return (
              (p.protocol === 'https:' || p.protocol === 'http:') && !p.username && !p.password && !p.hash
            )
          } catch {
            return false
          }
        }),
      ),
    ),
  'must be comma-separated http(s) URLs without user or fragment, such as https://api.example.com/',
)

const rows = {
  oidcEnabled: {
    env: 'GATEHOUSE_OIDC_ENABLED',
    default: 'true',
    doc: 'Serve the OpenID Connect provider (discovery at `/.well-known/openid-configuration`, endpoints under `/oidc/`). Its issuer is GATEHOUSE_PUBLIC_URL.',
    schema: bool,
  },
  oidcAccessTokenTtl: {
    env: 'GATEHOUSE_OIDC_ACCESS_TOKEN_TTL',
    default: '600',
    doc: 'Seconds an access token lives. Opaque ones stop at once when revoked; JWT ones (for resource servers) are checked locally and live until this runs out.',
    schema: int(60, 86400),
  },
  oidcIdTokenTtl: {
    env: 'GATEHOUSE_OIDC_ID_TOKEN_TTL',
    default: '3600',
    doc: 'Seconds an ID token is valid.',
    schema: int(60, 86400),
  },
  oidcRefreshTokenTtl: {
    env: 'GATEHOUSE_OIDC_REFRESH_TOKEN_TTL',
    default: '2592000',
    doc: 'Seconds a refresh token lives (each use rotates it; presenting a used one again revokes the whole grant).',
    schema: int(300, 365 * 86400),
  },
  oidcCodeTtl: {
    env: 'GATEHOUSE_OIDC_CODE_TTL',
    default: '60',
    doc: 'Seconds an authorization code may wait before it is exchanged (once).',
    schema: int(10, 600),
  },
  oidcResourceServers: {
    env: 'GATEHOUSE_OIDC_RESOURCE_SERVERS',
    default: undefined,
    doc: 'Comma-separated URLs of APIs that accept Gatehouse access tokens (`resource` parameter, RFC 8707): tokens for them are JWTs with that audience, signed with the published keys. Tokens without a resource are opaque, for userinfo and introspection.',
    schema: optional(resourceServers),
  },
  oidcAuthorizeLimitPerIp: {
    env: 'GATEHOUSE_OIDC_AUTHORIZE_LIMIT_IP',
    default: '60/60',
    doc: 'Authorization requests (`/oidc/auth`, `/oidc/par`) allowed per source address, as POINTS/SECONDS: each stores an interaction. The /56 gets 2× and the /16 or /48 4× the /24 or /64 budget.',
    schema: rate,
  },
  oidcAuthorizeLimitPerSubnet: {
    env: 'GATEHOUSE_OIDC_AUTHORIZE_LIMIT_SUBNET',
    default: '300/60',
    doc: 'Authorization requests allowed per /24 (IPv4) or /64 (IPv6), as POINTS/SECONDS.',
    schema: rate,
  },
  oidcAuthorizeLimitGlobal: {
    env: 'GATEHOUSE_OIDC_AUTHORIZE_LIMIT_GLOBAL',
    default: '20000/60',
    doc: 'Authorization requests allowed from everyone together, as POINTS/SECONDS.',
    schema: rate,
  },
} as const satisfies Record<string, Setting>

export interface OidcSettings {
  enabled: boolean
  /** Seconds. */
  ttl: { accessToken: number; idToken: number; refreshToken: number; code: number }
  resourceServers: string[]
  /** Authorization requests per source: each one stores an interaction. */
  authorizeLimits: SourceLimitRules
}

export const oidc = section(
  'OpenID Connect provider',
  rows,
  (v: Values<typeof rows>): OidcSettings => ({
    enabled: v.oidcEnabled,
    ttl: {
      accessToken: v.oidcAccessTokenTtl,
      idToken: v.oidcIdTokenTtl,
      refreshToken: v.oidcRefreshTokenTtl,
      code: v.oidcCodeTtl,
    },
    resourceServers: v.oidcResourceServers ?? [],
    authorizeLimits: {
      perIp: v.oidcAuthorizeLimitPerIp,
      perSubnet: v.oidcAuthorizeLimitPerSubnet,
      global: v.oidcAuthorizeLimitGlobal,
    },
  }),
)
