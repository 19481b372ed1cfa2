import { startAuthentication } from '@simplewebauthn/browser'
import { type FormEvent, useEffect, useRef, useState } from 'react'
import { api, data, type Me, setToken } from '../api'
import { ChallengeProgress, GuardHint, ProblemMessage } from '../ui'

type Step = { kind: 'password' } | { kind: 'code'; challengeId: string; methods: string[] }

/**
 * Password, then the second factor: a TOTP code, a passkey, or one of the recovery codes. A
 * challenge of the guard met on the way is solved in the page (api/index.ts), its progress shown here.
 */
export const SignIn = ({ onSignedIn }: { onSignedIn: (me: Me) => void }) => {
  const [step, setStep] = useState<Step>({ kind: 'password' })
  const [identifier, setIdentifier] = useState('')
  const [password, setPassword] = useState('')
  const [code, setCode] = useState('')
  const [useRecovery, setUseRecovery] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const codeInput = useRef<HTMLInputElement>(null)
  const heading = useRef<HTMLHeadingElement>(null)

  useEffect(() => {
    document.title = 'Sign in · Gatehouse console'
    heading.current?.focus()
  }, [])
  useEffect(() => {
    if (step.kind === 'code') codeInput.current?.focus()
  }, [step])

  const finish = async (token: string) => {
    setToken(token)
    const current = await data(api.GET('/v1/sessions/current'))
    onSignedIn({ id: current.account.id, username: current.account.username })
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      if (step.kind === 'password') {
        const r = await data(api.POST('/v1/sessions', { body: { identifier, password } }))
        setPassword('')
        if ('token' in r) await finish(r.token)
        else setStep({ kind: 'code', challengeId: r.challenge_id, methods: r.methods })
      } else {
        const r = await data(
          api.POST('/v1/sessions/mfa', {
            body: {
              challenge_id: step.challengeId,
              method: useRecovery ? 'recovery_code' : 'totp',
              code: code.trim(),
            },
          }),
        )
        setCode('')
        await finish(r.token)
      }
    } catch (err) {
      setToken(null)
      setError(err)
      setCode('')
    } finally {
      setBusy(false)
    }
  }

  /** The passkey as the second factor: the browser's own prompt, then the assertion to the server. */
  const passkey = async () => {
    if (step.kind !== 'code') return
    setBusy(true)
    setError(null)
    try {
      const o = await data(
        api.POST('/v1/sessions/mfa/webauthn/options', { body: { challenge_id: step.challengeId } }),
      )
      // The options are @simplewebauthn/server's, passed through: the document types them as an object.
      const optionsJSON = o.options as unknown as Parameters<typeof startAuthentication>[0]['optionsJSON']
      const assertion = await startAuthentication({ optionsJSON })
      const r = await data(
        api.POST('/v1/sessions/mfa', {
          body: {
            challenge_id: step.challengeId,
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
      await finish(r.token)
    } catch (err) {
      setToken(null)
      setError(
        err instanceof Error && err.name === 'NotAllowedError'
          ? new Error('The passkey prompt was cancelled or timed out.')
          : err,
      )
    } finally {
      setBusy(false)
    }
  }

  return (
    <main className="signin" id="main">
      <form className="panel" onSubmit={submit} aria-describedby="signin-help">
        <h1 tabIndex={-1} ref={heading}>
          Gatehouse console
        </h1>
        <p id="signin-help">
          Sign in with a staff account (admin, responder or auditor) that has a TOTP factor or a passkey.
        </p>
        <div aria-live="assertive">
          <ProblemMessage error={error} />
        </div>
        <GuardHint error={error} />
        <ChallengeProgress />
        {step.kind === 'password' ? (
          <>
            <label htmlFor="identifier">Username, email or phone</label>
            <input
              id="identifier"
              name="username"
              autoComplete="username"
              required
              value={identifier}
              onChange={(e) => setIdentifier(e.target.value)}
            />
            <label htmlFor="password">Password</label>
            <input
              id="password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
            <button className="primary" type="submit" disabled={busy}>
              {busy ? 'Signing in…' : 'Continue'}
            </button>
          </>
        ) : (
          <>
            <label htmlFor="code">{useRecovery ? 'Recovery code' : 'Code from your authenticator app'}</label>
            <input
              id="code"
              ref={codeInput}
              name="code"
              inputMode={useRecovery ? 'text' : 'numeric'}
              autoComplete="one-time-code"
              pattern={useRecovery ? undefined : '[0-9 ]{6,8}'}
              required
              value={code}
              onChange={(e) => setCode(e.target.value)}
            />
            {step.methods.includes('totp') ? null : (
              <p className="hint">
                This account's factors: {step.methods.join(', ')}. The console signs in with TOTP or a
                recovery code.
              </p>
            )}
            <label className="check">
              <input
                type="checkbox"
                checked={useRecovery}
                onChange={(e) => setUseRecovery(e.target.checked)}
              />{' '}
              Use a recovery code instead
            </label>
            <button className="primary" type="submit" disabled={busy}>
              {busy ? 'Checking…' : 'Sign in'}
            </button>
            {step.methods.includes('webauthn') ? (
              <button type="button" onClick={passkey} disabled={busy}>
                Use a passkey
              </button>
            ) : null}
            <button
              type="button"
              onClick={() => {
                setStep({ kind: 'password' })
                setError(null)
              }}
            >
              Start again
            </button>
          </>
        )}
      </form>
    </main>
  )
}
