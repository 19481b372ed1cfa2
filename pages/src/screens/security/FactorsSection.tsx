/*
 * The account's second factors (GET /v1/mfa), each removable (DELETE /v1/mfa/factors/{id}, after a
 * fresh proof of identity); one-time codes by email or SMS as a factor (POST /v1/mfa/email,
 * /v1/mfa/sms); and the recovery codes: how many are left, and a new set (POST
 * /v1/mfa/recovery-codes), which makes the old one stop working.
 */
import { useState } from 'react'
import { api, data } from '../../api'
import { dateTime, plural, t } from '../../i18n'
import { useAct } from './act'
import { type Factor, useSecurity } from './context'
import { RecoveryCodes } from './RecoveryCodes'
import { focusHeading, SecSection } from './SecSection'

/** A factor's name in words: its kind, and a passkey's own name. */
export const factorName = (f: Factor): string => {
  switch (f.kind) {
    case 'totp':
      return t('settings.factors.kind.totp')
    case 'webauthn':
      return f.name
        ? t('settings.factors.kind.passkeyNamed', { name: f.name })
        : t('settings.factors.kind.passkey')
    case 'email':
      return t('settings.factors.kind.email')
    case 'sms':
      return t('settings.factors.kind.sms')
    default:
      return f.kind
  }
}

export const FactorsSection = () => {
  const { mfa, config, refresh } = useSecurity()
  const act = useAct()
  const [codes, setCodes] = useState<string[] | null>(null)
  const [confirming, setConfirming] = useState<string | null>(null)
  const has = (kind: string) => mfa.factors.some((f) => f.kind === kind && f.status === 'active')
  const active = mfa.factors.filter((f) => f.status === 'active')

  const remove = (f: Factor) =>
    act.run(async () => {
      await api.DELETE('/v1/mfa/factors/{id}', { params: { path: { id: f.id } } })
      setConfirming(null)
      await refresh()
      act.done(t('settings.factors.removed', { name: factorName(f) }))
      focusHeading('factors')
    })
  const enable = (channel: 'email' | 'sms') =>
    act.run(async () => {
      const r = await data(api.POST(channel === 'email' ? '/v1/mfa/email' : '/v1/mfa/sms'))
      act.done(t(channel === 'email' ? 'settings.factors.emailOn' : 'settings.factors.smsOn'))
      if (r.recovery_codes) setCodes(r.recovery_codes)
      await refresh()
    })
  const regenerate = () =>
    act.run(async () => {
      const r = await data(api.POST('/v1/mfa/recovery-codes', { body: {} }))
      setCodes(r.recovery_codes)
      act.done(t('settings.codes.replaced'))
      await refresh()
    })

  return (
    <SecSection id="factors" title={t('settings.factors.title')}>
      <p>{t('settings.factors.intro')}</p>
      {active.length === 0 ? (
        <p>{t('settings.factors.none')}</p>
      ) : (
        <ul className="list" aria-label={t('settings.factors.title')}>
          {active.map((f) => (
            <li key={f.id}>
              <span>
                <strong>{factorName(f)}</strong>
                <br />
                <span className="hint">{t('settings.factors.added', { date: dateTime(f.created_at) })}</span>
              </span>
              {confirming === f.id ? (
                <span className="actions">
                  <button type="button" className="danger" disabled={act.busy} onClick={() => void remove(f)}>
                    {t('settings.factors.removeConfirm', { name: factorName(f) })}
                  </button>
                  <button type="button" className="secondary" onClick={() => setConfirming(null)}>
                    {t('common.cancel')}
                  </button>
                </span>
              ) : (
                <button
                  type="button"
                  className="secondary"
                  aria-label={t('settings.factors.removeNamed', { name: factorName(f) })}
                  onClick={() => setConfirming(f.id)}
                >
                  {t('settings.factors.remove')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {(!has('email') || (config.sms && !has('sms'))) && (
        <>
          <h3>{t('settings.factors.codesTitle')}</h3>
          <p>{t('settings.factors.codesIntro')}</p>
          <div className="actions">
            {!has('email') && (
              <button
                type="button"
                className="secondary"
                disabled={act.busy}
                onClick={() => void enable('email')}
              >
                {t('settings.factors.emailAdd')}
              </button>
            )}
            {config.sms && !has('sms') && (
              <button
                type="button"
                className="secondary"
                disabled={act.busy}
                onClick={() => void enable('sms')}
              >
                {t('settings.factors.smsAdd')}
              </button>
            )}
          </div>
        </>
      )}
      {active.length > 0 && (
        <>
          <h3>{t('settings.codes.sectionTitle')}</h3>
          <p>{plural('settings.codes.remaining', mfa.recovery_codes_remaining)}</p>
          {codes ? (
            <RecoveryCodes
              codes={codes}
              onDone={() => {
                setCodes(null)
                focusHeading('factors')
              }}
            />
          ) : (
            <div className="actions">
              <button
                type="button"
                className="secondary"
                disabled={act.busy}
                onClick={() => void regenerate()}
              >
                {t('settings.codes.regenerate')}
              </button>
            </div>
          )}
        </>
      )}
      {act.view}
    </SecSection>
  )
}
