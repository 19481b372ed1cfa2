/* Sentences of the integration and campaign events: webhooks, campaigns, API keys, applications. */
import {
  campaign,
  channel,
  count,
  type Details,
  duration,
  join,
  prefix,
  type Sentence,
  shortId,
  text,
  words,
} from './format.js'

/** An application (OpenID Connect client) by its name, else in general. */
const app = (d: Details) => (text(d.name) ? `Application ${text(d.name)}` : 'An application')
const ended = (d: Details) => count(d.revoked_grants, 'grant') && `${count(d.revoked_grants, 'grant')} ended`

export const integrationSentences: Record<string, Sentence> = {
  webhook_created: (d) =>
    `Webhook added${text(d.host) ? ` for ${text(d.host)}` : ''}${words(d.event_types) ? `: ${words(d.event_types)}` : ''}`,
  webhook_deleted: (d) => `Webhook${text(d.webhook_id) ? ` ${shortId(d.webhook_id)}` : ''} removed`,
  campaign_password_reset_forced: campaign('Password reset forced: sessions ended, one-time tokens killed'),
  campaign_sessions_revoked: campaign('Every session revoked'),
  campaign_mfa_enrolment_required: campaign('A second factor is now required at the next login'),
  campaign_reset_lock_set: campaign('Reset lock turned on'),
  campaign_notice_queued: (d) =>
    campaign(`Notice sent${channel(d.channel) ? ` by ${channel(d.channel)}` : ''}`)(d),
  api_key_created: (d) => `${prefix(d.prefix)} issued${text(d.scopes) ? ` (scopes ${text(d.scopes)})` : ''}`,
  api_key_revoked: (d) =>
    `${prefix(d.prefix)} revoked${d.via === 'client_deleted' ? ' with its client' : ''}`,
  api_key_rotated: (d) =>
    join(
      '; ',
      `${prefix(d.prefix)} replaced${text(d.successor_prefix) ? ` by ghk_${text(d.successor_prefix)}…` : ''}`,
      duration(d.overlap_seconds) && `the old key works ${duration(d.overlap_seconds)} more`,
    ),
  api_key_refused: (d) => `${prefix(d.prefix)} refused${text(d.reason) ? `: ${words(d.reason)}` : ''}`,
  oidc_client_created: (d) =>
    join(
      '; ',
      `${app(d)} registered${d.public === true ? ' (public client)' : d.public === false ? ' (confidential client)' : ''}`,
      words(d.scopes) && `scopes ${words(d.scopes)}`,
    ),
  oidc_client_changed: (d) => `${app(d)} changed${words(d.fields) ? `: ${words(d.fields)}` : ''}`,
  oidc_client_secret_rotated: (d) => `${app(d)} got a new secret; the old one stopped at once`,
  oidc_client_disabled: (d) => join('; ', `${app(d)} disabled`, ended(d)),
  oidc_client_enabled: (d) => `${app(d)} enabled again`,
  oidc_client_deleted: (d) => join('; ', `${app(d)} deleted`, ended(d)),
}
