import { type FormEvent, useEffect, useRef, useState } from 'react'
import { api, data } from '../api'
import type { PagesConfig } from '../config'
import { linkValue } from '../config'
import { t } from '../i18n'
import { codeOf, useAction } from '../ui/action'
import { Captcha, ChallengeProgress } from '../ui/Challenge'
import { Frame } from '../ui/Frame'
import { Field } from '../ui/fields'
import { nav } from '../ui/nav'
import { Problems } from '../ui/Problems'
import type { ScreenProps } from './types'

/**
 * Asks for another verification mail (POST /v1/accounts/verify/resend). The answer is the same
 * whatever the address, and so is what this says.
 */
export const ResendVerification = ({ email: known, config }: { email?: string; config: PagesConfig }) => {
  const [email, setEmail] = useState(known ?? '')
  const [done, setDone] = useState(false)
  const action = useAction()
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (
      await action.run(async () => {
        await data(api.POST('/v1/accounts/verify/resend', { body: { email: email.trim() } }))
      })
    )
      setDone(true)
  }
  return (
    <section aria-labelledby="resend-title">
      <h2 id="resend-title">{t('verify.resend.title')}</h2>
      <Problems action={action} />
      <ChallengeProgress />
      <Captcha config={config} />
      {done ? (
        <p className="alert ok" role="status">
          {t('verify.resend.done')}
        </p>
      ) : (
        <form onSubmit={submit} noValidate>
          {known === undefined && (
            <Field
              id="resend-email"
              label={t('signup.email')}
              type="email"
              value={email}
              onValue={setEmail}
              autoComplete="email"
              required
            />
          )}
          <div className="actions">
            <button type="submit" className="secondary" disabled={action.blocked}>
              {t('verify.resend.button')}
            </button>
          </div>
        </form>
      )}
    </section>
  )
}

/**
 * The link of a verification mail: /verify-email verifies a new account's address, /confirm-email
 * a changed address (POST /v1/me/email/verify). It is sent once, as the page opens — opening the
 * link is the person's action — then the outcome is explained with the way on.
 */
export default function VerifyEmail({ config, onLang, go, path }: ScreenProps) {
  const change = path === '/confirm-email'
  const linked = linkValue('token')
  const [typed, setTyped] = useState('')
  const [state, setState] = useState<'working' | 'done' | 'failed' | 'none'>(linked ? 'working' : 'none')
  const action = useAction()
  const sent = useRef(false)

  const verify = async (given?: string) => {
    const token = (given ?? linked ?? typed).trim()
    if (!token) return
    setState('working')
    const ok = await action.run(async () => {
      if (change) await data(api.POST('/v1/me/email/verify', { body: { token } }))
      else await data(api.POST('/v1/accounts/verify', { body: { token } }))
    })
    setState(ok ? 'done' : 'failed')
  }

  // biome-ignore lint/correctness/useExhaustiveDependencies: sent once per link, as the page opens
  useEffect(() => {
    if (!linked || sent.current) return
    sent.current = true
    void verify(linked)
  }, [linked])

  useEffect(() => {
    if (state !== 'working') document.getElementById('main')?.focus()
  }, [state])

  const base = change ? 'verify.change' : 'verify'
  if (state === 'working')
    return (
      <Frame config={config} title={t(`${base}.title` as 'verify.title')} onLang={onLang}>
        <p role="status">{t('verify.working')}</p>
        <ChallengeProgress />
      </Frame>
    )
  if (state === 'done')
    return (
      <Frame
        config={config}
        title={t(change ? 'verify.change.done.title' : 'verify.done.title')}
        onLang={onLang}
      >
        <p className="alert ok" role="status">
          {t(change ? 'verify.change.done.body' : 'verify.done.body')}
        </p>
        <div className="actions">
          {change ? (
            <a className="button" href="/security" onClick={nav(go, '/security')}>
              {t('verify.change.done.next')}
            </a>
          ) : (
            <a className="button" href="/sign-in" onClick={nav(go, '/sign-in')}>
              {t('common.signIn')}
            </a>
          )}
        </div>
      </Frame>
    )
  const expired = state === 'failed' && codeOf(action.error) === 'invalid_token'
  return (
    <Frame config={config} title={t(`${base}.title` as 'verify.title')} onLang={onLang}>
      {state === 'failed' &&
        (expired ? (
          <p className="alert error" role="alert">
            {t(change ? 'verify.change.invalid' : 'verify.invalid')}
          </p>
        ) : (
          // Not an answer about the link (the network, a wait): the same link can be tried again.
          <>
            <Problems action={action} />
            <div className="actions">
              <button type="button" onClick={() => void verify()} disabled={action.blocked}>
                {t('verify.retry')}
              </button>
            </div>
          </>
        ))}
      {state === 'none' && <p>{t(change ? 'verify.change.noToken' : 'verify.noToken')}</p>}
      {(state === 'none' || expired) && (
        // Opened without a link (or with a spent one): the token the mail gives on its own line.
        <form
          onSubmit={(e: FormEvent) => {
            e.preventDefault()
            void verify(typed)
          }}
          noValidate
        >
          <Field
            id="token"
            label={t('verify.token.label')}
            hint={t('verify.token.hint')}
            value={typed}
            onValue={setTyped}
            autoComplete="off"
            spellCheck={false}
            autoCapitalize="none"
            required
          />
          <div className="actions">
            <button type="submit" disabled={action.blocked || typed.trim() === ''}>
              {t('verify.token.submit')}
            </button>
          </div>
        </form>
      )}
      {change ? (
        <p>
          <a href="/security" onClick={nav(go, '/security')}>
            {t('verify.change.done.next')}
          </a>
        </p>
      ) : (
        <>
          <ResendVerification config={config} />
          <p>
            <a href="/sign-in" onClick={nav(go, '/sign-in')}>
              {t('common.signIn')}
            </a>
          </p>
        </>
      )}
    </Frame>
  )
}
