/* Sentences of the recovery events: password resets, suppressed requests, the reset lock. */
import { channel, count, type Details, join, num, paren, type Sentence, text, words } from './format.js'

const SUPPRESSIONS: Record<string, (d: Details) => string> = {
  cap: (d) => `the outbound budget${paren(words(d.budget))} is spent`,
  recent_token: () => 'a recovery link sent moments ago is still valid',
  reset_lock: () => 'the reset lock asks for a second-factor code first',
  staff: () => 'a staff account without a TOTP factor or passkey is reset only by an operator',
}

export const recoverySentences: Record<string, Sentence> = {
  authn_password_reset_requested: (d) =>
    `Password reset requested — a link was sent${channel(d.channel) ? ` by ${channel(d.channel)}` : ''}`,
  'recovery.suppressed': (d) =>
    `Password reset requested${channel(d.channel) ? ` by ${channel(d.channel)}` : ''} — suppressed: ${
      SUPPRESSIONS[text(d.reason) ?? '']?.(d) ?? words(d.reason) ?? 'refused'
    }. Nothing was sent`,
  authn_password_reset_completed: (d) =>
    join(
      '; ',
      'Password reset with a recovery link',
      count(d.revoked_sessions, 'session') && `${count(d.revoked_sessions, 'session')} ended`,
      text(d.notified) && `${text(d.notified)} told`,
    ),
  'recovery.reset_lock_changed': (d) =>
    `Reset lock turned ${d.enabled === false ? 'off' : 'on'}${text(d.by) ? ` by the ${words(d.by)}` : ''}${num(d.accounts) !== null ? ` for ${count(d.accounts, 'account')}` : ''}`,
}
