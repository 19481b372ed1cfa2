/** RFC 6750 / RFC 9470 error codes a refusal carries. */
export type AuthErrorCode =
  | 'invalid_token'
  | 'insufficient_scope'
  | 'insufficient_user_authentication'
  | 'insufficient_role'
  | 'temporarily_unavailable'

export interface ProblemDocument {
  type: string
  title: string
  status: number
  code: AuthErrorCode
  detail?: string
}

const TITLES: Record<AuthErrorCode, string> = {
  invalid_token: 'Authentication required',
  insufficient_scope: 'Insufficient scope',
  insufficient_user_authentication: 'Stronger authentication required',
  insufficient_role: 'Forbidden',
  temporarily_unavailable: 'Authentication temporarily unavailable',
}

const quoted = (v: string) => v.replace(/["\\]/g, '')

/**
 * A request refused: 401 (no credentials, or ones Gatehouse does not vouch for), 403 (valid but
 * insufficient) or 503 (Gatehouse could not be asked). `headers` carries the `WWW-Authenticate`
 * challenge; `problem` is the RFC 9457 body to send.
 */
export class GatehouseAuthError extends Error {
  readonly status: 401 | 403 | 503
  readonly code: AuthErrorCode
  readonly headers: Readonly<Record<string, string>>
  /** For `insufficient_user_authentication`: the ACR or factor that would do. */
  readonly acrValues?: string
  /** For `insufficient_scope`: the scopes needed. */
  readonly scope?: string

  constructor(
    status: 401 | 403 | 503,
    code: AuthErrorCode,
    detail: string,
    extra: { acrValues?: string; scope?: string; credentials?: boolean } = {},
  ) {
    super(detail)
    this.name = 'GatehouseAuthError'
    this.status = status
    this.code = code
    if (extra.acrValues) this.acrValues = extra.acrValues
    if (extra.scope) this.scope = extra.scope
    this.headers = challengeHeaders(this, extra.credentials ?? true)
  }

  get problem(): ProblemDocument {
    return {
      type: 'about:blank',
      title: TITLES[this.code],
      status: this.status,
      code: this.code,
      detail: this.message,
    }
  }
}

const challengeHeaders = (e: GatehouseAuthError, credentials: boolean): Record<string, string> => {
  if (e.status === 503) return { 'retry-after': '1' }
  // RFC 6750 3.1: a request without credentials gets a bare challenge, no error code.
  if (e.status === 401 && !credentials) return { 'www-authenticate': 'Bearer' }
  const parts = [`error="${e.code === 'insufficient_role' ? 'insufficient_scope' : e.code}"`]
  parts.push(`error_description="${quoted(e.message)}"`)
  if (e.scope) parts.push(`scope="${quoted(e.scope)}"`)
  if (e.acrValues) parts.push(`acr_values="${quoted(e.acrValues)}"`)
  return { 'www-authenticate': `Bearer ${parts.join(', ')}` }
}

export const invalidToken = (detail: string) => new GatehouseAuthError(401, 'invalid_token', detail)
export const noCredentials = () =>
  new GatehouseAuthError(401, 'invalid_token', 'no session or access token was presented', {
    credentials: false,
  })
export const unavailable = (detail: string) => new GatehouseAuthError(503, 'temporarily_unavailable', detail)
