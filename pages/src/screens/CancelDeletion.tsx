import { useEffect, useState } from 'react'
import { api, data } from '../api'
import { linkValue } from '../config'
import { t } from '../i18n'
import { codeOf, useAction } from '../ui/action'
import { Frame } from '../ui/Frame'
import { nav } from '../ui/nav'
import { Problems } from '../ui/Problems'
import type { ScreenProps } from './types'

/**
 * The link of the mail a deletion request sends (/cancel-deletion): nothing happens on opening it
 * — a mail scanner may open links — only on the button, which keeps the account.
 */
export default function CancelDeletion({ config, onLang, go }: ScreenProps) {
  const token = linkValue('token')
  const [done, setDone] = useState(false)
  const action = useAction()

  useEffect(() => {
    if (done) document.getElementById('main')?.focus()
  }, [done])

  const confirm = async () => {
    if (!token) return
    const ok = await action.run(async () => {
      await data(api.POST('/v1/account-deletion/cancel', { body: { token } }))
    })
    if (ok) setDone(true)
  }

  if (done)
    return (
      <Frame config={config} title={t('deletion.done.title')} onLang={onLang}>
        <p className="alert ok" role="status">
          {t('deletion.done.body')}
        </p>
        <div className="actions">
          <a className="button" href="/sign-in" onClick={nav(go, '/sign-in')}>
            {t('common.signIn')}
          </a>
        </div>
      </Frame>
    )

  const invalid = !token || codeOf(action.error) === 'invalid_token'
  return (
    <Frame config={config} title={t('deletion.title')} onLang={onLang}>
      {invalid ? (
        <p className="alert error" role="alert">
          {t('deletion.invalid')}
        </p>
      ) : (
        <>
          <p>{t('deletion.body')}</p>
          <Problems action={action} />
          <div className="actions">
            <button type="button" onClick={confirm} disabled={action.blocked}>
              {t('deletion.confirm')}
            </button>
          </div>
        </>
      )}
    </Frame>
  )
}
