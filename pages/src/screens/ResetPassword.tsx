import { type FormEvent, useEffect, useRef, useState } from 'react'
import { api, data } from '../api'
import { linkValue } from '../config'
import { t } from '../i18n'
import { codeOf, useAction } from '../ui/action'
import { Captcha, ChallengeProgress } from '../ui/Challenge'
import { Frame } from '../ui/Frame'
import { CodeField, PasswordField } from '../ui/fields'
import { nav } from '../ui/nav'
import { Problems, problemText } from '../ui/Problems'
import { StrengthMeter, useStrength } from '../ui/StrengthMeter'
import type { ScreenProps } from './types'

const PASSWORD_CODES = new Set([
  'password_too_short',
  'password_too_long',
  'password_invalid_characters',
  'password_common',
  'password_contains_identifier',
  'password_too_weak',
  'password_reused',
])

/**
 * The link of a recovery message: a new password (judged by the server as it is typed), and, when
 * the account's second factor is one the message's channel does not prove (`401 mfa_required`),
 * a code from the authenticator app or a recovery code. Then: every session was ended and the
 * owner told.
 */
export default function ResetPassword({ config, onLang, go }: ScreenProps) {
  const token = linkValue('token')
  const [password, setPassword] = useState('')
  const [code, setCode] = useState('')
  const [needCode, setNeedCode] = useState(false)
  const [recovery, setRecovery] = useState(false)
  const [done, setDone] = useState(false)
  const action = useAction()
  const first = useRef<HTMLInputElement>(null)
  const codeInput = useRef<HTMLInputElement>(null)
  const strength = useStrength(password, {}, config.password.min_length)

  useEffect(() => {
    if (done) document.getElementById('main')?.focus()
    else first.current?.focus()
  }, [done])
  // biome-ignore lint/correctness/useExhaustiveDependencies: the code field takes the focus again when it changes kind
  useEffect(() => {
    if (needCode) codeInput.current?.focus()
  }, [needCode, recovery])

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (!token) return
    const ok = await action.run(async () => {
      await data(
        api.POST('/v1/recovery/complete', {
          body: {
            token,
            password,
            ...(needCode && code.trim() ? { code: recovery ? code.trim() : code.replace(/\s+/g, '') } : {}),
          },
        }),
      )
    })
    if (ok) {
      setPassword('')
      setDone(true)
    } else setCode('')
  }
  const problem = codeOf(action.error)
  useEffect(() => {
    if (problem === 'mfa_required') setNeedCode(true)
  }, [problem])

  if (done)
    return (
      <Frame config={config} title={t('reset.done.title')} onLang={onLang}>
        <p className="alert ok" role="status">
          {t('reset.done.body')}
        </p>
        <p>{t('reset.done.notice')}</p>
        <div className="actions">
          <a className="button" href="/sign-in" onClick={nav(go, '/sign-in')}>
            {t('common.signIn')}
          </a>
        </div>
      </Frame>
    )

  if (!token || problem === 'invalid_token')
    return (
      <Frame config={config} title={t('reset.title')} onLang={onLang}>
        <p className="alert error" role="alert">
          {t(token ? 'reset.invalid' : 'reset.noToken')}
        </p>
        <div className="actions">
          <a className="button" href="/forgot-password" onClick={nav(go, '/forgot-password')}>
            {t('reset.newLink')}
          </a>
        </div>
      </Frame>
    )

  return (
    <Frame config={config} title={t('reset.title')} onLang={onLang}>
      {/* The second factor asked for is the next step, explained by its fieldset: not an error. */}
      {problem !== 'mfa_required' && (
        <Problems action={action} own={needCode ? { invalid_code: 'reset.problem.invalid_code' } : {}} />
      )}
      <ChallengeProgress />
      <Captcha config={config} />
      <form onSubmit={submit} noValidate>
        <PasswordField
          id="password"
          label={t('reset.password')}
          hint={strength.hint ?? undefined}
          error={PASSWORD_CODES.has(problem ?? '') ? problemText(action.error) : null}
          value={password}
          onValue={setPassword}
          autoComplete="new-password"
          describedBy="password-strength"
          inputRef={first}
          required
          after={<StrengthMeter id="password-strength" check={strength.check} />}
        />
        {needCode && (
          <fieldset className="choice">
            <legend>{t('reset.factor.title')}</legend>
            <p className="hint">{t('reset.factor.body')}</p>
            <CodeField
              id="code"
              label={t(recovery ? 'signin.recovery.label' : 'signin.code.label')}
              hint={t(recovery ? 'signin.recovery.hint' : 'signin.code.hint')}
              digits={!recovery}
              value={code}
              onValue={setCode}
              inputRef={codeInput}
            />
            <p>
              <button type="button" className="link" onClick={() => setRecovery(!recovery)}>
                {t(recovery ? 'reset.factor.useTotp' : 'reset.factor.useRecovery')}
              </button>
            </p>
          </fieldset>
        )}
        <div className="actions">
          <button type="submit" disabled={action.blocked}>
            {t('reset.submit')}
          </button>
        </div>
      </form>
    </Frame>
  )
}
