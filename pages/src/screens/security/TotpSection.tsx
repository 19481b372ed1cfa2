/*
 * An authenticator app (TOTP): POST /v1/mfa/totp starts the enrolment and answers the secret, its
 * otpauth URI and the URI as a QR code (SVG, shown as a data: image the CSP allows); a current
 * code confirms it (POST /v1/mfa/totp/confirm), which answers the recovery codes, shown once.
 */
import { type FormEvent, useEffect, useId, useRef, useState } from 'react'
import { api, data } from '../../api'
import { t } from '../../i18n'
import { useAct } from './act'
import { useSecurity } from './context'
import { RecoveryCodes } from './RecoveryCodes'
import { focusHeading, SecSection } from './SecSection'

interface Enrolment {
  secret: string
  otpauth_uri: string
  qr_svg: string
}

/** The secret in groups of four, as people type it. */
const grouped = (secret: string) => secret.replace(/(.{4})(?=.)/g, '$1 ')

export const TotpSection = () => {
  const { mfa, refresh } = useSecurity()
  const act = useAct()
  const id = useId()
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null)
  const [code, setCode] = useState('')
  const [codes, setCodes] = useState<string[] | null>(null)
  const stepHeading = useRef<HTMLHeadingElement>(null)
  const active = mfa.factors.some((f) => f.kind === 'totp' && f.status === 'active')
  useEffect(() => {
    if (enrolment) stepHeading.current?.focus()
  }, [enrolment])

  const start = () =>
    act.run(async () => {
      setEnrolment(await data(api.POST('/v1/mfa/totp')))
    })
  const confirm = (e: FormEvent) => {
    e.preventDefault()
    void act.run(async () => {
      const r = await data(api.POST('/v1/mfa/totp/confirm', { body: { code: code.replace(/\s/g, '') } }))
      setEnrolment(null)
      setCode('')
      setCodes(r.recovery_codes)
      act.done(t('settings.totp.done'))
      await refresh()
    })
  }

  return (
    <SecSection id="totp" title={t('settings.totp.title')}>
      <p>{active ? t('settings.totp.active') : t('settings.totp.intro')}</p>
      {codes ? (
        <RecoveryCodes
          codes={codes}
          onDone={() => {
            setCodes(null)
            focusHeading('totp')
          }}
        />
      ) : enrolment ? (
        <div className="sec-enrol">
          <h3 ref={stepHeading} tabIndex={-1}>
            {t('settings.totp.scanTitle')}
          </h3>
          <p>{t('settings.totp.scan')}</p>
          <img
            className="sec-qr"
            src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(enrolment.qr_svg)}`}
            alt={t('settings.totp.qrAlt')}
            width={200}
            height={200}
          />
          <p>{t('settings.totp.manual')}</p>
          <p className="mono sec-secret" id={`${id}-secret`} data-secret={enrolment.secret}>
            {grouped(enrolment.secret)}
          </p>
          <form onSubmit={confirm}>
            <div>
              <label htmlFor={`${id}-code`}>{t('settings.totp.code')}</label>
              <input
                id={`${id}-code`}
                autoComplete="one-time-code"
                inputMode="numeric"
                pattern="[0-9 ]{6,7}"
                maxLength={7}
                required
                aria-describedby={`${id}-code-hint`}
                value={code}
                onChange={(e) => setCode((e.target as HTMLInputElement).value)}
              />
              <p className="hint" id={`${id}-code-hint`}>
                {t('settings.totp.codeHint')}
              </p>
            </div>
            <div className="actions">
              <button type="submit" disabled={act.busy}>
                {t('settings.totp.confirm')}
              </button>
              <button
                type="button"
                className="secondary"
                onClick={() => {
                  setEnrolment(null)
                  focusHeading('totp')
                }}
              >
                {t('common.cancel')}
              </button>
            </div>
          </form>
        </div>
      ) : (
        !active && (
          <div className="actions">
            <button type="button" disabled={act.busy} onClick={() => void start()}>
              {t('settings.totp.start')}
            </button>
          </div>
        )
      )}
      {act.view}
    </SecSection>
  )
}
