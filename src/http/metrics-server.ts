import { timingSafeEqual } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Metrics } from '../metrics.js'

export interface MetricsListener {
  readonly address: AddressInfo
  close(): Promise<void>
}

const same = (given: string, expected: string): boolean => {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

/**
 * Prometheus metrics on a listener of their own, never on the public API: what they count (logins,
 * messages, events by type) moves with what requests did to accounts, so whoever can read them
 * before and after a request could learn what it named. `GET /metrics` only; with a token, only
 * with `Authorization: Bearer <token>`.
 */
export const listenMetrics = async (opts: {
  metrics: Metrics
  host: string
  port: number
  token: string | undefined
}): Promise<MetricsListener> => {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0]
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n')
      return
    }
    if (opts.token) {
      const auth = req.headers.authorization ?? ''
      if (!auth.startsWith('Bearer ') || !same(auth.slice(7), opts.token)) {
        res
          .writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' })
          .end('unauthorized\n')
        return
      }
    }
    opts.metrics.registry.metrics().then(
      (text) => {
        res.writeHead(200, { 'content-type': opts.metrics.registry.contentType, 'cache-control': 'no-store' })
        res.end(text)
      },
      () => res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n'),
    )
  })
  server.keepAliveTimeout = 5_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  return {
    address: server.address() as AddressInfo,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
