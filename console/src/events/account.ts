/* Sentences of the account events: registration, email and phone, roles, access. */
import { count, join, num, type Sentence, text, words, yes } from './format.js'

/** Who acted, in words: a staff member's session, an API key or the command line. */
const byWhom = (by: unknown): string => {
  const actor = text(by) ?? ''
  if (actor === 'holder') return 'the account holder'
  if (actor.startsWith('account:')) return 'a staff member'
  if (actor.startsWith('api_key:')) return 'an API key'
  return actor === 'cli' ? 'the command line' : 'staff'
}

export const accountSentences: Record<string, Sentence> = {
  account_created: () => 'Account registered; the email address is not verified yet',
  account_signup_existing_email: () =>
    "Someone tried to sign up with this account's email address; the owner was told",
  account_email_verified: () => 'Email address verified by the holder',
  account_verification_resend: (d) =>
    d.outcome === 'sent'
      ? 'A new verification mail was asked for and sent'
      : d.outcome === 'capped'
        ? 'A new verification mail was asked for — not sent: the resend limit was reached'
        : 'A new verification mail was asked for — nothing sent (unknown or already verified address)',
  account_phone_changed: (d) =>
    join(
      '; ',
      'Phone number set, unverified until its code is entered',
      yes(d.had_verified_phone) && 'it replaced a verified number',
      yes(d.notice_queued) && 'a notice went to the old number',
      d.code_queued === false && 'the code could not be sent',
    ),
  account_phone_verified: () =>
    'Phone number verified: it now identifies the account for login and SMS recovery',
  account_phone_verify_fail: (d) =>
    `Phone verification failed: ${
      d.reason === 'wrong_code'
        ? `wrong code${num(d.attempts) !== null ? ` (attempt ${d.attempts} of 5)` : ''}`
        : d.reason === 'no_code'
          ? 'no code was pending'
          : d.reason === 'phone_taken'
            ? 'the number is verified on another account'
            : (words(d.reason) ?? 'the code did not match')
    }`,
  account_phone_removed: (d) =>
    `Phone number removed${d.was_verified === undefined ? '' : d.was_verified ? ' (it was verified)' : ' (it was never verified)'}`,
  account_locale_changed: (d) =>
    `Language of mails and texts set to ${typeof d.to === 'string' ? d.to : 'another language'}${typeof d.from === 'string' ? ` (was ${d.from})` : ''}`,
  account_unverified_deleted: (d) =>
    `${count(d.count, 'account') ?? 'Accounts'} whose email was never verified removed after the retention period`,
  account_locked: () => '"This wasn\'t me" link used: sessions ended, login blocked until recovery',
  account_email_change_requested: (d) =>
    d.outcome === 'address_in_use'
      ? 'Email change requested to an address another account holds: no link was sent, its owner was told'
      : 'Email change requested: a link went to the new address and a notice to the old one',
  account_email_changed: () => 'Email address changed through its link; the old address was told',
  account_password_reset_by_operator: (d) =>
    join(
      '; ',
      'Password reset by an operator: a one-time password to change at the next login',
      count(d.revoked_sessions, 'session') && `${count(d.revoked_sessions, 'session')} ended`,
    ),
  account_role_changed: (d) =>
    `Role changed from ${text(d.from) ?? '(unknown)'} to ${text(d.to) ?? '(unknown)'}`,
  account_access_revoked: (d) =>
    join(
      '; ',
      'Access revoked by an administrator: login locked until reinstated',
      count(d.revoked_sessions, 'session') && `${count(d.revoked_sessions, 'session')} ended`,
    ),
  account_access_reinstated: () => 'Access reinstated by an administrator: login is open again',
  account_created_by_staff: (d) =>
    join(
      '; ',
      `Account created by ${byWhom(d.by)} with a one-time password`,
      text(d.role) && `role ${text(d.role)}`,
    ),
  account_changed_by_staff: (d) =>
    join(
      '; ',
      `Profile changed by ${byWhom(d.by)}`,
      Array.isArray(d.fields) && d.fields.length > 0 && `fields: ${d.fields.map(String).join(', ')}`,
    ),
  account_disabled: (d) =>
    join(
      '; ',
      `Disabled by ${byWhom(d.by)}: a right password answers like a required reset until enabled`,
      count(d.revoked_sessions, 'session') && `${count(d.revoked_sessions, 'session')} ended`,
    ),
  account_enabled: (d) => `Enabled again by ${byWhom(d.by)}`,
  account_deleted: (d) =>
    join(
      '; ',
      `Account ${text(d.account_id) ?? ''} deleted by ${byWhom(d.by)}`,
      text(d.role) && `role ${text(d.role)}`,
    ),
  account_data_exported: (d) => `Everything held about the account exported by ${byWhom(d.by)}`,
  account_deletion_scheduled: (d) =>
    join(
      '; ',
      `Deletion scheduled by ${byWhom(d.by)}${text(d.due_at) ? ` for ${text(d.due_at)}` : ''}: closed until then`,
      count(d.revoked_sessions, 'session') && `${count(d.revoked_sessions, 'session')} ended`,
    ),
  account_deletion_cancelled: (d) => `Pending deletion cancelled by ${byWhom(d.by)}: the account is restored`,
}
