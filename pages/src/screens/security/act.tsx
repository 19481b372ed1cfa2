/*
 * One section's actions: busy while a request runs, its failure announced (role=alert) and its
 * success announced (role=status), both in live regions that stay in the page. A change that
 * answers `401 reauth_required` shows the re-authentication form in the section and, once the
 * person has proved who they are, runs again by itself.
 */
import { type ReactNode, useRef, useState } from 'react'
import { useSecurity } from './context'
import { needsReauth, problemText, signedOut } from './problems'
import { Reauth } from './Reauth'

export interface Act {
  busy: boolean
  /** Runs `action`; its failure is announced, a re-authentication asked for when needed. */
  run: (action: () => Promise<void>) => Promise<void>
  /** Announces a success (role=status). */
  done: (message: string) => void
  /** Announces a failure found before any request (role=alert). */
  fail: (message: string) => void
  /** The live regions and, when asked for, the re-authentication form. */
  view: ReactNode
}

export const useAct = (): Act => {
  const { signedOut: toSignIn } = useSecurity()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  const [ok, setOk] = useState('')
  const [pending, setPending] = useState<(() => Promise<void>) | null>(null)
  const errorRef = useRef<HTMLDivElement>(null)

  const fail = (message: string) => {
    setOk('')
    setError(message)
    // Focus goes to the message, so that a keyboard or screen-reader user lands on it.
    requestAnimationFrame(() => errorRef.current?.focus())
  }

  const run = async (action: () => Promise<void>) => {
    setBusy(true)
    setError('')
    setOk('')
    try {
      await action()
    } catch (e) {
      if (needsReauth(e)) setPending(() => action)
      else if (signedOut(e)) toSignIn()
      else fail(problemText(e))
    } finally {
      setBusy(false)
    }
  }

  const view = (
    <>
      {pending && (
        <Reauth
          onDone={() => {
            const again = pending
            setPending(null)
            void run(again)
          }}
          onCancel={() => setPending(null)}
        />
      )}
      <div className="alert error sec-live" role="alert" ref={errorRef} tabIndex={-1}>
        {error}
      </div>
      <div className="alert ok sec-live" role="status">
        {ok}
      </div>
    </>
  )
  return {
    busy,
    run,
    done: (m) => {
      setError('')
      setOk(m)
    },
    fail,
    view,
  }
}
