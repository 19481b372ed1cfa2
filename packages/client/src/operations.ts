/*
 * Generated from Gatehouse's OpenAPI document (GET /openapi.json) by openapi-typescript.
 * Do not edit: change the route schemas and run `npm run api:types`.
 */

import type { Gatehouse } from './client.js'
import type { Init, Success } from './operation-types.js'
import type { operations } from './schema.js'

/** Liveness (`GET /healthz`) */
export const getHealth = (gh: Gatehouse, init?: Init<operations['getHealth']>): Promise<Success<operations['getHealth']>> =>
  gh.call('get', '/healthz', init)

/** Readiness: the database answers a read and a write, the data directory has room, and the instance is not draining; every check has a deadline (`GET /readyz`) */
export const getReadiness = (gh: Gatehouse, init?: Init<operations['getReadiness']>): Promise<Success<operations['getReadiness']>> =>
  gh.call('get', '/readyz', init)

/** This OpenAPI 3.1 document (`GET /openapi.json`) */
export const getOpenApiDocument = (gh: Gatehouse, init?: Init<operations['getOpenApiDocument']>): Promise<Success<operations['getOpenApiDocument']>> =>
  gh.call('get', '/openapi.json', init)

/** The signed-in account as stored: its addresses, whether they are verified, the reset lock, the language (`GET /v1/me`) */
export const getMe = (gh: Gatehouse, init?: Init<operations['getMe']>): Promise<Success<operations['getMe']>> =>
  gh.call('get', '/v1/me', init)

/** Delete the signed-in account after a grace period; a cancel link is mailed (`DELETE /v1/me`) */
export const deleteMyAccount = (gh: Gatehouse, init?: Init<operations['deleteMyAccount']>): Promise<Success<operations['deleteMyAccount']>> =>
  gh.call('delete', '/v1/me', init)

/** Choose the language of the account's mails and texts (`PUT /v1/me/locale`) */
export const setMyLocale = (gh: Gatehouse, init: Init<operations['setMyLocale']>): Promise<Success<operations['setMyLocale']>> =>
  gh.call('put', '/v1/me/locale', init)

/** Change the email address: a link goes to the new address, a notice to the old one (`POST /v1/me/email`) */
export const changeMyEmail = (gh: Gatehouse, init: Init<operations['changeMyEmail']>): Promise<Success<operations['changeMyEmail']>> =>
  gh.call('post', '/v1/me/email', init)

/** Confirm a new email address with the token mailed to it (`POST /v1/me/email/verify`) */
export const verifyMyNewEmail = (gh: Gatehouse, init: Init<operations['verifyMyNewEmail']>): Promise<Success<operations['verifyMyNewEmail']>> =>
  gh.call('post', '/v1/me/email/verify', init)

/** Register an account; a verification mail follows (`POST /v1/accounts`) */
export const register = (gh: Gatehouse, init: Init<operations['register']>): Promise<Success<operations['register']>> =>
  gh.call('post', '/v1/accounts', init)

/** Verify the email address with the token from the mail (`POST /v1/accounts/verify`) */
export const verifyEmail = (gh: Gatehouse, init: Init<operations['verifyEmail']>): Promise<Success<operations['verifyEmail']>> =>
  gh.call('post', '/v1/accounts/verify', init)

/** Change the password; every other session is revoked (`POST /v1/me/password`) */
export const changeMyPassword = (gh: Gatehouse, init: Init<operations['changeMyPassword']>): Promise<Success<operations['changeMyPassword']>> =>
  gh.call('post', '/v1/me/password', init)

/** Ask for a new verification mail (`POST /v1/accounts/verify/resend`) */
export const resendVerification = (gh: Gatehouse, init: Init<operations['resendVerification']>): Promise<Success<operations['resendVerification']>> =>
  gh.call('post', '/v1/accounts/verify/resend', init)

/** Set the phone number; a verification code is texted to it (`POST /v1/me/phone`) */
export const setMyPhone = (gh: Gatehouse, init: Init<operations['setMyPhone']>): Promise<Success<operations['setMyPhone']>> =>
  gh.call('post', '/v1/me/phone', init)

/** Remove the phone number (`DELETE /v1/me/phone`) */
export const removeMyPhone = (gh: Gatehouse, init: Init<operations['removeMyPhone']>): Promise<Success<operations['removeMyPhone']>> =>
  gh.call('delete', '/v1/me/phone', init)

/** Verify the phone number with the code texted to it (`POST /v1/me/phone/verify`) */
export const verifyMyPhone = (gh: Gatehouse, init: Init<operations['verifyMyPhone']>): Promise<Success<operations['verifyMyPhone']>> =>
  gh.call('post', '/v1/me/phone/verify', init)

