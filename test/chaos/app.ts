import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type App, type AppOverrides, createApp } from '../../src/app.js'
import { loadConfig } from '../../src/config/index.js'
import { captureLogs, type LogLine } from '../helpers/logs.js'
import type { Outcome } from './load.js'

export interface Running {
  app: App
  baseUrl: string
  logs: LogLine[]
  dataDir: string
  close(): Promise<void>
}

/**
 * Gatehouse in this process on the real clock, listening on a free port with its workers running,
 * as `gatehouse serve` runs it: what a fault does is seen by real HTTP clients.
 */
export const startInProcess = async (
  env: Record<string, string>,
  opts: { dataDir?: string; overrides?: Pick<AppOverrides, 'clock'> } = {},
): Promise<Running> => {
  const { dataDir } = opts
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'gatehouse-chaos-'))
  const { logger, lines } = captureLogs()
  const config = loadConfig({
    GATEHOUSE_DATA_DIR: dir,
    GATEHOUSE_PUBLIC_URL: 'https://id.example.test',
    GATEHOUSE_SECRET_KEY: Buffer.alloc(32, 9).toString('base64'),
    GATEHOUSE_GUARD: 'false',
    GATEHOUSE_STEP_UP_NEW_DEVICE: 'false',
    GATEHOUSE_METRICS_PORT: 'off',
    GATEHOUSE_WORKER_INTERVAL_MS: '50',
    GATEHOUSE_WORKER_LEASE_SECONDS: '2',
    GATEHOUSE_SHUTDOWN_GRACE_SECONDS: '0',
    ...env,
  })
  const app = await createApp(config, { logger, ...opts.overrides })
  await app.http.listen({ host: '127.0.0.1', port: 0 })
  app.startWorkers()
  const { port } = app.http.server.address() as { port: number }
  return {
    app,
    baseUrl: `http://127.0.0.1:${port}`,
    logs: lines,
    dataDir: dir,
    close: async () => {
      await app.close()
      if (!dataDir) rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** One JSON request, timed; a network error is an outcome too. */
export const request = async (
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  at = 0,
): Promise<Outcome> => {
  const sent = Date.now()
  const started = performance.now()
  try {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    })
    const text = await res.text()
    return {
      at,
      sent,
      status: res.status,
      connection: res.headers.get('connection'),
      contentType: res.headers.get('content-type'),
      body: text,
      ms: performance.now() - started,
      ...(res.headers.has('retry-after') ? { retryAfter: res.headers.get('retry-after') ?? '' } : {}),
    }
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause
    return {
      at,
      sent,
      error: cause?.code ?? cause?.message ?? (e as Error).message,
      ms: performance.now() - started,
    }
  }
}
