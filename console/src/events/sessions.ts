/* Sentences of the sign-in events: logins, passwords, sessions, devices, one-time codes, notices. */
import { channel, count, join, method, type Sentence, text, words, yes } from './format.js'

const LOGIN_FAILURES: Record<string, string> = {
  unknown_identifier: 'no account has that identifier',
  bad_password: 'wrong password',
  unverified: 'the email address is not verified yet',
  locked: 'the account is locked',
  reset_required: 'a password reset is required first',
  access_revoked: 'access was revoked',
}

export const sessionSentences: Record<string, Sentence> = {
  authn_login_success: (d) =>
    `Signed in ${
      d.method === 'passkey'
        ? 'with a passkey'
        : text(d.second_factor)
          ? `with the password and ${method(d.second_factor)}`
          : 'with the password'
    }`,
  authn_login_fail: (d) =>
    `Login failed: ${LOGIN_FAILURES[text(d.reason) ?? ''] ?? words(d.reason) ?? 'refused'}`,
  authn_password_rehashed: () => 'Password hash upgraded to the current parameters at login',
  authn_password_change: () => 'Password changed by the holder',
  authn_password_change_fail: (d) =>
    `Password change refused: ${d.reason === 'wrong_current_password' ? 'wrong current password' : (words(d.reason) ?? 'the new password does not meet the policy')}`,
  authn_password_change_required: () =>
    'Signed in with a password shorter than the policy now asks: it must be changed before anything else',
  session_logout: () => 'Signed out',
  session_revoked: (d) =>
    yes(d.all_but_current)
      ? `${count(d.count, 'other session') ?? 'Every other session'} ended by the holder`
      : 'A session was ended by the holder from another session',
  client_outdated: (d) =>
    `Request refused: client version ${text(d.version) ?? '(unknown)'} is below the minimum`,
  authn_passkey_login_fail: (d) =>
    `Passkey sign-in failed${text(d.reason) ? `: ${LOGIN_FAILURES[text(d.reason) ?? ''] ?? words(d.reason)}` : ''}`,
  authn_device_new: (d) =>
    join(
      '; ',
      `Signed in from a new device${yes(d.first_device) ? ' (the first of this account)' : ''}`,
      yes(d.remembered) && 'it is remembered',
    ),
  authn_device_remembered: () => 'Device remembered: logins from it skip the second factor for a while',
  authn_devices_forgotten: (d) =>
    `${count(d.count, 'remembered device') ?? 'Remembered devices'} must give the second factor again (password reset or change)`,
  authn_step_up: () => 'Right password from an unrecognised device: an emailed one-time code was asked for',
  authn_otp_sent: (d) => `One-time login code sent${channel(d.channel) ? ` by ${channel(d.channel)}` : ''}`,
  authn_otp_send_capped: (d) =>
    `One-time login code not sent${channel(d.channel) ? ` by ${channel(d.channel)}` : ''}: ${words(d.budget) ? `the ${words(d.budget)} budget` : 'a budget'} is spent`,
  authn_login_notice_queued: (d) =>
    `New-sign-in notice sent to the account's address${yes(d.place) ? ', with the place' : ''}`,
  authn_login_notice_suppressed: () =>
    'New-sign-in notice not sent: its budget for this account and address is spent',
  authn_login_not_me: () =>
    '"This wasn\'t me" used on a new-sign-in notice: sessions ended, login blocked, recovery started',
}