/** The account's live sessions (`GET /v1/sessions`) */
export const listSessions = (gh: Gatehouse, init?: Init<operations['listSessions']>): Promise<Success<operations['listSessions']>> =>
  gh.call('get', '/v1/sessions', init)

/** Log in with a username, email address or verified phone number (`POST /v1/sessions`) */
export const createSession = (gh: Gatehouse, init: Init<operations['createSession']>): Promise<Success<operations['createSession']>> =>
  gh.call('post', '/v1/sessions', init)

/** Revoke every session but the current one (`DELETE /v1/sessions`) */
export const revokeOtherSessions = (gh: Gatehouse, init?: Init<operations['revokeOtherSessions']>): Promise<Success<operations['revokeOtherSessions']>> =>
  gh.call('delete', '/v1/sessions', init)

/** Complete a login with the second factor (`POST /v1/sessions/mfa`) */
export const completeSession = (gh: Gatehouse, init: Init<operations['completeSession']>): Promise<Success<operations['completeSession']>> =>
  gh.call('post', '/v1/sessions/mfa', init)

/** Passkey options for the second factor of a login challenge (`POST /v1/sessions/mfa/webauthn/options`) */
export const getSecondFactorPasskeyOptions = (gh: Gatehouse, init: Init<operations['getSecondFactorPasskeyOptions']>): Promise<Success<operations['getSecondFactorPasskeyOptions']>> =>
  gh.call('post', '/v1/sessions/mfa/webauthn/options', init)

/** Send a one-time code by email or SMS for a login challenge (`POST /v1/sessions/mfa/send`) */
export const sendSecondFactorCode = (gh: Gatehouse, init: Init<operations['sendSecondFactorCode']>): Promise<Success<operations['sendSecondFactorCode']>> =>
  gh.call('post', '/v1/sessions/mfa/send', init)

/** "This wasn't me": the link of a new-sign-in notice (`POST /v1/sessions/not-me`) */
export const reportNotMe = (gh: Gatehouse, init: Init<operations['reportNotMe']>): Promise<Success<operations['reportNotMe']>> =>
  gh.call('post', '/v1/sessions/not-me', init)

/** Start a passwordless login with a passkey (`POST /v1/sessions/passkey/options`) */
export const getPasskeySignInOptions = (gh: Gatehouse, init?: Init<operations['getPasskeySignInOptions']>): Promise<Success<operations['getPasskeySignInOptions']>> =>
  gh.call('post', '/v1/sessions/passkey/options', init)

/** Log in with a passkey, without a password (`POST /v1/sessions/passkey`) */
export const createPasskeySession = (gh: Gatehouse, init: Init<operations['createPasskeySession']>): Promise<Success<operations['createPasskeySession']>> =>
  gh.call('post', '/v1/sessions/passkey', init)

/** The account and session of the presented token (`GET /v1/sessions/current`) */
export const getCurrentSession = (gh: Gatehouse, init?: Init<operations['getCurrentSession']>): Promise<Success<operations['getCurrentSession']>> =>
  gh.call('get', '/v1/sessions/current', init)

/** Log out (`DELETE /v1/sessions/current`) */
export const deleteCurrentSession = (gh: Gatehouse, init?: Init<operations['deleteCurrentSession']>): Promise<Success<operations['deleteCurrentSession']>> =>
  gh.call('delete', '/v1/sessions/current', init)

/** Prove who you are again, before a sensitive change (`POST /v1/sessions/current/reauth`) */
export const reauthenticate = (gh: Gatehouse, init: Init<operations['reauthenticate']>): Promise<Success<operations['reauthenticate']>> =>
  gh.call('post', '/v1/sessions/current/reauth', init)

/** Passkey options for re-authentication (`POST /v1/sessions/current/reauth/webauthn/options`) */
export const getReauthPasskeyOptions = (gh: Gatehouse, init?: Init<operations['getReauthPasskeyOptions']>): Promise<Success<operations['getReauthPasskeyOptions']>> =>
  gh.call('post', '/v1/sessions/current/reauth/webauthn/options', init)

/** Revoke one of your sessions (`DELETE /v1/sessions/{id}`) */
export const revokeSession = (gh: Gatehouse, init: Init<operations['revokeSession']>): Promise<Success<operations['revokeSession']>> =>
  gh.call('delete', '/v1/sessions/{id}', init)

/** Start a TOTP enrolment (pending until confirmed) (`POST /v1/mfa/totp`) */
export const startTotpEnrolment = (gh: Gatehouse, init?: Init<operations['startTotpEnrolment']>): Promise<Success<operations['startTotpEnrolment']>> =>
  gh.call('post', '/v1/mfa/totp', init)

