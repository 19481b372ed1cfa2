import { useEffect, useState } from 'react'
import { api, data, Problem } from '../api'
import { type Key, plural, t } from '../i18n'

/** The server's judgement of a password (POST /v1/passwords/check). */
export interface PasswordCheck {
  acceptable: boolean
  code: string | null
  score: number
  min_length: number
}

const CODE_WORDS: Record<string, Key> = {
  password_too_long: 'signup.problem.password_too_long',
  password_invalid_characters: 'signup.problem.password_invalid_characters',
  password_common: 'common.strength.common',
  password_contains_identifier: 'common.strength.personal',
  password_too_weak: 'common.strength.notAcceptable',
}

/** What to say of a check: why it is refused, or that it will do. */
export const checkText = (c: PasswordCheck): string => {
  if (c.acceptable) return t('common.strength.acceptable')
  if (c.code === 'password_too_short') return plural('common.strength.tooShort', c.min_length)
  return t((c.code && CODE_WORDS[c.code]) || 'common.strength.notAcceptable')
}

/**
 * The password's strength as the server judges it, asked ~300 ms after the last keystroke, so the
 * rules shown are the service's own. While the server cannot tell (rate-limited, unreachable),
 * the minimum length is shown as a hint.
 */
export const useStrength = (
  password: string,
  who: { username?: string; email?: string },
  minLength: number,
) => {
  const [check, setCheck] = useState<PasswordCheck | null>(null)
  const [unknown, setUnknown] = useState(false)
  const { username, email } = who
  useEffect(() => {
    if (!password) {
      setCheck(null)
      return
    }
    const abort = new AbortController()
    const id = setTimeout(() => {
      data(
        api.POST('/v1/passwords/check', {
          body: { password, ...(username ? { username } : {}), ...(email ? { email } : {}) },
          signal: abort.signal,
        }),
      )
        .then((c) => {
          setCheck(c)
          setUnknown(false)
        })
        .catch((e: unknown) => {
          if (e instanceof Problem || !(e instanceof DOMException)) setUnknown(true)
        })
    }, 300)
    return () => {
      clearTimeout(id)
      abort.abort()
    }
  }, [password, username, email])
  return {
    check: password ? check : null,
    hint: unknown || !check ? plural('common.strength.tooShort', minLength) : null,
  }
}

/** Four bars and the words of a check; the words are announced politely as they change. */
export const StrengthMeter = ({ id, check }: { id: string; check: PasswordCheck | null }) => (
  <div className="strength" data-testid="strength">
    {check && (
      <div className="meter" aria-hidden="true">
        {[1, 2, 3, 4].map((i) => (
          <span key={i} className={check.score >= i ? 'on' : ''} />
        ))}
      </div>
    )}
    <p className="hint" id={id} aria-live="polite">
      {check
        ? `${t('common.strength.label')}: ${t(`common.strength.${Math.max(0, Math.min(4, check.score))}` as Key)}. ${checkText(check)}`
        : ''}
    </p>
  </div>
)
