import { type FormEvent, useEffect, useRef, useState } from 'react'
import { api, data } from '../api'
import { t } from '../i18n'
import { useAction } from '../ui/action'
import { Captcha, ChallengeProgress } from '../ui/Challenge'
import { Frame } from '../ui/Frame'
import { CodeField, Field } from '../ui/fields'
import { nav } from '../ui/nav'
import { Problems } from '../ui/Problems'
import type { ScreenProps } from './types'

/**
 * "Forgot your password?": the account's identifier (and, with SMS, the channel), then the same
 * words whatever the answer — the server never says whether an account exists, nor do the pages.
 */
export default function ForgotPassword({ config, onLang, go }: ScreenProps) {
  const [identifier, setIdentifier] = useState('')
  const [channel, setChannel] = useState<'email' | 'sms'>('email')
  const [code, setCode] = useState('')
  const [answer, setAnswer] = useState<{ hint: string | null } | null>(null)
  const action = useAction()
  const first = useRef<HTMLInputElement>(null)

  useEffect(() => {
    if (answer) document.getElementById('main')?.focus()
    else first.current?.focus()
  }, [answer])

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    await action.run(async () => {
      const r = await data(
        api.POST('/v1/recovery', {
          body: {
            identifier: identifier.trim(),
            ...(config.sms ? { channel } : {}),
            ...(code.trim() ? { code: code.replace(/\s+/g, '') } : {}),
          },
        }),
      )
      setAnswer({ hint: r.hint ?? null })
    })
  }

  if (answer)
    return (
      <Frame config={config} title={t('recovery.sent.title')} onLang={onLang}>
        <p className="alert ok" role="status">
          {t(channel === 'sms' ? 'recovery.sent.bodySms' : 'recovery.sent.body')}
        </p>
        {answer.hint && <p>{t('recovery.sent.hint', { hint: answer.hint })}</p>}
        <p>{t('recovery.sent.next')}</p>
        <div className="actions">
          <button type="button" className="secondary" onClick={() => setAnswer(null)}>
            {t('recovery.sent.again')}
          </button>
          <a href="/sign-in" onClick={nav(go, '/sign-in')}>
            {t('common.signIn')}
          </a>
        </div>
      </Frame>
    )

  return (
    <Frame config={config} title={t('recovery.title')} onLang={onLang}>
      <p>{t('recovery.intro')}</p>
      <Problems action={action} />
      <ChallengeProgress />
      <Captcha config={config} />
      <form onSubmit={submit} noValidate>
        <Field
          id="identifier"
          label={t('signin.identifier')}
          hint={t('signin.identifier.hint')}
          value={identifier}
          onValue={setIdentifier}
          inputRef={first}
          autoComplete="username"
          autoCapitalize="off"
          spellCheck={false}
          required
        />
        {config.sms && (
          <fieldset className="choice">
            <legend>{t('recovery.channel')}</legend>
            {(['email', 'sms'] as const).map((c) => (
              <label className="check" key={c}>
                <input
                  type="radio"
                  name="channel"
                  value={c}
                  checked={channel === c}
                  onChange={() => setChannel(c)}
                />
                {t(c === 'sms' ? 'recovery.channel.sms' : 'recovery.channel.email')}
              </label>
            ))}
          </fieldset>
        )}
        <details>
          <summary>{t('recovery.lock.summary')}</summary>
          <p className="hint">{t('recovery.lock.body')}</p>
          <CodeField
            id="lock-code"
            label={t('signin.code.label')}
            value={code}
            onValue={setCode}
            required={false}
          />
        </details>
        <div className="actions">
          <button type="submit" disabled={action.blocked}>
            {t('recovery.submit')}
          </button>
          <a href="/sign-in" onClick={nav(go, '/sign-in')}>
            {t('common.back')}
          </a>
        </div>
      </form>
    </Frame>
  )
}
