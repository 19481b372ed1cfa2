/*
 * The reset lock (PUT /v1/me/reset-lock): while on, no password-reset message is sent for the
 * account unless a second-factor code is given first. The API does not answer whether it is on,
 * so the section reads it from the newest change in the account's history (off when there is none,
 * as every account starts).
 */
import { useEffect, useId, useState } from 'react'
import { api, data } from '../../api'
import { t } from '../../i18n'
import { useAct } from './act'
import { type SecurityEvent, useSecurity } from './context'
import { SecSection } from './SecSection'

export const resetLockOf = (events: SecurityEvent[]): boolean => {
  for (const e of events) {
    if (e.type === 'recovery.reset_lock_changed') return e.details.enabled === true
    if (e.type === 'campaign_reset_lock_set') return true
  }
  return false
}

export const ResetLockSection = () => {
  const { events, refresh } = useSecurity()
  const act = useAct()
  const id = useId()
  const known = resetLockOf(events)
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
