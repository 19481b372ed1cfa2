/*
 * Change the email address (POST /v1/me/email, after a fresh proof of identity): a link goes to
 * the new address and a notice to the current one; the change happens when the link is opened.
 */
import { type FormEvent, useId, useState } from 'react'
import { api, data } from '../../api'
import { t } from '../../i18n'
import { useAct } from './act'
import { useSecurity } from './context'
import { SecSection } from './SecSection'

export const EmailSection = () => {
  const { profile } = useSecurity()
  const act = useAct()
  const id = useId()
  const [email, setEmail] = useState('')

  const submit = (e: FormEvent) => {
    e.preventDefault()
    const address = email.trim()
    void act.run(async () => {
      await data(api.POST('/v1/me/email', { body: { email: address } }))
      setEmail('')
      act.done(t('settings.email.sent', { email: address }))
    })
  }

  return (
    <SecSection id="email" title={t('settings.email.title')}>
      {profile && <p>{t('settings.email.current', { email: profile.email })}</p>}
      <p>{t('settings.email.intro')}</p>
      <form onSubmit={submit}>
        <div>
          <label htmlFor={`${id}-email`}>{t('settings.email.new')}</label>
          <input
            id={`${id}-email`}
            type="email"
            autoComplete="email"
            inputMode="email"
            required
            maxLength={320}
            value={email}
            onChange={(e) => setEmail((e.target as HTMLInputElement).value)}
          />
        </div>
        <div className="actions">
          <button type="submit" disabled={act.busy}>
            {t('settings.email.submit')}
          </button>
        </div>
      </form>
      {act.view}
    </SecSection>
  )
}
