import type { Logger } from 'pino'
import type { Config } from './config/index.js'
import type { AppHttp } from './http/app-server.js'
import { listenMetrics, type MetricsListener } from './http/metrics-server.js'
import { SECOND } from './kernel/clock.js'
import { Poller } from './kernel/poller.js'
import type { Metrics } from './metrics.js'
import { warmPasswordLists } from './modules/accounts/password-policy.js'

/** After the listener closes, a connection with nothing in flight for this long is closed. */
const SHUTDOWN_QUIET_MS = 1000

/** Background work that polls: started with the server, stopped (its claims released) on close. */
export interface BackgroundWorker {
  start(): unknown
  stop(): Promise<unknown>
}

/** Work run at start-up and then every `everyMs`, in this instance (it logs its own failures). */
export interface PeriodicTask {
  name: string
  run: () => Promise<void>
  everyMs: number
}

export interface RuntimeDeps {
  config: Pick<Config, 'metrics' | 'server'>
  logger: Logger
  metrics: Metrics
  server: AppHttp
  /** Tests drive the workers by hand. */
  manualWorkers: boolean
  workers: readonly BackgroundWorker[]
  periodic: readonly PeriodicTask[]
  /** Closed in this order once the workers stopped: what they used (the guard). */
  stopping: ReadonlyArray<() => Promise<unknown>>
  /** What infrastructure opened (transports, the limiter store, the database), closed last. */
  infrastructure: { close(): Promise<void> }
}

/** Starting, draining and closing a running instance (`App.startWorkers`, `drain`, `close`). */
export const createRuntime = (deps: RuntimeDeps) => {
  const { config, logger, server } = deps
  const { http, state } = server
  let metricsListener: MetricsListener | null = null
  const loops = deps.periodic.map(
    (task) =>
      new Poller({
        run: task.run,
        intervalMs: task.everyMs,
        onError: (err) => logger.error({ err }, `${task.name} failed`),
      }),
  )
  return {
    listenMetrics: async (): Promise<MetricsListener | null> => {
      if (config.metrics === null) return null
      metricsListener ??= await listenMetrics({ metrics: deps.metrics, ...config.metrics })
      return metricsListener
    },
    startWorkers: (): void => {
      if (deps.manualWorkers) return
      // The blocklist and zxcvbn's dictionaries load once the server listens (a few tenths of a
      // second), so that the first sign-up does not wait for them and start-up does not either.
      setImmediate(warmPasswordLists)
      for (const worker of deps.workers) void worker.start()
      for (const loop of loops) loop.start()
    },
    drain: async (ms: number): Promise<void> => {
      state.draining = true
      if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms))
    },
    close: async (): Promise<void> => {
      state.draining = true
      // No periodic pass starts from here on; one in flight ends before the database closes.
      const periodic = Promise.allSettled(loops.map((loop) => loop.stop()))
      await drainConnections(server, config, logger)
      state.stopped = true
      await http.close()
      await metricsListener?.close()
      await Promise.allSettled([...deps.workers.map((w) => w.stop()), periodic])
      for (const stop of deps.stopping) await stop()
      await deps.infrastructure.close()
    },
  }
}

/** Closes the listener and lets requests in flight finish, within the shutdown deadline. */
const drainConnections = async (
  server: AppHttp,
  config: Pick<Config, 'server'>,
  logger: Logger,
): Promise<void> => {
  const { http, connections } = server
  if (http.server.listening)
    logger.info(
      { connections: connections.open, timeout_seconds: config.server.shutdown.timeoutMs / SECOND },
      'taking no new work: serving requests already received or being read, refusing new connections with 503',
    )
  const drained = await connections.close({
    quietMs: SHUTDOWN_QUIET_MS,
    deadlineMs: config.server.shutdown.timeoutMs,
    onListenerClosed: () => logger.info({ connections: connections.open }, 'listener closed'),
  })
  if (drained.servedAfterClose + drained.refused + drained.closedIdle + drained.cut > 0)
    logger[drained.cut > 0 ? 'warn' : 'info'](
      {
        served_after_close: drained.servedAfterClose,
        refused: drained.refused,
        closed_idle: drained.closedIdle,
        cut: drained.cut,
      },
      'connections drained',
    )
}
