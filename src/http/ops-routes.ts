import { z } from 'zod'
import { AppError } from '../kernel/errors.js'
import type { HttpServer } from './server.js'

/** Liveness, readiness and the OpenAPI document (metrics have a listener of their own: http/metrics-server.ts). */
export const opsRoutes = (
  app: HttpServer,
  deps: { ready: () => Promise<boolean>; draining: () => boolean },
) => {
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
        summary: 'Readiness: the database answers and the instance is not draining',
        tags: ['operations'],
        response: { 200: z.object({ status: z.literal('ready') }) },
      },
    },
    async () => {
      if (deps.draining()) throw new AppError('not_ready', { detail: 'The instance is shutting down' })
      let ok = false
      try {
        ok = await deps.ready()
      } catch {
        ok = false
      }
      if (!ok) throw new AppError('not_ready', { detail: 'The database does not answer' })
      return { status: 'ready' as const }
    },
  )

  app.get(
    '/openapi.json',
    { schema: { summary: 'This OpenAPI 3.1 document', tags: ['operations'] } },
    async () => app.swagger(),
  )
}
