import { useEffect, useState } from 'react'
import { api, data } from '../api'
import { linkValue } from '../config'
import { t } from '../i18n'
import { codeOf, useAction } from '../ui/action'
import { Captcha, ChallengeProgress } from '../ui/Challenge'
import { Frame } from '../ui/Frame'
import { nav } from '../ui/nav'
import { Problems } from '../ui/Problems'
import type { ScreenProps } from './types'

/**
 * "This wasn't me": the link of a new-sign-in notice (/not-me) or of a password-change notice
 * (/lock-account). Nothing happens on opening it — a mail scanner may open links — only on the
 * button; then what was done and what comes next.
 */
export default function NotMe({ config, onLang, go, path }: ScreenProps) {
  const lock = path === '/lock-account'
  const token = linkValue('token')
  const [done, setDone] = useState(false)
  const action = useAction()

  useEffect(() => {
    if (done) document.getElementById('main')?.focus()
  }, [done])

  const confirm = async () => {
    if (!token) return
    const ok = await action.run(async () => {
      if (lock) await data(api.POST('/v1/accounts/lock', { body: { token } }))
      else await data(api.POST('/v1/sessions/not-me', { body: { token } }))
    })
    if (ok) setDone(true)
  }

  if (done)
    return (
      <Frame config={config} title={t('notme.done.title')} onLang={onLang}>
        <p className="alert ok" role="status">
          {t('notme.done.body')}
        </p>
        <h2>{t('notme.next.title')}</h2>
        <p>{t(lock ? 'notme.next.lock' : 'notme.next.notMe')}</p>
        <div className="actions">
          <a className="button" href="/forgot-password" onClick={nav(go, '/forgot-password')}>
            {t('notme.next.reset')}
          </a>
        </div>
      </Frame>
    )

  const invalid = !token || codeOf(action.error) === 'invalid_token'
  return (
    <Frame config={config} title={t(lock ? 'notme.lock.title' : 'notme.title')} onLang={onLang}>
      {invalid ? (
        <>
          <p className="alert error" role="alert">
            {t('notme.invalid')}
          </p>
          <p>
            <a href="/forgot-password" onClick={nav(go, '/forgot-password')}>
              {t('notme.next.reset')}
            </a>
          </p>
        </>
      ) : (
        <>
          <p>{t(lock ? 'notme.lock.body' : 'notme.body')}</p>
          <p>{t('notme.what')}</p>
          <Problems action={action} />
          <ChallengeProgress />
          <Captcha config={config} />
          <div className="actions">
            <button type="button" className="danger" onClick={confirm} disabled={action.blocked}>
              {t('notme.confirm')}
            </button>
            <a href="/sign-in" onClick={nav(go, '/sign-in')}>
              {t('notme.wasMe')}
            </a>
          </div>
        </>
      )}
    </Frame>
  )
}
