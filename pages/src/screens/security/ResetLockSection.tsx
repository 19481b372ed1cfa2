/*
 * The reset lock (PUT /v1/me/reset-lock): while on, no password-reset message is sent for the
 * account unless a second-factor code is given first. Whether it is on comes from the account as
 * stored (GET /v1/me), whoever set it (the holder, or an operator's campaign).
 */
import { useEffect, useId, useState } from 'react'
import { api, data } from '../../api'
import { t } from '../../i18n'
import { useAct } from './act'
import { useSecurity } from './context'
import { SecSection } from './SecSection'

export const ResetLockSection = () => {
  const { profile, refresh } = useSecurity()
  const act = useAct()
  const id = useId()
  const known = profile?.reset_lock === true
  const [on, setOn] = useState(known)
  useEffect(() => setOn(known), [known])

  // The box shows the choice at once; a refusal puts it back.
  const toggle = (enabled: boolean) => {
    setOn(enabled)
    return act.run(async () => {
      try {
        const r = await data(api.PUT('/v1/me/reset-lock', { body: { enabled } }))
        setOn(r.reset_lock)
        act.done(r.reset_lock ? t('settings.resetLock.nowOn') : t('settings.resetLock.nowOff'))
      } catch (e) {
        setOn(!enabled)
        throw e
      }
      await refresh()
    })
  }

  return (
    <SecSection id="reset-lock" title={t('settings.resetLock.title')}>
      <p id={`${id}-d`}>{t('settings.resetLock.intro')}</p>
      <label className="check" htmlFor={`${id}-on`}>
        <input
          id={`${id}-on`}
          type="checkbox"
          aria-describedby={`${id}-d`}
          checked={on}
          disabled={act.busy}
          onChange={(e) => void toggle((e.target as HTMLInputElement).checked)}
        />
        {t('settings.resetLock.label')}
      </label>
      {act.view}
    </SecSection>
  )
}