/** Confirm the TOTP enrolment with a current code; returns recovery codes, shown once (`POST /v1/mfa/totp/confirm`) */
export const confirmTotpEnrolment = (gh: Gatehouse, init: Init<operations['confirmTotpEnrolment']>): Promise<Success<operations['confirmTotpEnrolment']>> =>
  gh.call('post', '/v1/mfa/totp/confirm', init)

/** Second factors of the account and the number of unused recovery codes (`GET /v1/mfa`) */
export const listFactors = (gh: Gatehouse, init?: Init<operations['listFactors']>): Promise<Success<operations['listFactors']>> =>
  gh.call('get', '/v1/mfa', init)

/** Replace the recovery codes; the old set stops working (`POST /v1/mfa/recovery-codes`) */
export const regenerateRecoveryCodes = (gh: Gatehouse, init: Init<operations['regenerateRecoveryCodes']>): Promise<Success<operations['regenerateRecoveryCodes']>> =>
  gh.call('post', '/v1/mfa/recovery-codes', init)

/** Remove a second factor (`DELETE /v1/mfa/factors/{id}`) */
export const removeFactor = (gh: Gatehouse, init: Init<operations['removeFactor']>): Promise<Success<operations['removeFactor']>> =>
  gh.call('delete', '/v1/mfa/factors/{id}', init)

/** Start registering a passkey: options for navigator.credentials.create() (`POST /v1/mfa/webauthn/register/options`) */
export const getPasskeyRegistrationOptions = (gh: Gatehouse, init?: Init<operations['getPasskeyRegistrationOptions']>): Promise<Success<operations['getPasskeyRegistrationOptions']>> =>
  gh.call('post', '/v1/mfa/webauthn/register/options', init)

/** Finish registering a passkey; it is a second factor from now on (`POST /v1/mfa/webauthn/register`) */
export const finishPasskeyRegistration = (gh: Gatehouse, init: Init<operations['finishPasskeyRegistration']>): Promise<Success<operations['finishPasskeyRegistration']>> =>
  gh.call('post', '/v1/mfa/webauthn/register', init)

/** Use one-time codes mailed to the verified address as a second factor (`POST /v1/mfa/email`) */
export const enableEmailCodes = (gh: Gatehouse, init?: Init<operations['enableEmailCodes']>): Promise<Success<operations['enableEmailCodes']>> =>
  gh.call('post', '/v1/mfa/email', init)

/** Use one-time codes texted to the verified phone number as a second factor (`POST /v1/mfa/sms`) */
export const enableSmsCodes = (gh: Gatehouse, init?: Init<operations['enableSmsCodes']>): Promise<Success<operations['enableSmsCodes']>> =>
  gh.call('post', '/v1/mfa/sms', init)

/** The account's own security history, newest first (`GET /v1/me/events`) */
export const listMyEvents = (gh: Gatehouse, init?: Init<operations['listMyEvents']>): Promise<Success<operations['listMyEvents']>> =>
  gh.call('get', '/v1/me/events', init)

/** Security events of every account, newest first (administrators with a second factor) (`GET /v1/admin/events`) */
export const adminListEvents = (gh: Gatehouse, init?: Init<operations['adminListEvents']>): Promise<Success<operations['adminListEvents']>> =>
  gh.call('get', '/v1/admin/events', init)

/** What the guard's detectors found, newest first (administrators with a second factor) (`GET /v1/admin/detections`) */
export const adminListDetections = (gh: Gatehouse, init?: Init<operations['adminListDetections']>): Promise<Success<operations['adminListDetections']>> =>
  gh.call('get', '/v1/admin/detections', init)

/** One detection (`GET /v1/admin/detections/{id}`) */
export const adminGetDetection = (gh: Gatehouse, init: Init<operations['adminGetDetection']>): Promise<Success<operations['adminGetDetection']>> =>
  gh.call('get', '/v1/admin/detections/{id}', init)

/** Mark an open detection resolved (`POST /v1/admin/detections/{id}/resolve`) */
export const adminResolveDetection = (gh: Gatehouse, init: Init<operations['adminResolveDetection']>): Promise<Success<operations['adminResolveDetection']>> =>
  gh.call('post', '/v1/admin/detections/{id}/resolve', init)

/** Lift an open detection's block or challenge now (`POST /v1/admin/detections/{id}/lift`) */
export const adminLiftDetection = (gh: Gatehouse, init: Init<operations['adminLiftDetection']>): Promise<Success<operations['adminLiftDetection']>> =>
  gh.call('post', '/v1/admin/detections/{id}/lift', init)

/** The audit log of administrative actions, newest first (`GET /v1/admin/audit`) */
export const adminListAudit = (gh: Gatehouse, init?: Init<operations['adminListAudit']>): Promise<Success<operations['adminListAudit']>> =>
  gh.call('get', '/v1/admin/audit', init)

