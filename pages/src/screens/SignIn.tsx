import { browserSupportsWebAuthn } from '@simplewebauthn/browser'
import { type FormEvent, useEffect, useRef, useState } from 'react'
import { api, data, Problem } from '../api'
import { t } from '../i18n'
import { interaction } from '../interaction'
import { codeOf, useAction } from '../ui/action'
import { Captcha, ChallengeProgress } from '../ui/Challenge'
import { Frame } from '../ui/Frame'
import { Field, PasswordField } from '../ui/fields'
import { nav, signedIn } from '../ui/nav'
import { Problems } from '../ui/Problems'
import { autofillAvailable, passkeySignIn, stopAutofill } from './signin/passkey'
import { SecondStep } from './signin/SecondStep'
import type { ScreenProps } from './types'

type Step = { kind: 'password' } | { kind: 'second'; challengeId: string; methods: string[] }

/**
 * Sign-in: identifier and password (or a passkey, offered in the username field's autofill and by
 * a button), then whatever second step the account needs. The guard's puzzle and CAPTCHA are
 * answered on the way; a wait the server asks for is counted down. For an application's sign-in
 * (`interaction`), the screen says what the application asks for — a new sign-in, a second factor,
 * a passkey — and a remembered device does not skip a second factor the application requires.
 */
export default function SignIn({ config, onLang, go }: ScreenProps) {
  const [step, setStep] = useState<Step>({ kind: 'password' })
  const [identifier, setIdentifier] = useState('')
  const [password, setPassword] = useState('')
  const action = useAction()
  const passkeys = config.passkeys && browserSupportsWebAuthn()
  const first = useRef<HTMLInputElement>(null)
  const app = interaction()

  useEffect(() => {
    first.current?.focus()
  }, [])

  // Passkeys among the username field's suggestions while the password step shows.
  // biome-ignore lint/correctness/useExhaustiveDependencies: one ceremony per showing of the password step; config is fixed
  useEffect(() => {
    if (!passkeys || step.kind !== 'password') return
    let live = true
    void autofillAvailable().then((ok) => {
      if (!ok || !live) return
      passkeySignIn(true).then(
        () => signedIn(config),
        (e: unknown) => {
          // Leaving the step, or the explicit button, ends the autofill ceremony: not a failure.
          // A passkey picked but refused is one: the person acted.
          if (live && e instanceof Problem && e.code !== 'challenge_cancelled') action.fail(e)
        },
      )
    })
    return () => {
      live = false
      stopAutofill()
    }
  }, [passkeys, step.kind])

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    await action.run(async () => {
      const r = await data(
        api.POST('/v1/sessions', {
          body: {
            identifier: identifier.trim(),
            password,
            ...(app?.level ? { second_factor: 'required' as const } : {}),
          },
        }),
      )
      setPassword('')
      if ('token' in r) signedIn(config)
      else setStep({ kind: 'second', challengeId: r.challenge_id, methods: r.methods })
    })
  }

  const withPasskey = () =>
    action.run(async () => {
      await passkeySignIn(false)
      signedIn(config)
    })

  if (step.kind === 'second')
    return (
      <SecondStep
        config={config}
        onLang={onLang}
        challengeId={step.challengeId}
        methods={step.methods}
        onRestart={() => setStep({ kind: 'password' })}
        {...(app?.level === 'phr' ? { prefer: 'webauthn' as const } : {})}
      />
    )

  const code = codeOf(action.error)
  const passkeyFirst = passkeys && app?.level === 'phr'
  const passkeyButton = (
    <button
      type="button"
      className={passkeyFirst ? undefined : 'secondary'}
      onClick={withPasskey}
      disabled={action.blocked}
    >
      {t('signin.passkey.button')}
    </button>
  )
  return (
    <Frame config={config} title={t('signin.title')} onLang={onLang}>
      <InteractionNote />
      {passkeyFirst && (
        <div className="actions">
          {passkeyButton}
          <p className="hint">{t('oidc.level.phr.password')}</p>
        </div>
      )}
      <Problems action={action}>
        {code === 'email_unverified' && (
          <p>
            <a href="/verify-email" onClick={nav(go, '/verify-email')}>
              {t('signin.resendVerification')}
            </a>
          </p>
        )}
        {code === 'password_reset_required' && (
          <p>
            <a href="/forgot-password" onClick={nav(go, '/forgot-password')}>
              {t('signin.forgot')}
            </a>
          </p>
        )}
      </Problems>
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
          autoComplete={passkeys ? 'username webauthn' : 'username'}
          autoCapitalize="off"
          spellCheck={false}
          required
        />
        <PasswordField
          id="password"
          label={t('signin.password')}
          value={password}
          onValue={setPassword}
          autoComplete="current-password"
          required
        />
        <div className="actions">
          <button type="submit" disabled={action.blocked}>
            {t('common.signIn')}
          </button>
          <a href="/forgot-password" onClick={nav(go, '/forgot-password')}>
            {t('signin.forgot')}
          </a>
        </div>
      </form>
      {passkeys && !passkeyFirst && (
        <div className="or">
          <p className="hint">{t('signin.passkey.or')}</p>
          {passkeyButton}
        </div>
      )}
      <p className="switch">
        {t('signin.noAccount')}{' '}
        <a href="/sign-up" onClick={nav(go, '/sign-up')}>
          {t('common.signUp')}
        </a>
      </p>
    </Frame>
  )
}

/** What an application's sign-in asks for: a new sign-in, a second factor, a passkey. */
const InteractionNote = () => {
  const app = interaction()
  if (!app || (!app.reauth && !app.level)) return null
  return (
    <div className="alert" role="note">
      {app.reauth && <p>{t('oidc.reauth')}</p>}
      {app.level && <p>{t(app.level === 'phr' ? 'oidc.level.phr' : 'oidc.level.mfa')}</p>}
    </div>
  )
}
