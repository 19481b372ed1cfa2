import { SECOND } from '../../kernel/clock.js'
import { choice, int, type Setting, section, text, type Values } from '../kinds.js'

const rows = {
  host: {
    env: 'GATEHOUSE_HOST',
    default: '127.0.0.1',
    doc: 'Address the HTTP API listens on.',
    schema: text,
  },
  port: {
    env: 'GATEHOUSE_PORT',
    default: '4455',
    doc: 'Port the HTTP API listens on (0 picks a free one).',
    schema: int(0, 65535),
  },
  logLevel: {
    env: 'GATEHOUSE_LOG_LEVEL',
    default: 'info',
    doc: 'pino log level: fatal, error, warn, info, debug, trace or silent.',
    schema: choice(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  },
  shutdownGraceSeconds: {
    env: 'GATEHOUSE_SHUTDOWN_GRACE_SECONDS',
    default: '5',
    doc: 'On SIGTERM, how long the instance keeps serving while `/readyz` answers 503 (and answers carry `Connection: close`), so that a load balancer stops sending it requests; then it stops taking connections, finishes the requests in flight, releases claimed work and exits.',
    schema: int(0, 300),
  },
  shutdownTimeoutSeconds: {
    env: 'GATEHOUSE_SHUTDOWN_TIMEOUT_SECONDS',
    default: '10',
    doc: 'After the grace period the instance takes no new work: requests already received or being read are served (each answer carries `Connection: close`), a request on a connection made since is answered `503 service_unavailable`, idle connections are closed after a quiet second, and the listener closes once no request is in flight and no connection came for a second. What is left after this many seconds is cut.',
    schema: int(1, 300),
  },
} as const satisfies Record<string, Setting>

export interface ServerSettings {
  /** Where the HTTP API listens. */
  listen: { host: string; port: number }
  logLevel: Values<typeof rows>['logLevel']
  /** On SIGTERM: how long to keep serving while draining, then how long closing may take. */
  shutdown: { graceMs: number; timeoutMs: number }
}

/** Where the API listens, what it logs, and how it stops. */
export const server = section(
  'Server',
  rows,
  (v: Values<typeof rows>): ServerSettings => ({
    listen: { host: v.host, port: v.port },
    logLevel: v.logLevel,
    shutdown: { graceMs: v.shutdownGraceSeconds * SECOND, timeoutMs: v.shutdownTimeoutSeconds * SECOND },
  }),
)