/** Check the hash chain of the audit log from its first entry to its head (`GET /v1/admin/audit/verify`) */
export const adminVerifyAudit = (gh: Gatehouse, init?: Init<operations['adminVerifyAudit']>): Promise<Success<operations['adminVerifyAudit']>> =>
  gh.call('get', '/v1/admin/audit/verify', init)

/** The webhook endpoints (without their secrets) (`GET /v1/admin/webhooks`) */
export const adminListWebhooks = (gh: Gatehouse, init?: Init<operations['adminListWebhooks']>): Promise<Success<operations['adminListWebhooks']>> =>
  gh.call('get', '/v1/admin/webhooks', init)

/** Add a webhook endpoint that receives signed security events (`POST /v1/admin/webhooks`) */
export const adminCreateWebhook = (gh: Gatehouse, init: Init<operations['adminCreateWebhook']>): Promise<Success<operations['adminCreateWebhook']>> =>
  gh.call('post', '/v1/admin/webhooks', init)

/** Delete a webhook endpoint (`DELETE /v1/admin/webhooks/{id}`) */
export const adminDeleteWebhook = (gh: Gatehouse, init: Init<operations['adminDeleteWebhook']>): Promise<Success<operations['adminDeleteWebhook']>> =>
  gh.call('delete', '/v1/admin/webhooks/{id}', init)

/** The webhook's delivery log, newest first (`GET /v1/admin/webhooks/{id}/deliveries`) */
export const adminListWebhookDeliveries = (gh: Gatehouse, init: Init<operations['adminListWebhookDeliveries']>): Promise<Success<operations['adminListWebhookDeliveries']>> =>
  gh.call('get', '/v1/admin/webhooks/{id}/deliveries', init)

/** Campaigns, newest first (`GET /v1/admin/campaigns`) */
export const adminListCampaigns = (gh: Gatehouse, init?: Init<operations['adminListCampaigns']>): Promise<Success<operations['adminListCampaigns']>> =>
  gh.call('get', '/v1/admin/campaigns', init)

/** Start a campaign (or, with dry_run, count what it would do) (`POST /v1/admin/campaigns`) */
export const adminStartCampaign = (gh: Gatehouse, init: Init<operations['adminStartCampaign']>): Promise<Success<operations['adminStartCampaign']>> =>
  gh.call('post', '/v1/admin/campaigns', init)

/** A campaign and its progress (`GET /v1/admin/campaigns/{id}`) */
export const adminGetCampaign = (gh: Gatehouse, init: Init<operations['adminGetCampaign']>): Promise<Success<operations['adminGetCampaign']>> =>
  gh.call('get', '/v1/admin/campaigns/{id}', init)

/** Pause a campaign (`POST /v1/admin/campaigns/{id}/pause`) */
export const adminPauseCampaign = (gh: Gatehouse, init: Init<operations['adminPauseCampaign']>): Promise<Success<operations['adminPauseCampaign']>> =>
  gh.call('post', '/v1/admin/campaigns/{id}/pause', init)

/** Resume a campaign (`POST /v1/admin/campaigns/{id}/resume`) */
export const adminResumeCampaign = (gh: Gatehouse, init: Init<operations['adminResumeCampaign']>): Promise<Success<operations['adminResumeCampaign']>> =>
  gh.call('post', '/v1/admin/campaigns/{id}/resume', init)

/** Cancel a campaign (`POST /v1/admin/campaigns/{id}/cancel`) */
export const adminCancelCampaign = (gh: Gatehouse, init: Init<operations['adminCancelCampaign']>): Promise<Success<operations['adminCancelCampaign']>> =>
  gh.call('post', '/v1/admin/campaigns/{id}/cancel', init)

/** Every client (`GET /v1/admin/clients`) */
export const adminListClients = (gh: Gatehouse, init?: Init<operations['adminListClients']>): Promise<Success<operations['adminListClients']>> =>
  gh.call('get', '/v1/admin/clients', init)

/** Register a client: a third-party app or partner that will hold admin API keys (`POST /v1/admin/clients`) */
export const adminCreateClient = (gh: Gatehouse, init: Init<operations['adminCreateClient']>): Promise<Success<operations['adminCreateClient']>> =>
  gh.call('post', '/v1/admin/clients', init)

/** A client and every key it has had (`GET /v1/admin/clients/{id}`) */
export const adminGetClient = (gh: Gatehouse, init: Init<operations['adminGetClient']>): Promise<Success<operations['adminGetClient']>> =>
  gh.call('get', '/v1/admin/clients/{id}', init)

