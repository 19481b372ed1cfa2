import { z } from 'zod'
import { AppError } from '../kernel/errors.js'
import { type Dependency, withDeadline } from '../kernel/outages.js'
import type { HttpServer } from './server.js'

/**
 * One readiness check: resolves with what it found (`ok`, or a word such as `low` or `fallback`)
 * and whether the instance can take traffic with it; throws when the dependency failed.
 */
export interface ReadinessCheck {
  dependency: Dependency
  run: () => Promise<{ ready: boolean; state: string }>
}

export interface ReadinessDeps {
  /** By name (`database_read`, `database_write`, `disk`, `redis`): each runs at once, all in parallel. */
  checks: Record<string, ReadinessCheck>
  /** Every check must answer within this; one that does not reads `timeout`. */
  timeoutMs: number
  draining: () => boolean
  /** Told the outcome of every check that did not pass (the outage log, metrics). */
  onFailed?: (check: ReadinessCheck, state: string, err: unknown) => void
  /** Told of every check that passed. */
  onPassed?: (check: ReadinessCheck) => void
}

/** Runs every check within the deadline; never throws. */
export const runReadiness = async (
  deps: ReadinessDeps,
): Promise<{ ready: boolean; checks: Record<string, string> }> => {
  const entries = await Promise.all(
    Object.entries(deps.checks).map(async ([name, check]) => {
      try {
        const r = await withDeadline(check.run(), deps.timeoutMs, check.dependency, `readiness check ${name}`)
        if (r.ready) deps.onPassed?.(check)
        else deps.onFailed?.(check, r.state, null)
        return [name, r.state, r.ready] as const
      } catch (err) {
        const state = (err as Error)?.name === 'DeadlineExceeded' ? 'timeout' : 'failed'
        deps.onFailed?.(check, state, err)
        return [name, state, false] as const
      }
    }),
  )
  return {
    ready: entries.every(([, , ready]) => ready),
    checks: Object.fromEntries(entries.map(([name, state]) => [name, state])),
  }
}

/** Liveness, readiness and the OpenAPI document (metrics have a listener of their own: http/metrics-server.ts). */
export const opsRoutes = (app: HttpServer, deps: ReadinessDeps) => {
  app.get(
    '/healthz',
    {
      schema: {
        summary: 'Liveness',
        tags: ['operations'],
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  )

  app.get(
    '/readyz',
    {
      schema: {
        summary:
          'Readiness: the database answers a read and a write, the data directory has room, and the instance is not draining; every check has a deadline',
        tags: ['operations'],
        response: {
          200: z.object({ status: z.literal('ready'), checks: z.record(z.string(), z.string()) }),
        },
      },
    },
    async () => {
      if (deps.draining()) {
        throw new AppError('not_ready', {
          detail: 'The instance is shutting down',
          extensions: { checks: { draining: 'yes' } },
        })
      }
      const { ready, checks } = await runReadiness(deps)
      if (!ready) {
        const failed = Object.entries(checks)
          .filter(([, state]) => state !== 'ok' && state !== 'fallback')
          .map(([name, state]) => `${name}: ${state}`)
        throw new AppError('not_ready', {
          detail: `Not ready (${failed.join(', ')})`,
          extensions: { checks },
        })
      }
      return { status: 'ready' as const, checks }
    },
  )

  app.get(
    '/openapi.json',
    { schema: { summary: 'This OpenAPI 3.1 document', tags: ['operations'] } },
    async () => app.swagger(),
  )
}
