/** What one client request met: an answer, or a network error (its code). */
export interface Outcome {
  /** When it was meant to go, in ms from the start of the scenario. */
  at: number
  /** When it went (epoch ms). */
  sent: number
  status?: number
  connection?: string | null
  contentType?: string | null
  body?: string
  /** Milliseconds from sending to the answer. */
  ms?: number
  retryAfter?: string
  error?: string
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)))

/** Counts by answer (`201`, `503 service_unavailable`) or by error code (`ECONNRESET`). */
export const summarise = (outcomes: Outcome[]): Record<string, number> => {
  const counts: Record<string, number> = {}
  for (const o of outcomes) {
    let key = o.error ?? String(o.status)
    if (o.status && o.status >= 400 && o.body) {
      try {
        const code = (JSON.parse(o.body) as { code?: unknown }).code
        if (typeof code === 'string') key += ` ${code}`
      } catch {
        key += ' (not a problem document)'
      }
    }
    counts[key] = (counts[key] ?? 0) + 1
  }
  return counts
}

/** The q-quantile (0..1) of `values`. */
export const quantile = (values: number[], q: number): number => {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
}
