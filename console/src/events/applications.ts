/* Sentences of the OpenID Connect events: applications signing people in, grants and their ends. */
import { num, type Sentence, text, words } from './format.js'

export const applicationSentences: Record<string, Sentence> = {
  oidc_login: (d) =>
    `Signed in to an application${text(d.client_id) ? ` (${text(d.client_id)})` : ''}${text(d.acr) ? ` at level ${text(d.acr)}` : ''}`,
  oidc_consent_given: (d) =>
    `Allowed an application${text(d.client_id) ? ` (${text(d.client_id)})` : ''}${words(d.scopes) ? `: ${words(d.scopes)}` : ''}`,
  oidc_consent_denied: (d) => `Declined an application${text(d.client_id) ? ` (${text(d.client_id)})` : ''}`,
  oidc_token_reuse: (d) =>
    `A used ${d.kind === 'code' ? 'authorization code' : 'refresh token'} was presented again${text(d.client_id) ? ` by ${text(d.client_id)}` : ''}: the application's access was revoked`,
  oidc_grants_revoked: (d) =>
    `Access of ${num(d.grants) ?? 'every'} application grant(s) ended${words(d.reason) ? ` (${words(d.reason)})` : ''}`,
  oidc_client_grants_revoked: (d) =>
    `Every grant of application ${text(d.client_id) ?? ''} ended${num(d.grants) !== null ? ` (${d.grants})` : ''}`,
  oidc_client_auth_fail: (d) =>
    `An application failed to authenticate${text(d.client_id) ? ` as ${text(d.client_id)}` : ''}${text(d.endpoint) ? ` at ${text(d.endpoint)}` : ''}`,
  oidc_backchannel_logout_failed: (d) =>
    `An application could not be told of a sign-out${text(d.client_id) ? ` (${text(d.client_id)})` : ''}`,
}
