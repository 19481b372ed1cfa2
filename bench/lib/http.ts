import http from 'node:http'
import { performance } from 'node:perf_hooks'

export interface Reply {
  /** HTTP status, or 0 when the request failed before an answer (see `error`). */
  status: number
  body: string
  /** From just before the request is written to the end of the answer. */
  ms: number
  error?: string
  /** True when the request went out on a connection that had already carried one. */
  reused: boolean
}

export interface Target {
  host: string
  port: number
}

export const targetOf = (baseUrl: string): Target => {
  const url = new URL(baseUrl)
  return { host: url.hostname, port: Number(url.port) }
}

/** A keep-alive agent whose connections all leave from `localAddress`; idle ones close after `idleMs`. */
export const sourceAgent = (localAddress: string, idleMs: number): http.Agent =>
  new http.Agent({ keepAlive: true, maxFreeSockets: 4, timeout: idleMs, localAddress })

const used = new WeakSet<object>()

/** One HTTP request with Node's own client; never rejects (failures come back as status 0). */
export const request = (
  target: Target,
  options: {
    method: string
    path: string
    body?: unknown
    agent: http.Agent
    localAddress?: string
    headers?: Record<string, string>
    timeoutMs?: number
  },
): Promise<Reply> =>
  new Promise((resolve) => {
    const payload =
      options.body === undefined
        ? undefined
        : Buffer.isBuffer(options.body)
          ? options.body
          : Buffer.from(JSON.stringify(options.body))
    const headers: Record<string, string> = { ...options.headers }
    if (payload) {
      headers['content-type'] = 'application/json'
      headers['content-length'] = String(payload.length)
    }
    let reused = false
    let settled = false
    const start = performance.now()
    const done = (status: number, body: string, error?: string) => {
      if (settled) return
      settled = true
      resolve({ status, body, ms: performance.now() - start, reused, ...(error ? { error } : {}) })
    }
    const req = http.request(
      {
        host: target.host,
        port: target.port,
        method: options.method,
        path: options.path,
        agent: options.agent,
        headers,
        ...(options.localAddress ? { localAddress: options.localAddress } : {}),
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => done(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')))
        res.on('error', (err: NodeJS.ErrnoException) => done(0, '', err.code ?? err.message))
      },
    )
    req.on('socket', (socket) => {
      if (used.has(socket)) reused = true
      else used.add(socket)
    })
    req.setTimeout(options.timeoutMs ?? 30_000, () =>
      req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })),
    )
    req.on('error', (err: NodeJS.ErrnoException) => done(0, '', err.code ?? err.message))
    req.end(payload)
  })

/** One keep-alive agent per source address, made when first used; `destroy()` closes them all. */
export const sourceAgents = (idleMs: number) => {
  const agents = new Map<string, http.Agent>()
  return {
    agent: (ip: string): http.Agent => {
      let a = agents.get(ip)
      if (!a) {
        a = sourceAgent(ip, idleMs)
        agents.set(ip, a)
      }
      return a
    },
    destroy: () => {
      for (const a of agents.values()) a.destroy()
    },
  }
}

/** Runs `job(0)` … `job(count - 1)`, at most `concurrency` at a time. */
export const inParallel = async (
  count: number,
  concurrency: number,
  job: (i: number) => Promise<void>,
): Promise<void> => {
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await job(next++)
    }),
  )
}
