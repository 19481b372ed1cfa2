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
  account_verification_resend:
    'A new verification mail was asked for by address (details: outcome sent, capped or none — none for unknown and already verified addresses alike). The answer did not depend on it.',
  account_phone_changed:
    'The holder set a phone number (unverified until its code is entered) and a code was sent to it (details: had_verified_phone, notice_queued).',
  account_phone_verified:
    'The holder entered the code sent to the phone number: it now identifies the account for login and SMS recovery.',
  account_phone_verify_fail:
    'A phone verification failed (details: reason wrong_code with attempts — the code dies after 5 — no_code, or phone_taken).',
  account_phone_removed: 'The holder removed the phone number (details: was_verified).',
  account_locale_changed:
    'The holder chose the language of their mails and texts (details: from — null when none was stored — and to).',
  account_unverified_deleted:
    'Accounts whose email was never verified were removed after the retention period (details: count).',
  authn_login_success: 'A login succeeded and a session was created.',
  authn_login_fail:
    'A login failed (details: reason — unknown_identifier, bad_password, locked, unverified, reset_required, disabled). The response is the same invalid_credentials for all but a right password on an unverified account (email_unverified, unless the identifier was the email address) or one under a required reset or disabled (password_reset_required, alike); a name a sign-up reserved without creating an account logs unverified with no account.',
  authn_password_rehashed: 'The stored hash was upgraded to the current argon2id parameters at login.',
  authn_password_change: 'The password was changed by its owner.',
  authn_password_change_fail: 'A password change was refused (wrong current password or policy).',
  authn_password_change_required:
    'A login with the right password found it shorter than the password policy now asks of the account (GATEHOUSE_PASSWORD_POLICY=nist-800-63b-4: 15 code points without a TOTP factor or passkey, for instance after the last one was removed): the account must change it, and the sessions it opens from now on may only do that (details: reason below_policy).',
  session_logout: 'The holder ended the session.',
  session_revoked: 'A session was revoked by its owner from another session.',
  client_outdated: 'A request from a client below the minimum version was refused (details: version).',
  authn_password_reset_requested: 'A recovery message was queued for the account (details: channel).',
  'recovery.suppressed':
    'A recovery request for the account was blocked and nothing was sent (details: reason cap, recent_token, reset_lock, staff — a staff account without a TOTP factor or passkey, which only an operator resets — or disabled — an account staff disabled; channel; for cap, the outbound budget that refused it). The answer to the caller did not change.',
  authn_password_reset_completed:
    'The password was reset with a recovery token; every session was revoked (details: revoked_sessions, notified channels).',
  authn_mfa_fail: 'A wrong second-factor code was given (details: during, attempts).',
  authn_mfa_enabled:
    'A second factor was confirmed and is now required at login and recovery (details: method).',
  authn_mfa_challenge: 'The password was right and a second factor was asked for (details: methods).',
  authn_recovery_code_used: 'A recovery code was used in place of the second factor (details: remaining).',
  authn_recovery_codes_regenerated: 'A new set of recovery codes replaced the old one.',
  account_locked:
    'The holder used the "this wasn\'t me" link: sessions revoked, login blocked until recovery.',
  'recovery.reset_lock_changed':
    'The reset lock (second factor required before any reset message) was turned on or off (details: enabled, by owner or operator).',
  authn_reauth_fail:
    "The password or second factor, asked for again before a sensitive change, was wrong or the account's re-authentication budget was spent (details: during, method or reason). Nothing changed.",
  authn_reauth:
    'The holder of a session proved who they are again, before a sensitive change (details: session_id, method).',
  authn_mfa_removed:
    'A second factor was removed by the holder (details: method, remaining factors; the recovery codes go with the last one).',
  account_email_change_requested:
    'The holder asked to change the email address; a link went to the new address and a notice to the old one (details: outcome link or address_in_use).',
  account_email_changed:
    'The new email address was confirmed through its link and replaced the old one; outstanding recovery tokens died and the old address was told.',
  account_password_reset_by_operator:
    'An operator reset the password (gatehouse accounts reset-password): a one-time password that must be changed at the next login; every session and outstanding token ended (details: revoked_sessions).',
  account_role_changed: "An operator changed the account's role (details: from, to).",
  authn_mfa_enrolment_required:
    'A login succeeded for an account whose role requires a second factor it does not have (for a staff role: a TOTP factor or passkey; email and SMS codes do not count): the session may only enrol one.',
  authn_webauthn_fail:
    'A passkey registration or assertion did not verify (details: during, factor_id, reason: wrong origin or relying party, bad signature, wrong challenge ...). Nothing changed.',
  authn_webauthn_counter_regressed:
    "A passkey's signature counter did not move forward: a cloned authenticator or a replayed assertion. The assertion was refused (details: factor_id, stored, presented).",
  authn_passkey_login_fail:
    'A passwordless login with a passkey failed (unknown credential, bad signature, used or expired challenge, locked account). The answer was the same invalid_credentials.',
  authn_device_new:
    'A session was opened from a device the account had not used before; it got a device token (details: device_id, first_device, remembered).',
  authn_device_remembered:
    '"Remember this device" was chosen at a login with a second factor: logins from it skip the factor for a while (details: device_id).',
  authn_devices_forgotten:
    'A password reset or change made every remembered device ask for the second factor again (details: count).',
  authn_mfa_skipped_remembered:
    'A login from a remembered device skipped the second factor (the password was checked).',
  authn_step_up:
    'A correct password from an unrecognised device, on an account without a second factor, was asked for an emailed one-time code.',
  authn_otp_sent: 'A one-time login code was sent for a login challenge (details: channel).',
  authn_otp_send_capped:
    "A one-time login code was not sent: a budget of the outbound gate was reached — the account's codes, or the address's or number's messages (details: channel, budget). The answer did not change.",
  authn_login_notice_queued:
    'A new-sign-in notice with a "this wasn\'t me" link was queued to the account\'s address (details: session_id, place).',
  authn_login_notice_suppressed:
    "A new-sign-in notice was not sent: the outbound gate's budget for them (per account and address) was reached (details: session_id).",
  authn_login_not_me:
    'The holder used the "this wasn\'t me" link of a new-sign-in notice: sessions ended, login blocked, recovery started (details: session_id).',
  outbound_budget_exhausted:
    'The outbound gate refused a text because a global SMS budget is spent (details: budget sms_global or sms_country, stage queue or send). At most one a minute per budget and instance: a sign of SMS pumping, or of a budget set too low.',
  messages_dead_lettered:
    'Messages accepted for delivery (mail, SMS, webhook) could not be delivered within the retry horizon (GATEHOUSE_MAIL_RETRY_HORIZON, 24 hours) or the most tries: they are kept unsent as dead letters, listed by `gatehouse outbox list`, the console and GET /v1/admin/outbox/dead, and sent again by `gatehouse outbox retry` (details: count, channels, templates, message_ids — at most 20). One event per delivery run. Webhooks can alert on it.',
  limiter_store_fallback:
    'The shared limiter store (Redis) is unreachable; limits fall back to per-instance memory at the same settings.',
  limiter_store_recovered: 'The shared limiter store answers again.',
  guard_detection:
    'A detector fired, or raised its response (details: detection_id, kind, scope, key, action, count). Webhooks can subscribe to it.',
  guard_detection_resolved:
    'An administrator marked a detection resolved (details: detection_id, kind, lifted).',
  guard_block_lifted:
    "An administrator lifted a detection's block or challenge before it expired (details: detection_id, kind, scope, key).",
  guard_sources_lifted:
    "An operator lifted the guard's challenges, delays and blocks from the command line (`gatehouse guard lift`) for an address or network, or for every source (details: lift_id, sources — the address, the network or `all` —, reason, operator as user@host). Running servers apply it within about a second; detections stay on record.",
  guard_challenge_failed:
    'A request carried a proof-of-work or CAPTCHA solution that did not verify (details: kind, reason). It was answered as if no solution had been sent.',
  webhook_created: 'An administrator added a webhook endpoint (details: webhook_id, url host, event types).',
  webhook_deleted: 'An administrator removed a webhook endpoint (details: webhook_id).',
  campaign_password_reset_forced:
    'A force_password_reset campaign put the account under a required reset: its sessions were revoked and its outstanding one-time tokens killed; a right password now answers password_reset_required until recovery sets a new one (details: campaign_id, incident_id).',
  campaign_sessions_revoked:
    'A revoke_sessions campaign revoked every session of the account (details: campaign_id, incident_id).',
  campaign_mfa_enrolment_required:
    'A require_mfa_enrollment campaign flagged the account: from its next login without a confirmed second factor, the session may only enrol one (details: campaign_id, incident_id).',
  campaign_reset_lock_set:
    "A reset_lock campaign turned the account's reset lock on: reset messages need a second-factor code first (details: campaign_id, incident_id).",
  campaign_notice_queued:
    "A notify campaign queued its message to the account's verified address or phone (details: campaign_id, incident_id, channel). At most one per account and message, however often it runs.",
  api_key_created:
    'An admin API key was issued to a client (details: key_id, client_id, prefix, scopes). The key itself is never recorded.',
  api_key_revoked:
    'An admin API key was revoked (details: key_id, client_id, prefix; via client_deleted when its client was deleted).',
  api_key_rotated:
    'An admin API key was replaced by a successor with the same scopes (details: key_id, prefix, successor_id, successor_prefix, overlap_seconds the old key still works).',
  api_key_refused:
    'A revoked or expired key, or a key of a disabled client, was presented and refused with 401 (details: key_id, client_id, prefix, reason). At most one a minute per key and instance.',
  account_access_revoked:
    "An administrator revoked a partner account's access: sessions ended, login locked until reinstated, even by a password reset (details: revoked_sessions).",
  account_access_reinstated: "An administrator reinstated a partner account's access: login is open again.",
  account_created_by_staff:
    'A staff member or operator created the account with a one-time password to change at the first login (details: role, fields — the names of the fields set —, by: the actor as the audit log names it).',
  account_changed_by_staff:
    "A staff member or operator changed the account's profile (details: fields — the names of the fields changed, never their values —, role with from and to when it changed, by). A change of role also records account_role_changed.",
  account_disabled:
    "A staff member or operator disabled the account: every session ended, outstanding one-time tokens died, its applications' grants end; until it is enabled a right password answers password_reset_required, as under a required reset, and recovery sends nothing (details: revoked_sessions, by).",
  account_enabled:
    'A staff member or operator enabled a disabled account again: its password opens sessions again (details: by).',
  account_deleted:
    "An account was deleted — by a staff member or operator at once, or by the purge once its deletion was due: its profile, sessions, factors, devices, security events, exposures and queued messages are gone. Recorded without an account (details: account_id — the deleted account's id, which refers to nothing any more —, role, by; requested_by for the purge).",
  account_data_exported:
    "The account's data was exported: everything held about it, as one JSON document (details: by — holder, or the staff actor).",
  account_deletion_scheduled:
    "The account's deletion was scheduled (by its holder, DELETE /v1/me, or by staff): it is disabled, every session and one-time token ended, its applications' grants end, and a cancel link went to its address (details: due_at, by — holder, or the staff actor —, revoked_sessions).",
  account_deletion_cancelled:
    'A pending deletion was cancelled — by the mailed token or by staff — and the account restored (details: by — holder, or the staff actor).',
  oidc_login:
    "An application signed the holder in through Gatehouse's OpenID Connect provider (details: client_id, acr, amr).",
  oidc_consent_given:
    'The holder allowed a third-party application what it asked for (details: client_id, scopes).',
  oidc_consent_denied:
    'The holder declined what a third-party application asked for; it got nothing (details: client_id).',
  oidc_token_reuse:
    'An authorization code or refresh token that had been used already was presented again: the whole grant was revoked with every token issued under it (details: client_id, kind code or refresh_token).',
  oidc_grants_revoked:
    "Every application grant of the account ended, with its codes and tokens, and the provider's sign-in sessions; applications that registered a back-channel logout URI were told (details: reason, grants, clients; a revoke_client campaign records one per account it changed, with campaign_id and incident_id).",
  oidc_client_grants_revoked:
    'Every grant of one application ended, for every account (details: client_id, grants, reason).',
  oidc_client_auth_fail:
    'An application failed to authenticate at the token, introspection or revocation endpoint; the guard counts it like a failed login from that address (details: client_id, endpoint).',
  oidc_backchannel_logout_failed:
    'A back-channel logout token could not be delivered to an application (details: client_id, reason). The grant is revoked all the same.',
  oidc_client_created:
    'An administrator registered an application that signs users in through Gatehouse (an OpenID Connect client) (details: client_id, name, public, scopes, grant_types). Its secret is never recorded.',
  oidc_client_changed:
    "An administrator changed an application's settings (details: client_id, name, fields — the names of the settings changed).",
  oidc_client_secret_rotated:
    "An application's secret was replaced: the old one stopped at once (details: client_id, name).",
  oidc_client_disabled:
    'An application was disabled: it signs nobody in, and its grants and tokens ended, its back-channel logout told (details: client_id, name, revoked_grants).',
  oidc_client_enabled:
    'A disabled application was enabled again; grants ended while it was disabled stay ended (details: client_id, name).',
  oidc_client_deleted:
    'An application was deleted: its grants and tokens ended first (details: client_id, name, revoked_grants).',
} as const

export type SecurityEventType = keyof typeof securityEventTypes
