import { useEffect, useRef } from 'react'
import type { Me } from '../api'
import { ChallengeProgress, GuardHint, ProblemMessage } from '../ui'
import { CodeStep, PasswordStep } from './signin/Steps'
import { useSignIn } from './signin/useSignIn'

/**
 * Password, then the second factor: a TOTP code, a passkey, or one of the recovery codes. A
 * challenge of the guard met on the way is solved in the page (api/index.ts), its progress shown here.
 */
export const SignIn = ({ onSignedIn }: { onSignedIn: (me: Me) => void }) => {
  const { step, fields, error, busy, submit, passkey, restart } = useSignIn(onSignedIn)
  const codeInput = useRef<HTMLInputElement>(null)
  const heading = useRef<HTMLHeadingElement>(null)

  useEffect(() => {
    document.title = 'Sign in · Gatehouse console'
    heading.current?.focus()
  }, [])
  useEffect(() => {
    if (step.kind === 'code') codeInput.current?.focus()
  }, [step])

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
          <PasswordStep fields={fields} busy={busy} />
        ) : (
          <CodeStep
            step={step}
            fields={fields}
            busy={busy}
            codeInput={codeInput}
            onPasskey={passkey}
            onRestart={restart}
          />
        )}
      </form>
    </main>
  )
}
