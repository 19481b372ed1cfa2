import type { Logger } from 'pino'
import type { Config } from '../config/index.js'
import { AppError } from '../kernel/errors.js'
import { dependencyFailureOf, type OutageTracker } from '../kernel/outages.js'
import type { Metrics } from '../metrics.js'
import type { EventRecorder } from '../modules/events/recorder.js'
import type { Guard } from '../modules/guard/guard.js'
import { cookieChangeGuard } from '../modules/sessions/http-auth.js'
import { VERSION } from '../version.js'
import { opsRoutes } from './ops-routes.js'
import { createHttpServer, type FastPaths, requestContext } from './server.js'
import { trackConnections } from './shutdown.js'

/** Where the instance is in its shutdown: draining (still serving), then stopped (refusing). */
export interface ServingState {
  draining: boolean
  stopped: boolean
}

export interface AppHttpDeps {
  config: Pick<Config, 'http' | 'publicUrl' | 'webauthn'>
  logger: Logger
  metrics: Metrics
  outages: OutageTracker
  guard: Guard
  events: EventRecorder
}

/**
 * The public HTTP server with the hooks every route shares: the CSRF origin check, `Connection:
 * close` while draining, and the shutdown's refusal of new work. Routes are added by the modules.
 */
export const createAppHttp = async (deps: AppHttpDeps) => {
  const { config, logger, guard, events, outages } = deps
  const state: ServingState = { draining: false, stopped: false }
  const fastPaths: FastPaths = new Map()
  const http = await createHttpServer({
    fastPaths,
    logger,
    metrics: deps.metrics,
    ...config.http,
    version: VERSION,
    onOutage: (failure, req) => outages.failed(failure, req.routeOptions.url ?? 'unmatched'),
    onOutdatedClient: (req, version) => {
      const ctx = requestContext(req)
      void guard.legacyClient(ctx, version)
      return events.record('client_outdated', null, ctx, { version }).catch((err) => {
        logger.error({ err }, 'could not record client_outdated event')
      })
    },
  })
  // Changes authenticated by the session cookie come from pages of this origin only (CSRF).
  const origin = new URL(config.publicUrl).origin
  http.addHook('onRequest', cookieChangeGuard([origin, ...config.webauthn.settings.origins]))
  // While draining, keep-alive clients are told to reconnect (to another instance).
  http.addHook('onSend', (_req, reply, payload, done) => {
    if (state.draining) reply.header('connection', 'close')
    done(null, payload)
  })
  // Shutdown takes no new work and resets no request (src/http/shutdown.ts): a request on a
  // connection accepted after the drain began, or one that reaches the app once the workers and the
  // database are closing, gets a problem document (not Fastify's own 503 body) telling the client
  // to go elsewhere.
  const connections = trackConnections(http.server)
  http.addHook('onRequest', async (req) => {
    if (state.stopped || connections.refuses(req.raw))
      throw new AppError('service_unavailable', {
        detail: 'The instance is shutting down',
        headers: { 'retry-after': '1', connection: 'close' },
      })
  })
  return { http, fastPaths, connections, state }
}

export type AppHttp = Awaited<ReturnType<typeof createAppHttp>>

/** A readiness check that passed. */
const ok = { ready: true, state: 'ok' }

export interface ReadinessSources {
  config: Pick<Config, 'storage' | 'redis'>
  database: { ping(timeoutMs: number): Promise<unknown>; pingWrite(timeoutMs: number): Promise<unknown> }
  /** Whether the data directory has room enough (and the gauge updated). */
  diskRoom: () => Promise<boolean>
  outages: OutageTracker
  state: ServingState
}

/** `/healthz`, `/readyz` (database read and write, disk, Redis) and the OpenAPI document. */
export const readinessRoutes = (app: AppHttp, deps: ReadinessSources) => {
  const { database, outages } = deps
  const { readyTimeoutMs } = deps.config.storage
  opsRoutes(app.http, {
    timeoutMs: readyTimeoutMs,
    draining: () => deps.state.draining,
    checks: {
      database_read: {
        dependency: 'database',
        run: async () => {
          await database.ping(readyTimeoutMs)
          return ok
        },
      },
      database_write: {
        dependency: 'database',
        run: async () => {
          await database.pingWrite(readyTimeoutMs)
          return ok
        },
      },
      disk: {
        dependency: 'disk',
        run: async () => ((await deps.diskRoom()) ? ok : { ready: false, state: 'low' }),
      },
      // Not a reason to take the instance out of service: limits count in memory meanwhile.
      ...(deps.config.redis.url
        ? {
            redis: {
              dependency: 'redis' as const,
              run: async () => ({ ready: true, state: outages.isDown('redis') ? 'fallback' : 'ok' }),
            },
          }
        : {}),
    },
    onFailed: (check, state, err) =>
      outages.failed(
        dependencyFailureOf(err) ?? { dependency: check.dependency, reason: state },
        'readiness',
      ),
  })
}
