import { z } from 'zod'
import type { HttpServer } from '../../http/server.js'
import { requestContext } from '../../http/server.js'
import { type Authorize, staffOf } from '../access/authorize.js'
import type { AuditService } from '../audit/service.js'
import { renderIncidentReportMarkdown } from './incident-report.js'
import type { IncidentReports } from './service.js'

export const reportRoutes = (
  app: HttpServer,
  deps: { authorize: Authorize; reports: IncidentReports; audit: AuditService },
) => {
  app.get(
    '/v1/admin/incidents/:id/report',
    {
      preHandler: deps.authorize('incidents:read'),
      schema: {
        summary: 'The incident report: a security brief in Markdown or JSON',
        description:
          'Fast facts (accounts exposed, fields, sessions revoked, resets forced, messages sent), what happened, risks, imports, actions taken with times from the audit chain, mitigations in place, open items and the audit chain head. `format=markdown` (default) answers `text/markdown` as a download; `format=json` the same content as JSON. Each export is audited.',
        tags: ['admin'],
        security: [{ bearer: [] }, { cookie: [] }],
        params: z.strictObject({ id: z.string().min(1).max(64) }),
        querystring: z.strictObject({ format: z.enum(['markdown', 'json']).default('markdown') }),
      },
    },
    async (req, reply) => {
      const report = await deps.reports.build(req.params.id)
      await deps.audit.record(
        staffOf(req).actor,
        requestContext(req),
        'incident.report',
        `incident:${req.params.id}`,
        { format: req.query.format },
      )
      if (req.query.format === 'json') return reply.type('application/json').send(report)
      return reply
        .type('text/markdown; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="incident-${req.params.id.replace(/[^A-Za-z0-9_-]/g, '')}-report.md"`,
        )
        .send(renderIncidentReportMarkdown(report))
    },
  )
}
