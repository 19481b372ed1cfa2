import type { FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { Authorize } from '../access/authorize.js'
import type { Names } from '../admin/names.js'
import type { ImportRecord, IncidentRecord } from './ports.js'
import type { IncidentsService } from './service.js'
import type { importView, incidentView } from './views.js'

type PreHandler = ReturnType<Authorize>

export const Id = z.string().min(1).max(64)
export const Params = z.strictObject({ id: Id })

/** What the incidents API's route groups share. */
export interface IncidentRouteContext {
  incidents: IncidentsService
  /** Largest upload in bytes. */
  importMaxBytes: number
  /** Requires `incidents:read`. */
  read: { preHandler: PreHandler }
  /** Requires `incidents:write`. */
  write: { preHandler: PreHandler }
  /** OpenAPI tags and security of every route. */
  common: { tags: string[]; security: Record<string, string[]>[] }
  /** Names for the actors, when the caller may read accounts. */
  namesOf(req: FastifyRequest, actors: Array<string | null>): Promise<Names>
  oneIncident(req: FastifyRequest, i: IncidentRecord): Promise<ReturnType<typeof incidentView>>
  oneImport(req: FastifyRequest, i: ImportRecord): Promise<ReturnType<typeof importView>>
}
