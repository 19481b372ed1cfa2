/**
 * The legitimate user: sequential logins with correct credentials from 127.0.0.1, one started every
 * `intervalMs` (or as soon as the previous one ends, when that is later). It runs as a child process
 * of its own, so a busy flood client does not add its own event-loop delay to these figures.
 *
 *   parent → { type: 'go', ... }   child → { type: 'ready' } first, then { type: 'result', ... }
 */

import { fork } from 'node:child_process'
import http from 'node:http'
import { fileURLToPath } from 'node:url'
import { request, targetOf } from './http.js'

export interface ProbeJob {
  baseUrl: string
  logins: ReadonlyArray<{ identifier: string; password: string }>
  durationMs: number
  intervalMs: number
  /** Device tokens from an earlier probe, by login slot: the same clients coming back. */
  devices?: Record<number, string>
}

export interface ProbeResult {
  /** Latency of each successful (201) login, in ms, in order. */
  latencies: number[]
  /** When each of those logins started (Date.now()), to split the figures by phase. */
  startedAt: number[]
  /** Every answer by status (`error` for no answer). */
  statuses: Record<string, number>
  /** The device token each login slot holds at the end. */
  devices: Record<number, string>
}

type Message = { type: 'ready' } | { type: 'result'; result: ProbeResult } | { type: 'failed'; error: string }

const probe = async (job: ProbeJob): Promise<ProbeResult> => {
  const target = targetOf(job.baseUrl)
  const agent = new http.Agent({ keepAlive: true, localAddress: '127.0.0.1' })
  const latencies: number[] = []
  const startedAt: number[] = []
  const statuses: Record<string, number> = {}
  const devices = new Map<number, string>(
    Object.entries(job.devices ?? {}).map(([slot, token]) => [Number(slot), token]),
  )
  const end = Date.now() + job.durationMs
  let next = Date.now()
  for (let i = 0; Date.now() < end; i++) {
    const wait = next - Date.now()
    if (wait > 0) await new Promise((r) => setTimeout(r, wait))
    if (Date.now() >= end) break
    next += job.intervalMs
    const slot = i % job.logins.length
    const login = job.logins[slot]!
    const device = devices.get(slot)
    const at = Date.now()
    const reply = await request(target, {
      method: 'POST',
      path: '/v1/sessions',
      body: login,
      agent,
      // A returning user's client keeps its device token, as browsers keep the gh_device cookie.
      ...(device ? { headers: { 'x-gatehouse-device': device } } : {}),
    })
    const key = reply.status === 0 ? 'error' : String(reply.status)
    statuses[key] = (statuses[key] ?? 0) + 1
    if (reply.status === 201) {
      latencies.push(reply.ms)
      startedAt.push(at)
      const issued = (JSON.parse(reply.body) as { device_token?: string }).device_token
      if (issued) devices.set(slot, issued)
    }
  }
  agent.destroy()
  return { latencies, startedAt, statuses, devices: Object.fromEntries(devices) }
}

/**
 * Parent side: forks the probe and waits until it is loaded, then starts the job. Resolves when the
 * job has started, with the promise of its result.
 */
export const startLoginProbe = async (job: ProbeJob): Promise<{ result: Promise<ProbeResult> }> => {
  const child = fork(fileURLToPath(import.meta.url), ['--child'], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const messages: Message[] = []
  let wake: (() => void) | undefined
  child.on('message', (m: Message) => {
    messages.push(m)
    wake?.()
  })
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()))
  const nextMessage = async (): Promise<Message> => {
    while (messages.length === 0) {
      const arrived = new Promise<void>((r) => {
        wake = r
      })
      const gone = exited.then(() => {
        throw new Error('login probe exited early')
      })
      await Promise.race([arrived, gone])
    }
    return messages.shift()!
  }
  const first = await nextMessage()
  if (first.type !== 'ready') throw new Error('login probe did not start')
  child.send({ type: 'go', job })
  const result = nextMessage().then((m) => {
    if (child.connected) child.disconnect()
    if (m.type === 'result') return m.result
    throw new Error(`login probe failed: ${m.type === 'failed' ? m.error : m.type}`)
  })
  result.catch(() => child.kill('SIGKILL'))
  return { result }
}

if (process.argv.includes('--child') && process.send) {
  const send = (m: Message) => process.send?.(m)
  process.on('message', (m: { type: 'go'; job: ProbeJob }) => {
    if (m.type !== 'go') return
    probe(m.job)
      .then((result) => send({ type: 'result', result }))
      .catch((err: Error) => send({ type: 'failed', error: err.message }))
  })
  process.on('disconnect', () => process.exit(0))
  send({ type: 'ready' })
}
