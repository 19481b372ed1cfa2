/*
 * Passkeys: add one (POST /v1/mfa/webauthn/register/options, the browser's prompt through
 * @simplewebauthn/browser, loaded only here, then POST /v1/mfa/webauthn/register with the name
 * given) and remove one (DELETE /v1/mfa/factors/{id}). The API has no route to rename a passkey:
 * the name is given when it is added.
 */
import { type FormEvent, useId, useState } from 'react'
import { api, data } from '../../api'
import { dateTime, t } from '../../i18n'
import { useAct } from './act'
import { type Factor, useSecurity } from './context'
import { RecoveryCodes } from './RecoveryCodes'
import { focusHeading, SecSection } from './SecSection'

const defaultName = (): string => {
  const ua = navigator.userAgent
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Firefox\//.test(ua)
      ? 'Firefox'
      : /Chrom(e|ium)\//.test(ua)
        ? 'Chrome'
        : /Safari\//.test(ua)
          ? 'Safari'
          : ''
  return browser ? t('settings.passkeys.defaultName', { browser }) : ''
}

export const PasskeysSection = () => {
  const { mfa, refresh } = useSecurity()
  const act = useAct()
  const id = useId()
  const [name, setName] = useState(defaultName)
  const [codes, setCodes] = useState<string[] | null>(null)
  const [confirming, setConfirming] = useState<string | null>(null)
  const passkeys = mfa.factors.filter((f) => f.kind === 'webauthn' && f.status === 'active')
  const supported = typeof window.PublicKeyCredential === 'function'

  const add = (e: FormEvent) => {
    e.preventDefault()
    void act.run(async () => {
      const { startRegistration } = await import('@simplewebauthn/browser')
      const o = await data(api.POST('/v1/mfa/webauthn/register/options'))
      const optionsJSON = o.options as unknown as Parameters<typeof startRegistration>[0]['optionsJSON']
      const response = await startRegistration({ optionsJSON })
      const r = await data(
        api.POST('/v1/mfa/webauthn/register', {
          body: {
            challenge_id: o.challenge_id,
            name: name.trim() || t('settings.factors.kind.passkey'),
            response: {
              ...response,
              response: { ...response.response },
              clientExtensionResults: { ...response.clientExtensionResults },
            },
          },
        }),
      )
      act.done(t('settings.passkeys.added', { name: r.factor.name ?? '' }))
      if (r.recovery_codes) setCodes(r.recovery_codes)
      await refresh()
    })
  }
  const remove = (f: Factor) =>
    act.run(async () => {
      await api.DELETE('/v1/mfa/factors/{id}', { params: { path: { id: f.id } } })
      setConfirming(null)
      await refresh()
      act.done(t('settings.passkeys.removed', { name: f.name ?? '' }))
      focusHeading('passkeys')
    })

  return (
    <SecSection id="passkeys" title={t('settings.passkeys.title')}>
      <p>{t('settings.passkeys.intro')}</p>
      {passkeys.length === 0 ? (
        <p>{t('settings.passkeys.none')}</p>
      ) : (
        <ul className="list" aria-label={t('settings.passkeys.title')}>
          {passkeys.map((f) => (
            <li key={f.id}>
              <span>
                <strong>{f.name ?? t('settings.factors.kind.passkey')}</strong>
                <br />
                <span className="hint">
                  {t('settings.factors.added', { date: dateTime(f.created_at) })}
                  {f.last_used_at
                    ? ` · ${t('settings.passkeys.lastUsed', { date: dateTime(f.last_used_at) })}`
                    : ''}
                </span>
              </span>
              {confirming === f.id ? (
                <span className="actions">
                  <button type="button" className="danger" disabled={act.busy} onClick={() => void remove(f)}>
                    {t('settings.passkeys.removeConfirm', { name: f.name ?? '' })}
                  </button>
                  <button type="button" className="secondary" onClick={() => setConfirming(null)}>
                    {t('common.cancel')}
                  </button>
                </span>
              ) : (
                <button
                  type="button"
                  className="secondary"
                  aria-label={t('settings.factors.removeNamed', { name: f.name ?? '' })}
                  onClick={() => setConfirming(f.id)}
                >
                  {t('settings.factors.remove')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {codes && (
        <RecoveryCodes
          codes={codes}
          onDone={() => {
            setCodes(null)
            focusHeading('passkeys')
          }}
        />
      )}
      {supported ? (
        <form onSubmit={add}>
          <div>
            <label htmlFor={`${id}-name`}>{t('settings.passkeys.name')}</label>
            <input
              id={`${id}-name`}
              autoComplete="off"
              maxLength={64}
              aria-describedby={`${id}-name-hint`}
              value={name}
              onChange={(e) => setName((e.target as HTMLInputElement).value)}
            />
            <p className="hint" id={`${id}-name-hint`}>
              {t('settings.passkeys.nameHint')}
            </p>
          </div>
          <div className="actions">
            <button type="submit" disabled={act.busy}>
              {t('settings.passkeys.add')}
            </button>
          </div>
        </form>
      ) : (
        <p>{t('settings.passkeys.unsupported')}</p>
      )}
      {act.view}
    </SecSection>
  )
}
