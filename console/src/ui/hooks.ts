import { useCallback, useEffect, useState } from 'react'

export interface Loaded<T> {
  data: T | null
  /** When the data last arrived (epoch ms). */
  updatedAt: number | null
  error: unknown
  loading: boolean
  reload: () => void
}

/** Loads `fetcher()` now, whenever `deps` change, on `reload()`, and every `refreshMs` if given. */
export const useLoad = <T>(
  fetcher: (signal: AbortSignal) => Promise<T>,
  deps: unknown[],
  refreshMs?: number,
): Loaded<T> => {
  const [data, setData] = useState<T | null>(null)
  const [updatedAt, setUpdatedAt] = useState<number | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [loading, setLoading] = useState(true)
  const [tick, setTick] = useState(0)
  const reload = useCallback(() => setTick((t) => t + 1), [])
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller names what the fetch depends on
  useEffect(() => {
    const ac = new AbortController()
    setLoading(true)
    fetcher(ac.signal)
      .then((d) => {
        if (ac.signal.aborted) return
        setData(d)
        setUpdatedAt(Date.now())
        setError(null)
      })
      .catch((e: unknown) => {
        if (ac.signal.aborted) return
        setError(e)
      })
      .finally(() => {
        if (!ac.signal.aborted) setLoading(false)
      })
    return () => ac.abort()
  }, [...deps, tick])
  useEffect(() => {
    if (!refreshMs) return
    const t = setInterval(reload, refreshMs)
    return () => clearInterval(t)
  }, [refreshMs, reload])
  return { data, updatedAt, error, loading, reload }
}

/** Runs an action, remembering whether it is under way and the problem it ended with. */
export const useAction = () => {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const run = useCallback(async <T>(f: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true)
    setError(null)
    try {
      return await f()
    } catch (e) {
      setError(e)
      return undefined
    } finally {
      setBusy(false)
    }
  }, [])
  return { busy, error, run, clear: () => setError(null) }
}
