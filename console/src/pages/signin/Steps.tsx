import type { RefObject } from 'react'
import type { SignInFields, Step } from './useSignIn'

/** The first step: identifier and password. */
export const PasswordStep = ({ fields, busy }: { fields: SignInFields; busy: boolean }) => (
  <>
    <label htmlFor="identifier">Username, email or phone</label>
    <input
      id="identifier"
      name="username"
      autoComplete="username"
      required
      value={fields.identifier}
      onChange={(e) => fields.setIdentifier(e.target.value)}
    />
    <label htmlFor="password">Password</label>
    <input
      id="password"
      name="password"
      type="password"
      autoComplete="current-password"
      required
      value={fields.password}
      onChange={(e) => fields.setPassword(e.target.value)}
    />
    <button className="primary" type="submit" disabled={busy}>
      {busy ? 'Signing in…' : 'Continue'}
    </button>
  </>
)

/** The second step: a TOTP or recovery code, a passkey when the account has one, or start again. */
export const CodeStep = ({
  step,
  fields,
  busy,
  codeInput,
  onPasskey,
  onRestart,
}: {
  step: Extract<Step, { kind: 'code' }>
  fields: SignInFields
  busy: boolean
  codeInput: RefObject<HTMLInputElement | null>
  onPasskey: () => void
  onRestart: () => void
}) => {
  const { useRecovery } = fields
  return (
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
        value={fields.code}
        onChange={(e) => fields.setCode(e.target.value)}
      />
      {step.methods.includes('totp') ? null : (
        <p className="hint">
          This account's factors: {step.methods.join(', ')}. The console signs in with TOTP or a recovery
          code.
        </p>
      )}
      <label className="check">
        <input
          type="checkbox"
          checked={useRecovery}
          onChange={(e) => fields.setUseRecovery(e.target.checked)}
        />{' '}
        Use a recovery code instead
      </label>
      <button className="primary" type="submit" disabled={busy}>
        {busy ? 'Checking…' : 'Sign in'}
      </button>
      {step.methods.includes('webauthn') ? (
        <button type="button" onClick={onPasskey} disabled={busy}>
          Use a passkey
        </button>
      ) : null}
      <button type="button" onClick={onRestart}>
        Start again
      </button>
    </>
  )
}
