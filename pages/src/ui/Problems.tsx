import { type ReactNode, useEffect, useRef } from 'react'
import { Problem } from '../api'
import { type Key, plural, t } from '../i18n'
import type { Action } from './action'

/** The words of each problem code the pages can meet; anything else is said generally. */
const WORDS: Record<string, Key> = {
  network: 'common.error.network',
  invalid_request: 'common.error.invalid',
  invalid_credentials: 'signin.problem.invalid_credentials',
  invalid_code: 'signin.problem.invalid_code',
  code_already_used: 'signin.problem.code_already_used',
  email_unverified: 'signin.problem.email_unverified',
  password_reset_required: 'signin.problem.password_reset_required',
  webauthn_failed: 'signin.problem.webauthn_failed',
  passkey_cancelled: 'signin.problem.passkey_cancelled',
  invalid_token: 'signin.problem.invalid_token',
  username_taken: 'signup.problem.username_taken',
  invalid_username: 'signup.problem.invalid_username',
  invalid_email: 'signup.problem.invalid_email',
  invalid_phone: 'signup.problem.invalid_phone',
  phone_taken: 'signup.problem.phone_taken',
  password_too_short: 'signup.problem.password_too_short',
  password_too_long: 'signup.problem.password_too_long',
  password_invalid_characters: 'signup.problem.password_invalid_characters',
  password_common: 'common.strength.common',
  password_contains_identifier: 'common.strength.personal',
  password_too_weak: 'common.strength.notAcceptable',
  password_reused: 'recovery.problem.password_reused',
  mfa_required: 'recovery.problem.mfa_required',
  rate_limited: 'common.wait.unknown',
  challenge_required: 'common.wait.unknown',
  challenge_cancelled: 'common.challenge.cancelled',
  cross_site_request: 'common.error.unexpected',
}

/** The words for a failure: by its code, from the catalogs — never the server's English. */
export const problemText = (e: unknown, own: Record<string, Key> = {}): string => {
  if (e instanceof Problem) {
    const key = (e.code && (own[e.code] ?? WORDS[e.code])) || null
    if (key) return t(key)
    if (e.status === 429) return t('common.wait.unknown')
    if (e.status === 400 || e.status === 422) return t('common.error.invalid')
    return t('common.error.unexpected')
  }
  if (e instanceof Error && e.name === 'NotAllowedError') return t('signin.problem.passkey_cancelled')
  return t('common.error.unexpected')
}

/**
 * Where a screen says what went wrong: an alert that takes the focus (so that it is read at once),
 * or, for a `429` with `Retry-After`, the wait counted down — a pause to sit out, not an error.
 * `own` gives a screen's own words for some codes; `children` adds what to do next.
 */
export const Problems = ({
  action,
  own,
  children,
}: {
  action: Action
  own?: Record<string, Key>
  children?: ReactNode
}) => {
  const box = useRef<HTMLDivElement>(null)
  const { error, waitLeft } = action
  useEffect(() => {
    if (error) box.current?.focus()
  }, [error])
  if (!error) return null
  if (
    error instanceof Problem &&
    error.status === 429 &&
    error.retryAfter !== null &&
    error.code !== 'challenge_required'
  )
    return (
      <div className="alert wait" ref={box} tabIndex={-1} data-testid="wait">
        <p role="status">
          <strong>{t('common.wait.title')}</strong>
        </p>
        {waitLeft > 0 ? (
          <p role="timer">{plural('common.wait', waitLeft)}</p>
        ) : (
          <p role="status">{t('signin.wait.over')}</p>
        )}
      </div>
    )
  return (
    <div className="alert error" role="alert" ref={box} tabIndex={-1} data-testid="problem">
      <p>{problemText(error, own)}</p>
      {children}
    </div>
  )
}
