import { type FormEvent, useEffect, useRef, useState } from 'react'
import { api, data } from '../../api'
import type { PagesConfig } from '../../config'
import { type Key, type Lang, t } from '../../i18n'
import { useAction } from '../../ui/action'
import { Captcha, ChallengeProgress } from '../../ui/Challenge'
import { Frame } from '../../ui/Frame'
import { CodeField } from '../../ui/fields'
import { signedIn } from '../../ui/nav'
import { Problems } from '../../ui/Problems'
import { passkeySecondFactor } from './passkey'

type Method = 'totp' | 'webauthn' | 'email' | 'sms' | 'recovery_code'
const METHODS: Method[] = ['totp', 'webauthn', 'email', 'sms', 'recovery_code']
const isMethod = (m: string): m is Method => (METHODS as string[]).includes(m)

/** Seconds before another code may be asked for: the server replaces the code on every send. */
const RESEND_AFTER_S = 30

const TITLE: Record<Method, Key> = {
  totp: 'signin.totp.title',
  webauthn: 'signin.webauthn.title',
  email: 'signin.email.title',
  sms: 'signin.sms.title',
  recovery_code: 'signin.recovery.title',
}
const BODY: Record<Method, Key> = {
  totp: 'signin.totp.body',
  webauthn: 'signin.webauthn.body',
  email: 'signin.email.body',
  sms: 'signin.sms.body',
  recovery_code: 'signin.recovery.body',
}
const CHOICE: Record<Method, Key> = {
  totp: 'signin.choose.totp',
  webauthn: 'signin.choose.webauthn',
  email: 'signin.choose.email',
  sms: 'signin.choose.sms',
  recovery_code: 'signin.choose.recovery_code',
}

/**
 * The second step of a sign-in: a code from an authenticator app, a passkey, a code sent by email
 * or SMS, or a recovery code — whichever the account has — and "remember this device". An account
 * without factors signing in from a new device gets a code by email at once (the step-up): its
 * challenge offers only `email`.
 */
export const SecondStep = ({
  config,
  onLang,
  challengeId,
  methods: offered,
  onRestart,
  prefer,
}: {
  config: PagesConfig
  onLang: (l: Lang) => void
  challengeId: string
  methods: string[]
  onRestart: () => void
  /** The method shown first when the account has it (a passkey, when an application requires one). */
  prefer?: Method
}) => {
  const methods = offered.filter(isMethod)
  const stepUp = methods.length === 1 && methods[0] === 'email'
  const first = prefer && methods.includes(prefer) ? prefer : methods[0]
  const [method, setMethod] = useState<Method>(first ?? 'totp')
  const [code, setCode] = useState('')
  const [remember, setRemember] = useState(false)
  // The step-up's code is mailed with the answer to the password.
  const [sentAt, setSentAt] = useState<number | null>(stepUp ? Date.now() : null)
  const [now, setNow] = useState(Date.now())
  const [resent, setResent] = useState(0)
  const action = useAction()
  const codeInput = useRef<HTMLInputElement>(null)

  // biome-ignore lint/correctness/useExhaustiveDependencies: the focus moves when the method or the sending changes
  useEffect(() => {
    if (codeInput.current) codeInput.current.focus()
    else document.getElementById('main')?.focus()
  }, [method, sentAt !== null])

  const resendIn = sentAt === null ? 0 : Math.max(0, Math.ceil((sentAt + RESEND_AFTER_S * 1000 - now) / 1000))
  // biome-ignore lint/correctness/useExhaustiveDependencies: ticks once a second until a new code may be asked for
  useEffect(() => {
    if (resendIn <= 0) return
    const id = setTimeout(() => setNow(Date.now()), 1000)
    return () => clearTimeout(id)
  }, [resendIn, now])

  const choose = (m: Method) => {
    setMethod(m)
    setCode('')
    setSentAt(null)
    action.clear()
  }

  const send = () =>
    action.run(async () => {
      if (method !== 'email' && method !== 'sms') return
      await data(api.POST('/v1/sessions/mfa/send', { body: { challenge_id: challengeId, method } }))
      setSentAt(Date.now())
      setNow(Date.now())
      setResent((n) => n + 1)
    })

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const ok = await action.run(async () => {
      if (method === 'webauthn') {
        await passkeySecondFactor(challengeId, remember)
        return
      }
      await data(
        api.POST('/v1/sessions/mfa', {
          body: {
            challenge_id: challengeId,
            method,
            code: method === 'recovery_code' ? code.trim() : code.replace(/\s+/g, ''),
            ...(remember && !stepUp ? { remember_device: true } : {}),
          },
        }),
      )
    })
    if (ok) signedIn(config)
    else setCode('')
  }

  const sends = method === 'email' || method === 'sms'
  const needsCode = method !== 'webauthn' && !(sends && sentAt === null)
  return (
    <Frame config={config} title={t(stepUp ? 'signin.stepUp.title' : TITLE[method])} onLang={onLang}>
      <Problems action={action} own={{ invalid_code: 'signin.problem.invalid_code' }} />
      <ChallengeProgress />
      <Captcha config={config} />
      <form onSubmit={submit} noValidate aria-describedby="second-help">
        <p id="second-help">{stepUp ? t('signin.stepUp.body') : t(BODY[method])}</p>
        {sends && sentAt !== null && !(stepUp && resent === 0) && (
          <p className="alert ok" role="status">
            {t(method === 'sms' ? 'signin.sms.sent' : 'signin.email.sent')}
          </p>
        )}
        {needsCode && (
          <CodeField
            id="code"
            label={t(method === 'recovery_code' ? 'signin.recovery.label' : 'signin.code.label')}
            hint={method === 'recovery_code' ? t('signin.recovery.hint') : t('signin.code.hint')}
            digits={method !== 'recovery_code'}
            value={code}
            onValue={setCode}
            inputRef={codeInput}
          />
        )}
        {!stepUp && !(sends && sentAt === null) && (
          <label className="check">
            <input
              type="checkbox"
              checked={remember}
              onChange={(e) => setRemember((e.target as HTMLInputElement).checked)}
            />
            {t('signin.remember')}
          </label>
        )}
        <div className="actions">
          {sends && sentAt === null ? (
            <button type="button" onClick={send} disabled={action.blocked}>
              {t(method === 'sms' ? 'signin.sms.send' : 'signin.email.send')}
            </button>
          ) : (
            <button type="submit" disabled={action.blocked}>
              {method === 'webauthn' ? t('signin.webauthn.button') : t('common.continue')}
            </button>
          )}
          {sends && sentAt !== null && (
            <button
              type="button"
              className="secondary"
              onClick={send}
              disabled={action.blocked || resendIn > 0}
            >
              {resendIn > 0 ? t('signin.resendIn', { count: resendIn }) : t('signin.resend')}
            </button>
          )}
        </div>
        {sends && (
          <p className="hint">
            {t('signin.sendCap')} {t(methods.length > 1 ? 'signin.sendCap.other' : 'signin.sendCap.none')}
          </p>
        )}
      </form>
      {methods.length > 1 && (
        <nav aria-labelledby="other-ways">
          <h2 id="other-ways">{t('signin.otherWays')}</h2>
          <ul className="ways">
            {methods
              .filter((m) => m !== method)
              .map((m) => (
                <li key={m}>
                  <button type="button" className="link" onClick={() => choose(m)}>
                    {t(CHOICE[m])}
                  </button>
                </li>
              ))}
          </ul>
        </nav>
      )}
      <p>
        <button type="button" className="link" onClick={onRestart}>
          {t('signin.restart')}
        </button>
      </p>
    </Frame>
  )
}
