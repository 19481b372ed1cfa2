/**
 * The security-event vocabulary: stable names, after the OWASP Logging
 * Vocabulary where one fits. `docs/events.md` describes each; a test keeps the
 * two in step.
 */
export const securityEventTypes = {
  account_created: 'A new account was registered (email not yet verified).',
  account_signup_existing_email:
    'Someone tried to register with an address that already has an account; the owner was told.',
  account_email_verified: 'The account holder proved control of the email address.',
  account_unverified_deleted:
    'Accounts whose email was never verified were removed after the retention period (details: count).',
  authn_login_success: 'A login succeeded and a session was created.',
  authn_login_fail:
    'A login failed (unknown identifier, wrong password or unverified account — the event says which; the response does not).',
  authn_password_rehashed: 'The stored hash was upgraded to the current argon2id parameters at login.',
  authn_password_change: 'The password was changed by its owner.',
  authn_password_change_fail: 'A password change was refused (wrong current password or policy).',
  session_logout: 'The holder ended the session.',
  session_revoked: 'A session was revoked by its owner from another session.',
  client_outdated: 'A request from a client below the minimum version was refused.',
} as const

export type SecurityEventType = keyof typeof securityEventTypes
