import { type FormEvent, useEffect, useRef, useState } from 'react'
import { api, data } from '../api'
import { t } from '../i18n'
import { codeOf, useAction } from '../ui/action'
import { Captcha, ChallengeProgress } from '../ui/Challenge'
import { Frame } from '../ui/Frame'
import { Field, PasswordField } from '../ui/fields'
import { nav } from '../ui/nav'
import { Problems, problemText } from '../ui/Problems'
import { StrengthMeter, useStrength } from '../ui/StrengthMeter'
import type { ScreenProps } from './types'
import { ResendVerification } from './VerifyEmail'

const FIELD_OF: Record<string, 'username' | 'email' | 'password' | 'phone'> = {
  username_taken: 'username',
  invalid_username: 'username',
  invalid_email: 'email',
  invalid_phone: 'phone',
  phone_taken: 'phone',
  password_too_short: 'password',
  password_too_long: 'password',
  password_invalid_characters: 'password',
  password_common: 'password',
  password_contains_identifier: 'password',
  password_too_weak: 'password',
}

/**
 * Sign-up: username, email address, password (with the server's judgement of it as it is typed),
 * optionally a phone number; then "check your mail", with a way to have the link sent again.
 */
export default function SignUp({ config, onLang, go }: ScreenProps) {
  const [username, setUsername] = useState('')
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [phone, setPhone] = useState('')
  const [sentTo, setSentTo] = useState<string | null>(null)
  const action = useAction()
  const first = useRef<HTMLInputElement>(null)
  const strength = useStrength(password, { username, email }, config.password.min_length)

  useEffect(() => {
    if (sentTo) document.getElementById('main')?.focus()
    else first.current?.focus()
  }, [sentTo])

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    await action.run(async () => {
      await data(
        api.POST('/v1/accounts', {
          body: {
            username: username.trim(),
            email: email.trim(),
            password,
            ...(phone.trim() ? { phone: phone.trim() } : {}),
          },
        }),
      )
      setPassword('')
      setSentTo(email.trim())
    })
  }

  if (sentTo)
    return (
      <Frame config={config} title={t('signup.sent.title')} onLang={onLang}>
        <p className="alert ok" role="status">
          {t('signup.sent.body', { email: sentTo })}
        </p>
        <p>{t('signup.sent.next')}</p>
        <ResendVerification email={sentTo} config={config} />
        <p>
          <a href="/sign-in" onClick={nav(go, '/sign-in')}>
            {t('signup.sent.signIn')}
          </a>
        </p>
      </Frame>
    )

  const wrong = FIELD_OF[codeOf(action.error) ?? '']
  const errorOf = (f: string) => (wrong === f ? problemText(action.error) : null)
  return (
    <Frame config={config} title={t('signup.title')} onLang={onLang}>
      <Problems action={action} />
      <ChallengeProgress />
      <Captcha config={config} />
      <form onSubmit={submit} noValidate>
        <Field
          id="username"
          label={t('signup.username')}
          hint={t('signup.username.hint')}
          error={errorOf('username')}
          value={username}
          onValue={setUsername}
          inputRef={first}
          autoComplete="username"
          autoCapitalize="off"
          spellCheck={false}
          required
        />
        <Field
          id="email"
          label={t('signup.email')}
          hint={t('signup.email.hint')}
          error={errorOf('email')}
          type="email"
          value={email}
          onValue={setEmail}
          autoComplete="email"
          required
        />
        <PasswordField
          id="password"
          label={t('signup.password')}
          hint={strength.hint ?? undefined}
          error={errorOf('password')}
          value={password}
          onValue={setPassword}
          autoComplete="new-password"
          describedBy="password-strength"
          required
          after={<StrengthMeter id="password-strength" check={strength.check} />}
        />
        {config.sms && (
          <Field
            id="phone"
            label={t('signup.phone')}
            hint={t('signup.phone.hint')}
            error={errorOf('phone')}
            type="tel"
            value={phone}
            onValue={setPhone}
            autoComplete="tel"
          />
        )}
        {config.terms_url && (
          <p className="hint">
            {t('signup.terms')} <a href={config.terms_url}>{t('common.terms')}</a>
          </p>
        )}
        <div className="actions">
          <button type="submit" disabled={action.blocked}>
            {t('signup.submit')}
          </button>
        </div>
      </form>
      <p className="switch">
        {t('signup.haveAccount')}{' '}
        <a href="/sign-in" onClick={nav(go, '/sign-in')}>
          {t('common.signIn')}
        </a>
      </p>
    </Frame>
  )
}
