import { z } from 'zod'
import type { listenMetrics } from '../../http/metrics-server.js'
import { format, optional, type Setting, section, text, type Values } from '../kinds.js'

const rows = {
  metricsHost: {
    env: 'GATEHOUSE_METRICS_HOST',
    default: '127.0.0.1',
    doc: 'Address the Prometheus metrics listener (`GET /metrics`) binds to: loopback by default, never the public API. Another address needs GATEHOUSE_METRICS_TOKEN.',
    schema: text,
  },
  metricsPort: {
    env: 'GATEHOUSE_METRICS_PORT',
    default: '9464',
    doc: 'Port of the metrics listener (0 picks a free one; `off` runs none).',
    schema: format(
      z
        .string()
        .regex(/^(off|\d+)$/)
        .transform((v) => (v === 'off' ? null : Number(v)))
        .pipe(z.number().int().min(0).max(65535).nullable()),
      'must be a port number from 0 to 65535, or off',
    ),
  },
  metricsToken: {
    env: 'GATEHOUSE_METRICS_TOKEN',
    default: undefined,
    secret: true,
    doc: 'When set, the metrics listener answers only `Authorization: Bearer <token>` (at least 32 characters).',
    schema: optional(format(z.string().min(32), 'must be at least 32 characters long')),
  },
} as const satisfies Record<string, Setting>

/** What `listenMetrics` takes besides the metrics; null when GATEHOUSE_METRICS_PORT is off. */
export type MetricsSettings = Omit<Parameters<typeof listenMetrics>[0], 'metrics'> | null

export const metrics = section(
  'Metrics',
  rows,
  (v: Values<typeof rows>): MetricsSettings =>
    v.metricsPort === null ? null : { host: v.metricsHost, port: v.metricsPort, token: v.metricsToken },
)