/** Delete a client: it is disabled for good and every key it holds is revoked (`DELETE /v1/admin/clients/{id}`) */
export const adminDeleteClient = (gh: Gatehouse, init: Init<operations['adminDeleteClient']>): Promise<Success<operations['adminDeleteClient']>> =>
  gh.call('delete', '/v1/admin/clients/{id}', init)

/** Rename a client, change its owner, or disable and enable it (`PATCH /v1/admin/clients/{id}`) */
export const adminUpdateClient = (gh: Gatehouse, init: Init<operations['adminUpdateClient']>): Promise<Success<operations['adminUpdateClient']>> =>
  gh.call('patch', '/v1/admin/clients/{id}', init)

/** A client's keys (never the keys themselves) (`GET /v1/admin/clients/{id}/keys`) */
export const adminListClientKeys = (gh: Gatehouse, init: Init<operations['adminListClientKeys']>): Promise<Success<operations['adminListClientKeys']>> =>
  gh.call('get', '/v1/admin/clients/{id}/keys', init)

/** Issue an admin API key to a client (`POST /v1/admin/clients/{id}/keys`) */
export const adminIssueClientKey = (gh: Gatehouse, init: Init<operations['adminIssueClientKey']>): Promise<Success<operations['adminIssueClientKey']>> =>
  gh.call('post', '/v1/admin/clients/{id}/keys', init)

/** Revoke a key: it is refused (`DELETE /v1/admin/clients/{id}/keys/{key_id}`) */
export const adminRevokeClientKey = (gh: Gatehouse, init: Init<operations['adminRevokeClientKey']>): Promise<Success<operations['adminRevokeClientKey']>> =>
  gh.call('delete', '/v1/admin/clients/{id}/keys/{key_id}', init)

/** Change a key's expiry (counted from now) (`PATCH /v1/admin/clients/{id}/keys/{key_id}`) */
export const adminUpdateClientKey = (gh: Gatehouse, init: Init<operations['adminUpdateClientKey']>): Promise<Success<operations['adminUpdateClientKey']>> =>
  gh.call('patch', '/v1/admin/clients/{id}/keys/{key_id}', init)

/** Replace a key by a successor with the same scopes and expiry policy (`POST /v1/admin/clients/{id}/keys/{key_id}/rotate`) */
export const adminRotateClientKey = (gh: Gatehouse, init: Init<operations['adminRotateClientKey']>): Promise<Success<operations['adminRotateClientKey']>> =>
  gh.call('post', '/v1/admin/clients/{id}/keys/{key_id}/rotate', init)

/** Link a partner account to a client (or unlink it with null) (`PATCH /v1/admin/partners/{account_id}`) */
export const adminLinkPartner = (gh: Gatehouse, init: Init<operations['adminLinkPartner']>): Promise<Success<operations['adminLinkPartner']>> =>
  gh.call('patch', '/v1/admin/partners/{account_id}', init)

/** Reinstate a partner account whose access was revoked: its login opens again (`POST /v1/admin/partners/{account_id}/reinstate`) */
export const adminReinstatePartner = (gh: Gatehouse, init: Init<operations['adminReinstatePartner']>): Promise<Success<operations['adminReinstatePartner']>> =>
  gh.call('post', '/v1/admin/partners/{account_id}/reinstate', init)

/** Every external principal (API keys, partner accounts, applications) with risk flags and a recommended action (`GET /v1/admin/access-review`) */
export const adminAccessReview = (gh: Gatehouse, init?: Init<operations['adminAccessReview']>): Promise<Success<operations['adminAccessReview']>> =>
  gh.call('get', '/v1/admin/access-review', init)

/** Revoke external principals in bulk (`POST /v1/admin/access-review/revoke`) */
export const adminRevokePrincipals = (gh: Gatehouse, init: Init<operations['adminRevokePrincipals']>): Promise<Success<operations['adminRevokePrincipals']>> =>
  gh.call('post', '/v1/admin/access-review/revoke', init)

/** Rotate API keys in bulk (`POST /v1/admin/access-review/rotate`) */
export const adminRotatePrincipalKeys = (gh: Gatehouse, init: Init<operations['adminRotatePrincipalKeys']>): Promise<Success<operations['adminRotatePrincipalKeys']>> =>
  gh.call('post', '/v1/admin/access-review/rotate', init)

/** Every application, oldest first (`GET /v1/admin/oidc/clients`) */
export const adminListApplications = (gh: Gatehouse, init?: Init<operations['adminListApplications']>): Promise<Success<operations['adminListApplications']>> =>
  gh.call('get', '/v1/admin/oidc/clients', init)

