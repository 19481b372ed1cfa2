/*
 * The strength of a new password as Gatehouse judges it (POST /v1/passwords/check, asked a moment
 * after typing stops). Where the server has no such route (404) the meter stays hidden and the
 * change itself says what is wrong.
 */
import { useEffect, useState } from 'react'
import type { Answer } from '../../../../console/src/api/types'
import { api, data, Problem } from '../../api'
import { plural, t } from '../../i18n'

type Check = Answer<'/v1/passwords/check', 'post'>

let unavailable = false

export const Strength = ({
  password,
  id,
  username,
  multiFactor,
}: {
  password: string
  id: string
  /** The account's name: a password containing it is refused. */
  username: string
  /** The account holds a TOTP factor or a passkey (a shorter password may do under some policies). */
  multiFactor: boolean
}) => {
  const [check, setCheck] = useState<Check | null>(null)
  useEffect(() => {
    if (unavailable || !password) {
      setCheck(null)
      return
    }
    const abort = new AbortController()
    const timer = setTimeout(() => {
      data(
        api.POST('/v1/passwords/check', {
          body: { password, username, multi_factor: multiFactor },
          signal: abort.signal,
        }),
      )
        .then(setCheck)
        .catch((e: unknown) => {
          if (e instanceof Problem && e.status === 404) unavailable = true
          setCheck(null)
        })
    }, 300)
    return () => {
      clearTimeout(timer)
      abort.abort()
    }
  }, [password, username, multiFactor])

  if (!check) return <div id={id} />
  const score = Math.max(0, Math.min(4, Math.round(check.score)))
  const advice =
    password.length < check.min_length
      ? plural('common.strength.tooShort', check.min_length)
      : check.acceptable
        ? t('common.strength.acceptable')
        : check.code === 'password_common'
          ? t('common.strength.common')
          : check.code === 'password_contains_identifier'
            ? t('common.strength.personal')
            : t('common.strength.notAcceptable')
  return (
    <div id={id} className="hint">
      <div className="meter" aria-hidden="true">
        {[0, 1, 2, 3, 4].map((i) => (
          <span key={i} className={i <= score ? 'on' : ''} />
        ))}
      </div>
      <p className="sec-strength" aria-live="polite">
        {t('common.strength.label')}: {t(`common.strength.${score}` as 'common.strength.0')}. {advice}
      </p>
    </div>
  )
}
