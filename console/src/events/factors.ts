/* Sentences of the second-factor events: enrolment, codes, recovery codes, passkeys, re-authentication. */
import { count, join, method, num, paren, type Sentence, text, words } from './format.js'

export const factorSentences: Record<string, Sentence> = {
  authn_mfa_fail: (d) =>
    d.reason === 'account_limit'
      ? "Second-factor code refused: the account's attempt budget is spent"
      : `Wrong second-factor code${text(d.during) ? ` at ${words(d.during)}` : ''}${paren(join(', ', method(d.method), num(d.attempts) !== null && `attempt ${d.attempts}`))}`,
  authn_mfa_enabled: (d) =>
    `Second factor added: ${method(d.method) ?? 'a new factor'}${num(d.replaced_factors) ? ` (replacing ${count(d.replaced_factors, 'factor')})` : ''}`,
  authn_mfa_challenge: (d) =>
    `Right password; a second factor was asked for${method(d.methods) ? ` (${method(d.methods)})` : ''}`,
  authn_recovery_code_used: (d) =>
    `A recovery code was used in place of the second factor${num(d.remaining) !== null ? `; ${d.remaining} left` : ''}`,
  authn_recovery_codes_regenerated: () => 'New recovery codes replaced the old ones',
  authn_reauth_fail: (d) =>
    d.reason === 'account_limit'
      ? "Re-authentication refused: the account's budget of tries is spent. Nothing changed"
      : `Re-authentication failed${method(d.method) ? ` with ${method(d.method)}` : ''}. Nothing changed`,
  authn_reauth: (d) =>
    `Re-authenticated${method(d.method) ? ` with ${method(d.method)}` : ''} before a sensitive change`,
  authn_mfa_removed: (d) =>
    `Second factor removed: ${method(d.method) ?? 'a factor'}${num(d.remaining) !== null ? `; ${d.remaining} left` : ''}`,
  authn_mfa_enrolment_required: (d) =>
    `Signed in without the second factor ${text(d.role) ? `the ${text(d.role)} role` : 'the role'} requires: the session may only enrol one`,
  authn_webauthn_fail: (d) =>
    `Passkey ${d.during === 'register' ? 'registration' : 'sign-in'} did not verify${text(d.reason) ? `: ${text(d.reason)}` : ''}. Nothing changed`,
  authn_webauthn_counter_regressed: (d) =>
    `Passkey refused: its signature counter went back${num(d.stored) !== null && num(d.presented) !== null ? ` (stored ${d.stored}, presented ${d.presented})` : ''} — a cloned authenticator or a replay`,
  authn_mfa_skipped_remembered: () =>
    'Second factor skipped on a remembered device (the password was checked)',
}