/** Register an application that signs users in through Gatehouse (`POST /v1/admin/oidc/clients`) */
export const adminCreateApplication = (gh: Gatehouse, init: Init<operations['adminCreateApplication']>): Promise<Success<operations['adminCreateApplication']>> =>
  gh.call('post', '/v1/admin/oidc/clients', init)

/** An application (`GET /v1/admin/oidc/clients/{id}`) */
export const adminGetApplication = (gh: Gatehouse, init: Init<operations['adminGetApplication']>): Promise<Success<operations['adminGetApplication']>> =>
  gh.call('get', '/v1/admin/oidc/clients/{id}', init)

/** Delete an application: every grant and token it holds ends first (`DELETE /v1/admin/oidc/clients/{id}`) */
export const adminDeleteApplication = (gh: Gatehouse, init: Init<operations['adminDeleteApplication']>): Promise<Success<operations['adminDeleteApplication']>> =>
  gh.call('delete', '/v1/admin/oidc/clients/{id}', init)

/** Change an application's settings, or disable and enable it (`PATCH /v1/admin/oidc/clients/{id}`) */
export const adminUpdateApplication = (gh: Gatehouse, init: Init<operations['adminUpdateApplication']>): Promise<Success<operations['adminUpdateApplication']>> =>
  gh.call('patch', '/v1/admin/oidc/clients/{id}', init)

/** Rotate an application's secret: the new one is in this answer only, the old one stops at once (`POST /v1/admin/oidc/clients/{id}/secret`) */
export const adminRotateApplicationSecret = (gh: Gatehouse, init: Init<operations['adminRotateApplicationSecret']>): Promise<Success<operations['adminRotateApplicationSecret']>> =>
  gh.call('post', '/v1/admin/oidc/clients/{id}/secret', init)

/** Incidents, newest first (`GET /v1/admin/incidents`) */
export const adminListIncidents = (gh: Gatehouse, init?: Init<operations['adminListIncidents']>): Promise<Success<operations['adminListIncidents']>> =>
  gh.call('get', '/v1/admin/incidents', init)

/** Open an incident (`POST /v1/admin/incidents`) */
export const adminOpenIncident = (gh: Gatehouse, init: Init<operations['adminOpenIncident']>): Promise<Success<operations['adminOpenIncident']>> =>
  gh.call('post', '/v1/admin/incidents', init)

/** One incident, with its imports (`GET /v1/admin/incidents/{id}`) */
export const adminGetIncident = (gh: Gatehouse, init: Init<operations['adminGetIncident']>): Promise<Success<operations['adminGetIncident']>> =>
  gh.call('get', '/v1/admin/incidents/{id}', init)

/** Change an incident's title, summary, severity, risks or mitigations (`PATCH /v1/admin/incidents/{id}`) */
export const adminUpdateIncident = (gh: Gatehouse, init: Init<operations['adminUpdateIncident']>): Promise<Success<operations['adminUpdateIncident']>> =>
  gh.call('patch', '/v1/admin/incidents/{id}', init)

/** Close an incident (`POST /v1/admin/incidents/{id}/close`) */
export const adminCloseIncident = (gh: Gatehouse, init: Init<operations['adminCloseIncident']>): Promise<Success<operations['adminCloseIncident']>> =>
  gh.call('post', '/v1/admin/incidents/{id}/close', init)

/** The incident's timeline, oldest first (`GET /v1/admin/incidents/{id}/timeline`) */
export const adminGetIncidentTimeline = (gh: Gatehouse, init: Init<operations['adminGetIncidentTimeline']>): Promise<Success<operations['adminGetIncidentTimeline']>> =>
  gh.call('get', '/v1/admin/incidents/{id}/timeline', init)

/** One import and its counts (updated after every batch while it runs) (`GET /v1/admin/incidents/{id}/imports/{importId}`) */
export const adminGetExposureImport = (gh: Gatehouse, init: Init<operations['adminGetExposureImport']>): Promise<Success<operations['adminGetExposureImport']>> =>
  gh.call('get', '/v1/admin/incidents/{id}/imports/{importId}', init)

/** The accounts the incident exposed, and which of their fields (`GET /v1/admin/incidents/{id}/exposures`) */
export const adminListExposures = (gh: Gatehouse, init: Init<operations['adminListExposures']>): Promise<Success<operations['adminListExposures']>> =>
  gh.call('get', '/v1/admin/incidents/{id}/exposures', init)

/** The incident report: a security brief in Markdown or JSON (`GET /v1/admin/incidents/{id}/report`) */
export const adminGetIncidentReport = (gh: Gatehouse, init: Init<operations['adminGetIncidentReport']>): Promise<Success<operations['adminGetIncidentReport']>> =>
  gh.call('get', '/v1/admin/incidents/{id}/report', init)

