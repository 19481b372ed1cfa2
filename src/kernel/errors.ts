/**
 * The one error type of Gatehouse. Every expected failure a client can see has a
 * stable `code`; the HTTP error handler is the only place that turns it into an
 * RFC 9457 problem response. `docs/errors.md` lists every code (a test keeps
 * them in step).
 */
export interface ErrorSpec {
  readonly status: number
  readonly title: string
}

export const errorCatalog = {
  invalid_request: { status: 400, title: 'The request is not valid' },
  malformed_json: { status: 400, title: 'The request body is not valid JSON' },
  invalid_encoding: {
    status: 400,
    title: 'The request is not valid UTF-8, or holds NUL or a lone surrogate',
  },
  unsupported_media_type: { status: 415, title: 'The request body must be application/json' },
  payload_too_large: { status: 413, title: 'The request body is too large' },
  not_found: { status: 404, title: 'No such resource' },
  invalid_username: { status: 400, title: 'The username is not valid' },
  invalid_email: { status: 400, title: 'The email address is not valid' },
  invalid_phone: { status: 400, title: 'The phone number is not valid' },
  password_too_short: { status: 400, title: 'The password is too short' },
  password_too_long: { status: 400, title: 'The password is too long' },
  password_invalid_characters: {
    status: 400,
    title: 'The password contains characters that are not allowed',
  },
  password_common: { status: 400, title: 'The password is too common' },
  password_contains_identifier: { status: 400, title: 'The password contains the username or email address' },
  password_too_weak: { status: 400, title: 'The password is too easy to guess' },
  password_reused: { status: 400, title: 'The new password must differ from the current one' },
  username_taken: { status: 409, title: 'The username is taken' },
  phone_taken: { status: 409, title: 'Another account has this phone number verified' },
  invalid_token: { status: 400, title: 'The token is invalid or has expired' },
  invalid_credentials: { status: 401, title: 'The identifier or password is wrong' },
  mfa_required: { status: 401, title: 'A second-factor code is required' },
  invalid_code: { status: 401, title: 'The code is wrong or has expired' },
  code_already_used: { status: 401, title: 'The code was already used' },
  second_factor_required: { status: 409, title: 'A second factor must be set up first' },
  unauthenticated: { status: 401, title: 'A valid session is required' },
  password_change_required: { status: 403, title: 'The password must be changed first' },
  mfa_enrolment_required: { status: 403, title: 'A second factor must be set up before anything else' },
  admin_required: { status: 403, title: 'An administrator session with a second factor is required' },
  scope_required: { status: 403, title: 'The caller lacks the scope this action needs' },
  reauth_required: { status: 401, title: 'Recent re-authentication is required for this change' },
  factor_not_found: { status: 404, title: 'No such second factor' },
  webauthn_failed: { status: 400, title: 'The passkey could not be verified' },
  session_not_found: { status: 404, title: 'No such session' },
  client_outdated: { status: 426, title: 'This client version is no longer supported' },
  cross_site_request: {
    status: 403,
    title: 'A change authenticated by the session cookie must come from a page of this origin',
  },
  rate_limited: { status: 429, title: 'Too many requests' },
  challenge_required: { status: 429, title: 'Solve the challenge and send the request again' },
  not_ready: { status: 503, title: 'The service is not ready' },
  service_unavailable: {
    status: 503,
    title: 'A service Gatehouse depends on is unavailable; try again later',
  },
  internal_error: { status: 500, title: 'Internal error' },
  password_reset_required: { status: 403, title: 'The password must be reset through account recovery' },
  email_unverified: { status: 403, title: 'The email address must be verified before logging in' },
  campaign_not_found: { status: 404, title: 'No such campaign' },
  campaign_finished: { status: 409, title: 'The campaign has already finished' },
  client_disabled: { status: 409, title: 'The client is disabled' },
  api_key_revoked: { status: 409, title: 'The API key is revoked, rotated or expired' },
  invalid_owner: { status: 400, title: 'The owner must be a staff or partner account' },
  incident_closed: { status: 409, title: 'The incident is closed' },
  webhook_url_not_public: {
    status: 400,
    title: 'The webhook URL is, or resolves to, a loopback, private or other non-public address',
  },
  invalid_redirect_uri: {
    status: 400,
    title: 'A redirect URI is not allowed: absolute https (http only on loopback), exact, no fragment',
  },
  invalid_client_metadata: { status: 400, title: "The application's settings do not fit together" },
  email_taken: { status: 409, title: 'Another account has this email address' },
  role_above_caller: {
    status: 403,
    title: "The account's role, or the role asked for, ranks above the caller's",
  },
  account_in_use: {
    status: 409,
    title: 'The account owns clients of the admin API: give them another owner first',
  },
  interaction_expired: {
    status: 400,
    title: 'This sign-in step is unknown, finished or expired: start again from the application',
  },
} as const satisfies Record<string, ErrorSpec>

export type ErrorCode = keyof typeof errorCatalog

export class AppError extends Error {
  override readonly name = 'AppError'
  readonly code: ErrorCode
  readonly status: number
  readonly title: string
  /** Extra members of the problem document; must never hold secrets or contact data. */
  readonly extensions: Record<string, unknown>
  readonly headers: Record<string, string>

  constructor(
    code: ErrorCode,
    options: {
      detail?: string
      extensions?: Record<string, unknown>
      headers?: Record<string, string>
      cause?: unknown
    } = {},
  ) {
    super(options.detail ?? errorCatalog[code].title, { cause: options.cause })
    this.code = code
    this.status = errorCatalog[code].status
    this.title = errorCatalog[code].title
    this.extensions = options.extensions ?? {}
    this.headers = options.headers ?? {}
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError
