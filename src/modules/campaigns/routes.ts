import { z } from 'zod'
import { type HttpServer, requestContext } from '../../http/server.js'
import { type Authorize, staffOf } from '../access/authorize.js'
import {
  CAMPAIGN_ACTIONS,
  CAMPAIGN_STATUSES,
  type CampaignParams,
  type CampaignRecord,
  EXPOSED_FIELDS,
  MAX_SELECTOR_IDS,
  SAVED_SELECTORS,
  type Selector,
} from './ports.js'
import { type CampaignsService, describeSelector } from './service.js'

const SelectorBody = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('incident'),
    incident_id: z.string().min(1).max(64),
    fields: z
      .array(z.enum(EXPOSED_FIELDS))
      .min(1)
      .max(EXPOSED_FIELDS.length)
      .optional()
      .describe('Only accounts whose exposure includes one of these fields'),
  }),
  z.strictObject({
    kind: z.literal('accounts'),
    ids: z.array(z.string().min(1).max(64)).min(1).max(MAX_SELECTOR_IDS),
  }),
  z.strictObject({ kind: z.literal('saved'), name: z.enum(SAVED_SELECTORS) }),
  z
    .strictObject({ kind: z.literal('oidc_client'), client_id: z.string().min(1).max(200) })
    .describe('The accounts holding a grant of the OpenID Connect client'),
])

const ParamsBody = z
  .strictObject({
    channel: z.enum(['email', 'sms']).optional().describe('notify: email (default) or sms'),
    subject: z.string().max(200).optional().describe('notify: the subject of an email notice'),
    text: z
      .string()
      .min(1)
      .max(4000)
      .optional()
      .describe('notify: the text; paragraphs separated by blank lines; `{{username}}` is filled in'),
  })
  .extend({
    client_id: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('revoke_client: the OpenID Connect client whose grants end'),
  })
  .describe('The notify action takes channel, subject and text; revoke_client takes client_id')

const CreateBody = z.strictObject({
  incident_id: z.string().min(1).max(64).optional(),
  selector: SelectorBody,
  action: z.enum(CAMPAIGN_ACTIONS),
  params: ParamsBody.optional(),
  dry_run: z.boolean().optional(),
})

const Progress = z.object({
  total: z.number(),
  done: z.number(),
  failed: z.number(),
  skipped: z.number(),
  pending: z.number(),
  sessions_revoked: z.number().describe('Live sessions the campaign revoked'),
  rate: z
    .number()
    .describe(
      'Accounts handled per second over the last 30 s; for a finished campaign, over the 30 s before it finished',
    ),
  eta_seconds: z.number().nullable(),
})

const CampaignView = z.object({
  id: z.string(),
  incident_id: z.string().nullable(),
  action: z.enum(CAMPAIGN_ACTIONS),
  selector: z.record(z.string(), z.unknown()),
  params: z.record(z.string(), z.unknown()),
  status: z.enum(CAMPAIGN_STATUSES),
  created_by: z.string(),
  created_at: z.string(),
  finished_at: z.string().nullable(),
  progress: Progress,
})

const IdParams = z.strictObject({ id: z.string().min(1).max(64) })

const toSelector = (s: z.infer<typeof SelectorBody>): Selector => {
  switch (s.kind) {
    case 'incident':
      return {
        kind: 'incident',
        incidentId: s.incident_id,
        ...(s.fields ? { fields: [...s.fields].sort() } : {}),
      }
    case 'accounts':
      return { kind: 'accounts', ids: [...new Set(s.ids)] }
    case 'saved':
      return { kind: 'saved', name: s.name }
    case 'oidc_client':
      return { kind: 'oidc_client', clientId: s.client_id }
  }
}

const toParams = (action: string, body: z.infer<typeof ParamsBody> | undefined): CampaignParams => {
  const { client_id: clientId, ...p } = body ?? {}
  const revoke = clientId === undefined ? {} : { revokeClient: { clientId } }
  if (action !== 'notify') return Object.keys(p).length > 0 ? { notify: paramsOf(p), ...revoke } : revoke
  return { notify: paramsOf(p), ...revoke }
}

const paramsOf = (p: z.infer<typeof ParamsBody>) => ({
  channel: p.channel ?? 'email',
  subject: p.subject ?? '',
  text: p.text ?? '',
})

/** The campaign as the API shows it, with its progress. */
const viewOf = async (campaigns: CampaignsService, c: CampaignRecord) => {
  const p = await campaigns.progress(c)
  return {
    id: c.id,
    incident_id: c.incidentId,
    action: c.action,
    selector: describeSelector(c.selector),
    params: c.params.notify
      ? { ...c.params.notify }
      : c.params.revokeClient
        ? { client_id: c.params.revokeClient.clientId }
        : {},
    status: c.status,
    created_by: c.createdBy,
    created_at: new Date(c.createdAt).toISOString(),
    finished_at: c.finishedAt === null ? null : new Date(c.finishedAt).toISOString(),
    progress: {
      total: p.total,
      done: p.done,
      failed: p.failed,
      skipped: p.skipped,
      pending: p.pending,
      sessions_revoked: c.sessionsRevoked,
      rate: p.rate,
      eta_seconds: p.etaSeconds,
    },
  }
}

/** What every campaign route shares: the scope checks, the OpenAPI tags, the service. */
interface RouteContext {
  app: HttpServer
  read: { preHandler: ReturnType<Authorize> }
  write: { preHandler: ReturnType<Authorize> }
  common: { tags: string[]; security: Record<string, string[]>[] }
  campaigns: CampaignsService
  view: (c: CampaignRecord) => ReturnType<typeof viewOf>
}

/** `POST /v1/admin/campaigns`: create a campaign, or with `dry_run` count what it would do. */
const createRoute = ({ app, write, common, campaigns, view }: RouteContext) =>
  app.post(
    '/v1/admin/campaigns',
    {
      ...write,
      // Room for 10,000 account ids.
      bodyLimit: 1024 * 1024,
      schema: {
        ...common,
        summary: 'Start a campaign (or, with dry_run, count what it would do)',
        description:
          'An action over a selection of accounts, handled in batches by background workers. See docs/campaigns.md.',
        body: CreateBody,
        response: {
          200: z
            .object({
              dry_run: z.literal(true),
              selected: z.number(),
              effects: z.record(z.string(), z.number()),
            })
            .describe('The dry run: nothing was created'),
          201: CampaignView,
        },
      },
    },
    async (req, reply) => {
      const b = req.body
      const input = {
        incidentId: b.incident_id,
        selector: toSelector(b.selector),
        action: b.action,
        params: toParams(b.action, b.params),
      }
      if (b.dry_run) {
        const counts = await campaigns.dryRun(input)
        return reply.status(200).send({ dry_run: true as const, ...counts })
      }
      const c = await campaigns.create(input, staffOf(req).actor, requestContext(req))
      return reply.status(201).send(await view(c))
    },
  )

/** `GET /v1/admin/campaigns`: newest first, by incident and status. */
const listRoute = ({ app, read, common, campaigns, view }: RouteContext) =>
  app.get(
    '/v1/admin/campaigns',
    {
      ...read,
      schema: {
        ...common,
        summary: 'Campaigns, newest first',
        querystring: z.strictObject({
          incident_id: z.string().min(1).max(64).optional(),
          status: z.enum(CAMPAIGN_STATUSES).optional(),
          limit: z.coerce.number().int().min(1).max(100).default(50),
        }),
        response: { 200: z.object({ campaigns: z.array(CampaignView) }) },
      },
    },
    async (req) => {
      const list = await campaigns.list(
        {
          ...(req.query.incident_id ? { incidentId: req.query.incident_id } : {}),
          ...(req.query.status ? { status: req.query.status } : {}),
        },
        req.query.limit,
      )
      return { campaigns: await Promise.all(list.map(view)) }
    },
  )

/** `GET /v1/admin/campaigns/{id}`. */
const getRoute = ({ app, read, common, campaigns, view }: RouteContext) =>
  app.get(
    '/v1/admin/campaigns/:id',
    {
      ...read,
      schema: {
        ...common,
        summary: 'A campaign and its progress',
        params: IdParams,
        response: { 200: CampaignView },
      },
    },
    async (req) => view(await campaigns.get(req.params.id)),
  )

const MOVES = {
  pause: 'Workers take no new batch until it is resumed; a batch in progress finishes.',
  resume: 'Workers take its batches again.',
  cancel: 'Targets not handled yet stay unhandled; a batch in progress finishes.',
} as const

/** `POST /v1/admin/campaigns/{id}/pause|resume|cancel`. */
const moveRoute = ({ app, write, common, campaigns, view }: RouteContext, verb: keyof typeof MOVES) =>
  app.post(
    `/v1/admin/campaigns/:id/${verb}`,
    {
      ...write,
      schema: {
        ...common,
        summary: `${verb[0]!.toUpperCase()}${verb.slice(1)} a campaign`,
        description: MOVES[verb],
        params: IdParams,
        response: { 200: CampaignView },
      },
    },
    async (req) => view(await campaigns[verb](req.params.id, staffOf(req).actor, requestContext(req))),
  )

export const campaignRoutes = (
  app: HttpServer,
  deps: { authorize: Authorize; campaigns: CampaignsService },
) => {
  const { campaigns } = deps
  const security: Record<string, string[]>[] = [{ bearer: [] }, { cookie: [] }]
  const ctx: RouteContext = {
    app,
    read: { preHandler: deps.authorize('campaigns:read') },
    write: { preHandler: deps.authorize('campaigns:write') },
    common: { tags: ['admin'], security },
    campaigns,
    view: (c) => viewOf(campaigns, c),
  }
  createRoute(ctx)
  listRoute(ctx)
  getRoute(ctx)
  for (const verb of ['pause', 'resume', 'cancel'] as const) moveRoute(ctx, verb)
}
