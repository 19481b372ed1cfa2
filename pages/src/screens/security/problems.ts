/*
 * What a failed request means to the person at the keyboard: a sentence of the settings catalog for
 * the answers the settings meet, the common ones for the rest.
 */
import { Problem } from '../../api'
import { type Key, plural, t } from '../../i18n'

const BY_CODE: Record<string, Key> = {
  invalid_credentials: 'settings.error.wrongPassword',
  invalid_code: 'settings.error.wrongCode',
  code_already_used: 'settings.error.codeUsed',
  invalid_email: 'settings.error.invalidEmail',
  invalid_phone: 'settings.error.invalidPhone',
  phone_taken: 'settings.error.phoneTaken',
  password_too_short: 'settings.error.passwordTooShort',
  password_too_long: 'settings.error.passwordTooLong',
  password_invalid_characters: 'settings.error.passwordCharacters',
  password_common: 'common.strength.common',
  password_contains_identifier: 'common.strength.personal',
  password_too_weak: 'common.strength.notAcceptable',
  password_reused: 'settings.error.passwordReused',
  second_factor_required: 'settings.error.secondFactorRequired',
  factor_not_found: 'settings.error.gone',
  session_not_found: 'settings.error.gone',
  webauthn_failed: 'settings.error.passkeyFailed',
  mfa_enrolment_required: 'settings.error.enrolFirst',
  password_change_required: 'settings.error.changePasswordFirst',
  challenge_cancelled: 'common.challenge.cancelled',
}

/** The sentence for a failure thrown by the API client (or by the browser's passkey prompt). */
export const problemText = (e: unknown): string => {
  if (e instanceof Problem) {
    if (e.status === 0 && e.code === 'network') return t('common.error.network')
    const key = e.code ? BY_CODE[e.code] : undefined
    if (key) return t(key)
    if (e.status === 429)
      return e.retryAfter !== null ? plural('common.wait', e.retryAfter) : t('common.wait.unknown')
    if (e.status === 400) return t('common.error.invalid')
    return t('common.error.unexpected')
  }
  // The browser's passkey prompt was closed or timed out (NotAllowedError), or is not supported.
  if (e instanceof Error && /NotAllowed|Abort|Timeout/i.test(`${e.name} ${e.message}`))
    return t('settings.error.passkeyCancelled')
  return t('common.error.unexpected')
}

/** Whether the failure asks for a fresh proof of identity (`401 reauth_required`). */
export const needsReauth = (e: unknown): boolean =>
  e instanceof Problem && e.status === 401 && e.code === 'reauth_required'

/** Whether the session is gone (signed out elsewhere, expired). */
export const signedOut = (e: unknown): boolean =>
  e instanceof Problem && e.status === 401 && e.code === 'unauthenticated'
