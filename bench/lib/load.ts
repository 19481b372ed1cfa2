/**
 * Load for the comparison benchmarks, and the rounds that make their ratios fair on a shared machine.
 *
 * `interleave` measures several workloads in turns: one warm-up each (thrown away), then `rounds`
 * rounds in which every workload runs for `seconds / rounds` (whole seconds) in the same order. Background load that
 * comes and goes (the machine is shared) then falls on every workload alike instead of on whichever
 * happened to run at that moment, and a ratio of two figures compares like with like.
 *
 * `httpWorkload` is closed-loop HTTP load with autocannon (programmatic API): `connections` keep-alive
 * connections, each sending its next request as soon as the previous answer is in. How autocannon
 * counts, and what is made of it here:
 * - its own latency histogram holds 2xx answers only, and its percentiles cannot be merged across
 *   runs, so latencies are taken from its `response` events instead (2xx only, as autocannon does);
 * - `verifyBody` runs on every answer; `false` counts as a mismatch (the answer is still a 2xx);
 * - requests still in flight when the time is up are neither answers nor errors.
 * A request **failed** when it got a non-2xx answer, a body that `verify` rejects, or no answer (error
 * or timeout); `okPerSecond` counts only the good answers, between the first and the last of each
 * slice (`steadyRate`).
 */

import { performance } from 'node:perf_hooks'
import autocannon from 'autocannon'
import { percentile } from './stats.js'

/** What one run of a workload did. */
export interface Slice {
  good: number
  failed: number
  seconds: number
  /** Latency of each good operation, ms (may be empty when the workload does not time them). */
  latencies: number[]
  /** Counts by kind (status code, `errors`, `mismatches`, …), for the report when something failed. */
  counts: Record<string, number>
}

export type Workload = (seconds: number) => Promise<Slice>

export interface Figures {
  okPerSecond: number
  good: number
  failed: number
  seconds: number
  p50: number
  p99: number
  /** `200: 1234, errors: 0, …` over all rounds. */
  detail: string
  /** Good operations per second in each round, in order. */
  perRound: number[]
}

/** `a / b` per round, as `min – max`: how much a ratio moved while the machine's load did. */
export const ratioSpread = (a: Figures, b: Figures, digits = 2): string => {
  const r = a.perRound.map((x, i) => x / b.perRound[i]!)
  return `${Math.min(...r).toFixed(digits)} – ${Math.max(...r).toFixed(digits)}`
}

export interface HttpSpec {
  url: string
  method?: 'GET' | 'POST'
  headers?: Record<string, string>
  body?: string
  connections: number
  /** True when the answer's body is what a successful request returns. */
  verify?: (body: string) => boolean
}

export const httpWorkload =
  (spec: HttpSpec): Workload =>
  async (seconds) => {
    const latencies: number[] = []
    let first = 0
    let last = 0
    const r = await new Promise<autocannon.Result>((resolve, reject) => {
      const instance = autocannon(
        {
          url: spec.url,
          method: spec.method ?? 'GET',
          headers: spec.headers ?? {},
          ...(spec.body !== undefined ? { body: spec.body } : {}),
          connections: spec.connections,
          pipelining: 1,
          duration: seconds,
          timeout: 30,
          ...(spec.verify ? { verifyBody: (body) => spec.verify!(String(body ?? '')) } : {}),
        },
        (err, result) => (err ? reject(err) : resolve(result)),
      )
      instance.on('response', (_client, statusCode, _bytes, responseTime) => {
        if (statusCode >= 200 && statusCode < 300) {
          latencies.push(responseTime)
          last = performance.now()
          if (first === 0) first = last
        }
      })
    })
    const counts: Record<string, number> = {}
    for (const [code, { count }] of Object.entries(r.statusCodeStats ?? {})) counts[code] = count ?? 0
    counts.errors = r.errors
    counts.timeouts = r.timeouts
    counts.mismatches = r.mismatches
    return {
      ...steadyRate(r['2xx'] - r.mismatches, first, last, r.duration),
      failed: r.non2xx + r.errors + r.mismatches,
      latencies,
      counts,
    }
  }

/**
 * Good operations and the seconds they took, counted from the first good answer to the last. A closed
 * loop that starts with every connection at once answers nothing for one latency, and autocannon drops
 * what is in flight when the time is up; over the whole slice that would understate a slow workload
 * (a 1 s login in a 2 s slice) far more than a fast one. Between first and last answer, n − 1 answers
 * came in steady state.
 */
export const steadyRate = (
  good: number,
  firstMs: number,
  lastMs: number,
  fallbackSeconds: number,
): { good: number; seconds: number } =>
  good >= 2 && lastMs > firstMs
    ? { good: good - 1, seconds: (lastMs - firstMs) / 1000 }
    : { good, seconds: fallbackSeconds }

export const interleave = async <K extends string>(
  workloads: Record<K, Workload>,
  plan: { seconds: number; warmupSeconds: number; rounds: number },
  onSlice?: (name: K, round: number, slice: Slice) => void,
): Promise<Record<K, Figures>> => {
  const names = Object.keys(workloads) as K[]
  const slices = new Map<K, Slice[]>(names.map((n) => [n, []]))
  if (plan.warmupSeconds > 0) for (const n of names) await workloads[n](plan.warmupSeconds)
  // autocannon ends a run on its 1 s tick, so slices are whole seconds.
  const sliceSeconds = Math.max(1, Math.round(plan.seconds / plan.rounds))
  for (let round = 1; round <= plan.rounds; round++) {
    // Every other round in the reverse order: no workload always follows the same one (a server
    // still busy with the previous slice would otherwise always cost the same next workload).
    for (const n of round % 2 === 1 ? names : [...names].reverse()) {
      const slice = await workloads[n](sliceSeconds)
      slices.get(n)!.push(slice)
      onSlice?.(n, round, slice)
    }
  }
  const out = {} as Record<K, Figures>
  for (const n of names) {
    const all = slices.get(n)!
    const good = all.reduce((a, s) => a + s.good, 0)
    const seconds = all.reduce((a, s) => a + s.seconds, 0)
    const latencies = all.flatMap((s) => s.latencies)
    const counts: Record<string, number> = {}
    for (const s of all) for (const [k, v] of Object.entries(s.counts)) counts[k] = (counts[k] ?? 0) + v
    out[n] = {
      okPerSecond: good / seconds,
      good,
      failed: all.reduce((a, s) => a + s.failed, 0),
      seconds,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      perRound: all.map((s) => s.good / s.seconds),
      detail: Object.entries(counts)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', '),
    }
  }
  return out
}