/** Figures for the console overview: a series per bucket over the last hour or day (`GET /v1/admin/stats`) */
export const adminGetStats = (gh: Gatehouse, init?: Init<operations['adminGetStats']>): Promise<Success<operations['adminGetStats']>> =>
  gh.call('get', '/v1/admin/stats', init)

/** Account imports, newest first (`GET /v1/admin/accounts/imports`) */
export const adminListAccountImports = (gh: Gatehouse, init?: Init<operations['adminListAccountImports']>): Promise<Success<operations['adminListAccountImports']>> =>
  gh.call('get', '/v1/admin/accounts/imports', init)

/** Import accounts from another system (audit-logged as account.import) (`POST /v1/admin/accounts/imports`) */
export const adminImportAccounts = (gh: Gatehouse, init: Init<operations['adminImportAccounts']>): Promise<Success<operations['adminImportAccounts']>> =>
  gh.call('post', '/v1/admin/accounts/imports', init)

/** One account import: its status and counts (progress while it runs) (`GET /v1/admin/accounts/imports/{id}`) */
export const adminGetAccountImport = (gh: Gatehouse, init: Init<operations['adminGetAccountImport']>): Promise<Success<operations['adminGetAccountImport']>> =>
  gh.call('get', '/v1/admin/accounts/imports/{id}', init)

/** Find an account by its username, email address or verified phone number (`GET /v1/admin/accounts`) */
export const adminFindAccounts = (gh: Gatehouse, init: Init<operations['adminFindAccounts']>): Promise<Success<operations['adminFindAccounts']>> =>
  gh.call('get', '/v1/admin/accounts', init)

/** Create an account with a one-time password, shown once (audit-logged as account.create) (`POST /v1/admin/accounts`) */
export const adminCreateAccount = (gh: Gatehouse, init: Init<operations['adminCreateAccount']>): Promise<Success<operations['adminCreateAccount']>> =>
  gh.call('post', '/v1/admin/accounts', init)

/** One account: profile (contact data masked), live sessions, second factors, recent events (`GET /v1/admin/accounts/{id}`) */
export const adminGetAccount = (gh: Gatehouse, init: Init<operations['adminGetAccount']>): Promise<Success<operations['adminGetAccount']>> =>
  gh.call('get', '/v1/admin/accounts/{id}', init)

/** Delete an account and what is held about it (audit-logged as account.delete) (`DELETE /v1/admin/accounts/{id}`) */
export const adminDeleteAccount = (gh: Gatehouse, init: Init<operations['adminDeleteAccount']>): Promise<Success<operations['adminDeleteAccount']>> =>
  gh.call('delete', '/v1/admin/accounts/{id}', init)

/** Change an account's username, email, phone, role or locale (audit-logged as account.update) (`PATCH /v1/admin/accounts/{id}`) */
export const adminUpdateAccount = (gh: Gatehouse, init: Init<operations['adminUpdateAccount']>): Promise<Success<operations['adminUpdateAccount']>> =>
  gh.call('patch', '/v1/admin/accounts/{id}', init)

/** End every session of the account (audit-logged as account.sessions_revoke) (`POST /v1/admin/accounts/{id}/sessions/revoke`) */
export const adminRevokeAccountSessions = (gh: Gatehouse, init: Init<operations['adminRevokeAccountSessions']>): Promise<Success<operations['adminRevokeAccountSessions']>> =>
  gh.call('post', '/v1/admin/accounts/{id}/sessions/revoke', init)

/** Disable an account: its sessions and grants end at once (audit-logged as account.disable) (`POST /v1/admin/accounts/{id}/disable`) */
export const adminDisableAccount = (gh: Gatehouse, init: Init<operations['adminDisableAccount']>): Promise<Success<operations['adminDisableAccount']>> =>
  gh.call('post', '/v1/admin/accounts/{id}/disable', init)

/** Enable a disabled account again (audit-logged as account.enable) (`POST /v1/admin/accounts/{id}/enable`) */
export const adminEnableAccount = (gh: Gatehouse, init: Init<operations['adminEnableAccount']>): Promise<Success<operations['adminEnableAccount']>> =>
  gh.call('post', '/v1/admin/accounts/{id}/enable', init)

/** Download everything held about the signed-in account, as one JSON document (`GET /v1/me/export`) */
export const exportMyAccount = (gh: Gatehouse, init?: Init<operations['exportMyAccount']>): Promise<Success<operations['exportMyAccount']>> =>
  gh.call('get', '/v1/me/export', init)

/** Cancel a pending deletion with the mail's token: the account is restored (`POST /v1/account-deletion/cancel`) */
export const cancelAccountDeletion = (gh: Gatehouse, init: Init<operations['cancelAccountDeletion']>): Promise<Success<operations['cancelAccountDeletion']>> =>
  gh.call('post', '/v1/account-deletion/cancel', init)

