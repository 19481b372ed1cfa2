import type { Logger } from 'pino'
import type { Config } from './config/index.js'
import type { AppHttp } from './http/app-server.js'
import { listenMetrics, type MetricsListener } from './http/metrics-server.js'
import { SECOND } from './kernel/clock.js'
import type { Metrics } from './metrics.js'
import { warmPasswordLists } from './modules/accounts/password-policy.js'

/** After the listener closes, a connection with nothing in flight for this long is closed. */
const SHUTDOWN_QUIET_MS = 1000

/** Background work that polls: started with the server, stopped (its claims released) on close. */
export interface BackgroundWorker {
  start(): unknown
  stop(): Promise<unknown>
}

/** Work run at start-up and then every `everyMs`, in this instance. */
export interface PeriodicTask {
  run: () => Promise<void>
  everyMs: number
}

export interface RuntimeDeps {
  config: Config
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
  const timers: NodeJS.Timeout[] = []
  return {
    listenMetrics: async (): Promise<MetricsListener | null> => {
      if (config.metricsPort === null) return null
      metricsListener ??= await listenMetrics({
        metrics: deps.metrics,
        host: config.metricsHost,
        port: config.metricsPort,
        token: config.metricsToken,
      })
      return metricsListener
    },
    startWorkers: (): void => {
      if (deps.manualWorkers) return
      // The blocklist and zxcvbn's dictionaries load once the server listens (a few tenths of a
      // second), so that the first sign-up does not wait for them and start-up does not either.
      setImmediate(warmPasswordLists)
      for (const worker of deps.workers) void worker.start()
      for (const task of deps.periodic) {
        void task.run()
        const timer = setInterval(() => void task.run(), task.everyMs)
        timer.unref()
        timers.push(timer)
      }
    },
    drain: async (ms: number): Promise<void> => {
      state.draining = true
      if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms))
    },
    close: async (): Promise<void> => {
      state.draining = true
      for (const timer of timers) clearInterval(timer)
      await drainConnections(server, config, logger)
      state.stopped = true
      await http.close()
      await metricsListener?.close()
      await Promise.allSettled(deps.workers.map((w) => w.stop()))
      for (const stop of deps.stopping) await stop()
      await deps.infrastructure.close()
    },
  }
}

/** Closes the listener and lets requests in flight finish, within the shutdown deadline. */
const drainConnections = async (server: AppHttp, config: Config, logger: Logger): Promise<void> => {
  const { http, connections } = server
  if (http.server.listening)
    logger.info(
      { connections: connections.open, timeout_seconds: config.shutdownTimeoutSeconds },
      'taking no new work: serving requests already received or being read, refusing new connections with 503',
    )
  const drained = await connections.close({
    quietMs: SHUTDOWN_QUIET_MS,
    deadlineMs: config.shutdownTimeoutSeconds * SECOND,
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
