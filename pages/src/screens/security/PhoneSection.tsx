/*
 * The phone number: set it (POST /v1/me/phone, with the password), enter the code texted to it
 * (POST /v1/me/phone/verify), or remove it (DELETE /v1/me/phone, with the password). The number and
 * whether it is verified come from the account as stored (GET /v1/me).
 */
import { type FormEvent, useEffect, useId, useRef, useState } from 'react'
import { api, data } from '../../api'
import { t } from '../../i18n'
import { useAct } from './act'
import { type Profile, useSecurity } from './context'
import { focusHeading, SecSection } from './SecSection'

type PhoneState = 'none' | 'unverified' | 'verified'

const phoneStateOf = (profile: Profile | null): PhoneState =>
  !profile?.phone ? 'none' : profile.phone_verified ? 'verified' : 'unverified'

export const PhoneSection = () => {
  const { profile, refresh } = useSecurity()
  const act = useAct()
  const id = useId()
  const known = phoneStateOf(profile)
  const [state, setState] = useState<PhoneState>(known)
  const [number, setNumber] = useState('')
  const [password, setPassword] = useState('')
  const [code, setCode] = useState('')
  const [removing, setRemoving] = useState(false)
  const codeInput = useRef<HTMLInputElement>(null)
  useEffect(() => setState(known), [known])

  const set = (e: FormEvent) => {
    e.preventDefault()
    void act.run(async () => {
      await data(api.POST('/v1/me/phone', { body: { phone: number.trim(), password } }))
      setPassword('')
      setState('unverified')
      act.done(t('settings.phone.sent', { phone: number.trim() }))
      requestAnimationFrame(() => codeInput.current?.focus())
      await refresh()
    })
  }
  const verify = (e: FormEvent) => {
    e.preventDefault()
    void act.run(async () => {
      await data(api.POST('/v1/me/phone/verify', { body: { code: code.trim() } }))
      setCode('')
      setState('verified')
      act.done(t('settings.phone.verified'))
      await refresh()
    })
  }
  const remove = (e: FormEvent) => {
    e.preventDefault()
    void act.run(async () => {
      await data(api.DELETE('/v1/me/phone', { body: { password } }))
      setPassword('')
      setNumber('')
      setRemoving(false)
      setState('none')
      act.done(t('settings.phone.removed'))
      focusHeading('phone')
      await refresh()
    })
  }

  const passwordField = (
    <div>
      <label htmlFor={`${id}-pw`}>{t('settings.phone.password')}</label>
      <input
        id={`${id}-pw`}
        type="password"
        autoComplete="current-password"
        required
        value={password}
        onChange={(e) => setPassword((e.target as HTMLInputElement).value)}
      />
    </div>
  )

  return (
    <SecSection id="phone" title={t('settings.phone.title')}>
      <p>
        {state === 'verified'
          ? t('settings.phone.isVerified', { phone: profile?.phone ?? number.trim() })
          : state === 'unverified'
            ? t('settings.phone.isUnverified', { phone: profile?.phone ?? number.trim() })
            : t('settings.phone.none')}
      </p>
      {state === 'unverified' && (
        <form onSubmit={verify}>
          <div>
            <label htmlFor={`${id}-code`}>{t('settings.phone.code')}</label>
            <input
              id={`${id}-code`}
              ref={codeInput}
              autoComplete="one-time-code"
              inputMode="numeric"
              pattern="[0-9]{6}"
              maxLength={6}
              required
              aria-describedby={`${id}-code-hint`}
              value={code}
              onChange={(e) => setCode((e.target as HTMLInputElement).value)}
            />
            <p className="hint" id={`${id}-code-hint`}>
              {t('settings.phone.codeHint')}
            </p>
          </div>
          <div className="actions">
            <button type="submit" disabled={act.busy}>
              {t('settings.phone.verify')}
            </button>
          </div>
        </form>
      )}
      {removing ? (
        <form onSubmit={remove}>
          <p>{t('settings.phone.removeIntro')}</p>
          {passwordField}
          <div className="actions">
            <button type="submit" className="danger" disabled={act.busy}>
              {t('settings.phone.removeConfirm')}
            </button>
            <button type="button" className="secondary" onClick={() => setRemoving(false)}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      ) : (
        <form onSubmit={set}>
          <div>
            <label htmlFor={`${id}-tel`}>
              {state === 'none' ? t('settings.phone.number') : t('settings.phone.newNumber')}
            </label>
            <input
              id={`${id}-tel`}
              type="tel"
              autoComplete="tel"
              inputMode="tel"
              required
              maxLength={32}
              aria-describedby={`${id}-tel-hint`}
              value={number}
              onChange={(e) => setNumber((e.target as HTMLInputElement).value)}
            />
            <p className="hint" id={`${id}-tel-hint`}>
              {t('settings.phone.numberHint')}
            </p>
          </div>
          {passwordField}
          <div className="actions">
            <button type="submit" disabled={act.busy}>
              {t('settings.phone.send')}
            </button>
            {state !== 'none' && (
              <button
                type="button"
                className="secondary"
                onClick={() => {
                  setPassword('')
                  setRemoving(true)
                }}
              >
                {t('settings.phone.remove')}
              </button>
            )}
          </div>
        </form>
      )}
      {act.view}
    </SecSection>
  )
}
