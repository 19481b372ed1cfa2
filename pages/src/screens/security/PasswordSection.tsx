/*
 * Change the password (POST /v1/me/password): the current one and the new one, with the server's
 * strength meter. Every other session of the account ends; the answer says how many.
 */
import { type FormEvent, useId, useState } from 'react'
import { api, data } from '../../api'
import { plural, t } from '../../i18n'
import { useAct } from './act'
import { useSecurity } from './context'
import { SecSection } from './SecSection'
import { Strength } from './Strength'

export const PasswordSection = () => {
  const { refresh, config, account, mfa } = useSecurity()
  const multiFactor = mfa.factors.some(
    (f) => f.status === 'active' && (f.kind === 'totp' || f.kind === 'webauthn'),
  )
  const act = useAct()
  const id = useId()
  const [current, setCurrent] = useState('')
  const [next, setNext] = useState('')
  const [shown, setShown] = useState(false)

  const submit = (e: FormEvent) => {
    e.preventDefault()
    void act.run(async () => {
      const r = await data(
        api.POST('/v1/me/password', { body: { current_password: current, new_password: next } }),
      )
      setCurrent('')
      setNext('')
      act.done(
        r.revoked_sessions > 0
          ? plural('settings.password.doneRevoked', r.revoked_sessions)
          : t('settings.password.done'),
      )
      await refresh()
    })
  }

  return (
    <SecSection id="password" title={t('settings.password.title')}>
      <p>{t('settings.password.intro')}</p>
      <form onSubmit={submit}>
        <div>
          <label htmlFor={`${id}-cur`}>{t('settings.password.current')}</label>
          <input
            id={`${id}-cur`}
            type={shown ? 'text' : 'password'}
            autoComplete="current-password"
            required
            value={current}
            onChange={(e) => setCurrent((e.target as HTMLInputElement).value)}
          />
        </div>
        <div>
          <label htmlFor={`${id}-new`}>{t('settings.password.new')}</label>
          <input
            id={`${id}-new`}
            type={shown ? 'text' : 'password'}
            autoComplete="new-password"
            required
            maxLength={config.password.max_length}
            aria-describedby={`${id}-rule ${id}-meter`}
            value={next}
            onChange={(e) => setNext((e.target as HTMLInputElement).value)}
          />
          <p className="hint" id={`${id}-rule`}>
            {plural('settings.password.rule', config.password.min_length)}
          </p>
          <Strength
            password={next}
            id={`${id}-meter`}
            username={account.username}
            multiFactor={multiFactor}
          />
        </div>
        <label className="check" htmlFor={`${id}-show`}>
          <input
            id={`${id}-show`}
            type="checkbox"
            checked={shown}
            onChange={(e) => setShown((e.target as HTMLInputElement).checked)}
          />
          {t('common.showPassword')}
        </label>
        <div className="actions">
          <button type="submit" disabled={act.busy}>
            {t('settings.password.submit')}
          </button>
        </div>
      </form>
      {act.view}
    </SecSection>
  )
}