/** An account's export, as GET /v1/me/export gives its holder (audit-logged as account.export) (`GET /v1/admin/accounts/{id}/export`) */
export const adminExportAccount = (gh: Gatehouse, init: Init<operations['adminExportAccount']>): Promise<Success<operations['adminExportAccount']>> =>
  gh.call('get', '/v1/admin/accounts/{id}/export', init)

/** Schedule an account's deletion after the grace period, or delete it now (audit-logged as account.deletion_schedule or account.delete) (`POST /v1/admin/accounts/{id}/deletion`) */
export const adminScheduleAccountDeletion = (gh: Gatehouse, init: Init<operations['adminScheduleAccountDeletion']>): Promise<Success<operations['adminScheduleAccountDeletion']>> =>
  gh.call('post', '/v1/admin/accounts/{id}/deletion', init)

/** Cancel an account's pending deletion (audit-logged as account.deletion_cancel) (`DELETE /v1/admin/accounts/{id}/deletion`) */
export const adminCancelAccountDeletion = (gh: Gatehouse, init: Init<operations['adminCancelAccountDeletion']>): Promise<Success<operations['adminCancelAccountDeletion']>> =>
  gh.call('delete', '/v1/admin/accounts/{id}/deletion', init)

/** Dead-lettered messages, newest first (`GET /v1/admin/outbox/dead`) */
export const adminListDeadMessages = (gh: Gatehouse, init?: Init<operations['adminListDeadMessages']>): Promise<Success<operations['adminListDeadMessages']>> =>
  gh.call('get', '/v1/admin/outbox/dead', init)

/** Send dead-lettered messages again (each gets one more try now; a code or link that expired meanwhile is closed as expired instead) (`POST /v1/admin/outbox/retry`) */
export const adminRetryDeadMessages = (gh: Gatehouse, init: Init<operations['adminRetryDeadMessages']>): Promise<Success<operations['adminRetryDeadMessages']>> =>
  gh.call('post', '/v1/admin/outbox/retry', init)

/** Ask for a password-reset message (`POST /v1/recovery`) */
export const requestRecovery = (gh: Gatehouse, init: Init<operations['requestRecovery']>): Promise<Success<operations['requestRecovery']>> =>
  gh.call('post', '/v1/recovery', init)

/** Set a new password with the token from a recovery message (`POST /v1/recovery/complete`) */
export const completeRecovery = (gh: Gatehouse, init: Init<operations['completeRecovery']>): Promise<Success<operations['completeRecovery']>> =>
  gh.call('post', '/v1/recovery/complete', init)

/** "This wasn't me": lock the account with the token from a password-change notice (`POST /v1/accounts/lock`) */
export const lockAccount = (gh: Gatehouse, init: Init<operations['lockAccount']>): Promise<Success<operations['lockAccount']>> =>
  gh.call('post', '/v1/accounts/lock', init)

/** Require a second-factor code before any reset message is sent for this account (`PUT /v1/me/reset-lock`) */
export const setResetLock = (gh: Gatehouse, init: Init<operations['setResetLock']>): Promise<Success<operations['setResetLock']>> =>
  gh.call('put', '/v1/me/reset-lock', init)

/** What the account pages show: branding, languages, password rules, and whether a return_to is followed (`GET /v1/pages/config`) */
export const getPagesConfig = (gh: Gatehouse, init?: Init<operations['getPagesConfig']>): Promise<Success<operations['getPagesConfig']>> =>
  gh.call('get', '/v1/pages/config', init)

/** Judge a new password by the service's own rules, as the pages type it (`POST /v1/passwords/check`) */
export const checkPassword = (gh: Gatehouse, init: Init<operations['checkPassword']>): Promise<Success<operations['checkPassword']>> =>
  gh.call('post', '/v1/passwords/check', init)

/** End every grant of one application, for every account (audit-logged) (`POST /v1/admin/oidc/clients/{id}/revoke-grants`) */
export const adminRevokeApplicationGrants = (gh: Gatehouse, init: Init<operations['adminRevokeApplicationGrants']>): Promise<Success<operations['adminRevokeApplicationGrants']>> =>
  gh.call('post', '/v1/admin/oidc/clients/{id}/revoke-grants', init)

/** Import a leaked data set into the incident and match it to accounts (`POST /v1/admin/incidents/{id}/imports`) */
export const adminImportExposures = (gh: Gatehouse, init: Init<operations['adminImportExposures']>): Promise<Success<operations['adminImportExposures']>> =>
  gh.call('post', '/v1/admin/incidents/{id}/imports', init)
