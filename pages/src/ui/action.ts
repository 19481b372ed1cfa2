import { useEffect, useRef, useState } from 'react'
import { Problem } from '../api'

/**
 * One request a screen sends on a person's action: whether it is under way, the failure it met (a
 * Problem or another error), and the wait a `429` with `Retry-After` asks for (seconds left, counted
 * down; 0 when none). A new run clears the previous failure.
 */
export const useAction = () => {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const [waitLeft, setWaitLeft] = useState(0)
  const until = useRef(0)
  const mounted = useRef(true)

  useEffect(() => {
    mounted.current = true
    return () => {
      mounted.current = false
    }
  }, [])

  useEffect(() => {
    if (waitLeft <= 0) return
    const id = setTimeout(
      () => setWaitLeft(Math.max(0, Math.ceil((until.current - Date.now()) / 1000))),
      1000,
    )
    return () => clearTimeout(id)
  }, [waitLeft])

  const fail = (e: unknown) => {
    if (e instanceof DOMException && e.name === 'AbortError') return
    if (
      e instanceof Problem &&
      e.status === 429 &&
      e.retryAfter !== null &&
      e.code !== 'challenge_required'
    ) {
      until.current = Date.now() + e.retryAfter * 1000
      setWaitLeft(e.retryAfter)
    }
    setError(e)
  }

  /** Runs `f`; its failure is kept for the screen to show. Resolves true when `f` succeeded. */
  const run = async (f: () => Promise<void>): Promise<boolean> => {
    setBusy(true)
    setError(null)
    try {
      await f()
      return true
    } catch (e) {
      if (mounted.current) fail(e)
      return false
    } finally {
      if (mounted.current) setBusy(false)
    }
  }

  return {
    busy,
    error,
    /** Seconds before the server takes the next attempt; buttons stay disabled meanwhile. */
    waitLeft,
    /** Busy or waiting: the screen's buttons are disabled. */
    blocked: busy || waitLeft > 0,
    run,
    fail,
    clear: () => setError(null),
  }
}
export type Action = ReturnType<typeof useAction>

/** The code of a failure, when it is a problem answer. */
export const codeOf = (e: unknown): string | undefined => (e instanceof Problem ? e.code : undefined)
