import { type InputHTMLAttributes, type ReactNode, type Ref, useState } from 'react'
import { t } from '../i18n'

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'value' | 'onChange' | 'ref'>

/**
 * A labelled input: its hint and its error are tied to it (aria-describedby), an error marks it
 * invalid. `value`/`onValue` hold its text.
 */
export const Field = ({
  id,
  label,
  hint,
  error,
  value,
  onValue,
  inputRef,
  after,
  describedBy,
  ...rest
}: InputProps & {
  id: string
  label: string
  hint?: string | undefined
  error?: string | null | undefined
  value: string
  onValue: (v: string) => void
  inputRef?: Ref<HTMLInputElement> | undefined
  /** Shown after the input, inside the field (a show-password button, a meter). */
  after?: ReactNode
  /** More descriptions of the input (ids), after its hint and error. */
  describedBy?: string | undefined
}) => {
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : '', describedBy ?? '']
    .filter(Boolean)
    .join(' ')
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        {...rest}
        id={id}
        ref={inputRef}
        value={value}
        onChange={(e) => onValue((e.target as HTMLInputElement).value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={described || undefined}
      />
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
      {after}
    </div>
  )
}

/** A password input with a button that shows or hides what was typed. */
export const PasswordField = ({
  autoComplete,
  ...props
}: Parameters<typeof Field>[0] & { autoComplete: 'current-password' | 'new-password' }) => {
  const [shown, setShown] = useState(false)
  return (
    <Field
      {...props}
      type={shown ? 'text' : 'password'}
      autoComplete={autoComplete}
      spellCheck={false}
      autoCapitalize="off"
      after={
        <>
          <button
            type="button"
            className="link reveal"
            aria-controls={props.id}
            aria-pressed={shown}
            onClick={() => setShown(!shown)}
          >
            {t('common.showPassword')}
          </button>
          {props.after}
        </>
      }
    />
  )
}

/** A one-time code: digits (numeric keyboard) unless it is a recovery code. */
export const CodeField = ({
  digits = true,
  ...props
}: Omit<Parameters<typeof Field>[0], 'autoComplete'> & { digits?: boolean }) => (
  <Field
    required
    {...props}
    autoComplete="one-time-code"
    inputMode={digits ? 'numeric' : 'text'}
    pattern={digits ? '[0-9 ]*' : undefined}
    spellCheck={false}
    autoCapitalize="off"
    className="mono"
  />
)
