/*
 * "Confirm it is you": asked inline when a sensitive change answers `401 reauth_required`. The
 * password (POST /v1/sessions/current/reauth), or a passkey of the account when it has one; then
 * the change that asked runs again.
 */
import { type FormEvent, useEffect, useId, useRef, useState } from 'react'
import { api, data } from '../../api'
import { t } from '../../i18n'
import { hasPasskey, useSecurity } from './context'
import { problemText } from './problems'

/** A passkey's proof, as the API takes it (@simplewebauthn/browser is loaded only when used). */
export const passkeyReauth = async (): Promise<void> => {
  const { startAuthentication } = await import('@simplewebauthn/browser')
  const o = await data(api.POST('/v1/sessions/current/reauth/webauthn/options'))
  const optionsJSON = o.options as unknown as Parameters<typeof startAuthentication>[0]['optionsJSON']
  const assertion = await startAuthentication({ optionsJSON })
  await data(
    api.POST('/v1/sessions/current/reauth', {
      body: {
        method: 'webauthn',
        webauthn_challenge_id: o.webauthn_challenge_id,
        assertion: {
          ...assertion,
          response: { ...assertion.response },
          clientExtensionResults: { ...assertion.clientExtensionResults },
        },
      },
    }),
  )
}

export const Reauth = ({ onDone, onCancel }: { onDone: () => void; onCancel: () => void }) => {
  const { mfa, config } = useSecurity()
  const id = useId()
  const [password, setPassword] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  const input = useRef<HTMLInputElement>(null)
  useEffect(() => input.current?.focus(), [])

  const attempt = async (proof: () => Promise<void>) => {
    setBusy(true)
    setError('')
    try {
      await proof()
      onDone()
    } catch (e) {
      setError(problemText(e))
      input.current?.focus()
    } finally {
      setBusy(false)
    }
  }
  const submit = (e: FormEvent) => {
    e.preventDefault()
    void attempt(async () => {
      await data(api.POST('/v1/sessions/current/reauth', { body: { password } }))
    })
  }

  return (
    <section className="sec-reauth" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>{t('settings.reauth.title')}</h3>
      <p id={`${id}-d`}>{t('settings.reauth.body')}</p>
      <form onSubmit={submit} aria-describedby={`${id}-d`}>
        <div>
          <label htmlFor={`${id}-pw`}>{t('settings.reauth.password')}</label>
          <input
            id={`${id}-pw`}
            ref={input}
            type="password"
            autoComplete="current-password"
            required
            value={password}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${id}-err` : undefined}
            onChange={(e) => setPassword((e.target as HTMLInputElement).value)}
          />
          {error && (
            <p className="field-error" id={`${id}-err`} role="alert">
              {error}
            </p>
          )}
        </div>
        <div className="actions">
          <button type="submit" disabled={busy}>
            {t('settings.reauth.confirm')}
          </button>
          {config.passkeys && hasPasskey(mfa) && (
            <button
              type="button"
              className="secondary"
              disabled={busy}
              onClick={() => void attempt(passkeyReauth)}
            >
              {t('settings.reauth.passkey')}
            </button>
          )}
          <button type="button" className="secondary" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </section>
  )
}
