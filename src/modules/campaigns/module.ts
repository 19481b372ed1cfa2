import type { Logger } from 'pino'
import type { Config } from '../../config/index.js'
import type { HttpServer } from '../../http/server.js'
import type { Clock } from '../../kernel/clock.js'
import { createNotifier } from '../../kernel/notifier.js'
import type { Metrics } from '../../metrics.js'
import type { Authorize } from '../access/authorize.js'
import type { AuditService } from '../audit/service.js'
import type { CampaignRepository } from './ports.js'
import { campaignRoutes } from './routes.js'
import { CampaignsService } from './service.js'
import { CampaignWorker } from './worker.js'

export interface CampaignsModuleDeps {
  config: Pick<Config, 'campaigns'>
  repo: CampaignRepository
  audit: AuditService
  clock: Clock
  logger: Logger
  metrics: Metrics
  /** Whether the database lets workers claim rows others hold (SKIP LOCKED): lanes run at once. */
  skipLocked: boolean
}

/** Campaigns (docs/campaigns.md): actions over selections of accounts, run in batches by the worker. */
export const createCampaignsModule = (deps: CampaignsModuleDeps) => {
  const { config, clock, metrics, audit } = deps
  const worker = new CampaignWorker({
    campaigns: deps.repo,
    audit,
    clock,
    logger: deps.logger,
    ...config.campaigns,
    lanes: deps.skipLocked ? config.campaigns.lanes : 1,
    pauseShare: deps.skipLocked ? 0 : 0.25,
    metrics: {
      targets: (action, outcome, n) => metrics.campaignTargets.inc({ action, outcome }, n),
      progress: (c, ratio) => metrics.campaignProgress.set({ campaign_id: c.id, action: c.action }, ratio),
    },
  })
  // A campaign created or resumed: the worker starts at once rather than at its next poll.
  const work = createNotifier()
  work.listen(() => worker.kick())
  const campaigns = new CampaignsService({ campaigns: deps.repo, audit, clock, work })
  return {
    campaigns,
    worker,
    routes: (http: HttpServer, with_: { authorize: Authorize }) =>
      campaignRoutes(http, { authorize: with_.authorize, campaigns }),
  }
}
