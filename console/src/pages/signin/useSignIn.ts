import { startAuthentication } from '@simplewebauthn/browser'
import { type FormEvent, useState } from 'react'
import { api, data, type Me, setToken } from '../../api'

export type Step = { kind: 'password' } | { kind: 'code'; challengeId: string; methods: string[] }

/** The passkey as the second factor: the browser's own prompt, then the assertion to the server. */
const passkeyToken = async (challengeId: string) => {
  const o = await data(api.POST('/v1/sessions/mfa/webauthn/options', { body: { challenge_id: challengeId } }))
  // The options are @simplewebauthn/server's, passed through: the document types them as an object.
  const optionsJSON = o.options as unknown as Parameters<typeof startAuthentication>[0]['optionsJSON']
  const assertion = await startAuthentication({ optionsJSON })
  const r = await data(
    api.POST('/v1/sessions/mfa', {
      body: {
        challenge_id: challengeId,
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
  return r.token
}

/**
 * The sign-in's state and steps: the password (which may sign in at once or ask for a second
 * factor), then a TOTP or recovery code, or a passkey. `onSignedIn` gets the session's account.
 */
export const useSignIn = (onSignedIn: (me: Me) => void) => {
  const [step, setStep] = useState<Step>({ kind: 'password' })
  const [identifier, setIdentifier] = useState('')
  const [password, setPassword] = useState('')
  const [code, setCode] = useState('')
  const [useRecovery, setUseRecovery] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)

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

  const passkey = async () => {
    if (step.kind !== 'code') return
    setBusy(true)
    setError(null)
    try {
      await finish(await passkeyToken(step.challengeId))
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

  const restart = () => {
    setStep({ kind: 'password' })
    setError(null)
  }

  return {
    step,
    fields: { identifier, setIdentifier, password, setPassword, code, setCode, useRecovery, setUseRecovery },
    error,
    busy,
    submit,
    passkey,
    restart,
  }
}
export type SignInFields = ReturnType<typeof useSignIn>['fields']
