/*
 * Where the account is signed in (GET /v1/sessions): each session's device, address and times;
 * revoke one (DELETE /v1/sessions/{id}), every other one (DELETE /v1/sessions), or sign out here
 * (DELETE /v1/sessions/current).
 */
import { useCallback, useEffect, useState } from 'react'
import type { Answer } from '../../../../console/src/api/types'
import { api, data } from '../../api'
import { dateTime, plural, t } from '../../i18n'
import { useAct } from './act'
import { useSecurity } from './context'
import { deviceName } from './device'
import { focusHeading, SecSection } from './SecSection'

type Session = Answer<'/v1/sessions'>['sessions'][number]

export const SessionsSection = () => {
  const { refresh, signedOut } = useSecurity()
  const act = useAct()
  const [sessions, setSessions] = useState<Session[] | null>(null)

  const load = useCallback(async () => {
    setSessions((await data(api.GET('/v1/sessions'))).sessions)
  }, [])
  // biome-ignore lint/correctness/useExhaustiveDependencies: read once when the section opens
  useEffect(() => {
    void act.run(load)
  }, [])

  const revoke = (s: Session) =>
    act.run(async () => {
      await api.DELETE('/v1/sessions/{id}', { params: { path: { id: s.id } } })
      act.done(t('settings.sessions.revoked', { device: deviceName(s.device) }))
      focusHeading('sessions')
      await load()
      await refresh()
    })
  const revokeOthers = () =>
    act.run(async () => {
      const r = await data(api.DELETE('/v1/sessions'))
      act.done(plural('settings.sessions.revokedOthers', r.revoked))
      await load()
      await refresh()
    })
  const signOut = () =>
    act.run(async () => {
      await api.DELETE('/v1/sessions/current')
      signedOut()
    })

  const others = sessions?.filter((s) => !s.current) ?? []
  return (
    <SecSection id="sessions" title={t('settings.sessions.title')}>
      <p>{t('settings.sessions.intro')}</p>
      {sessions && (
        <ul className="list" aria-label={t('settings.sessions.title')}>
          {[...sessions]
            .sort((a, b) => Number(b.current) - Number(a.current))
            .map((s) => (
              <li key={s.id} className="sec-session">
                <span>
                  <strong>{deviceName(s.device)}</strong>
                  {s.current && <span className="sec-badge">{t('settings.sessions.thisDevice')}</span>}
                  <br />
                  <span className="hint">
                    {s.ip ? `${s.ip} · ` : ''}
                    {t('settings.sessions.since', { date: dateTime(s.created_at) })} ·{' '}
                    {t('settings.sessions.lastSeen', { date: dateTime(s.last_seen_at) })}
                  </span>
                </span>
                {!s.current && (
                  <button
                    type="button"
                    className="secondary"
                    disabled={act.busy}
                    aria-label={t('settings.sessions.revokeNamed', {
                      device: deviceName(s.device),
                      date: dateTime(s.created_at),
                    })}
                    onClick={() => void revoke(s)}
                  >
                    {t('settings.sessions.revoke')}
                  </button>
                )}
              </li>
            ))}
        </ul>
      )}
      <div className="actions">
        {others.length > 0 && (
          <button type="button" className="secondary" disabled={act.busy} onClick={() => void revokeOthers()}>
            {t('settings.sessions.revokeOthers')}
          </button>
        )}
        <button type="button" className="secondary" disabled={act.busy} onClick={() => void signOut()}>
          {t('settings.sessions.signOutHere')}
        </button>
      </div>
      {act.view}
    </SecSection>
  )
}
