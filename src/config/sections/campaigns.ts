import type { CampaignWorker } from '../../modules/campaigns/worker.js'
import { int, type Setting, section, type Values } from '../kinds.js'

const rows = {
  campaignNotifyPerSecond: {
    env: 'GATEHOUSE_CAMPAIGN_NOTIFY_PER_SECOND',
    default: '50',
    doc: 'Pace of a notify campaign: at most this many accounts a second get its message queued (per campaign, across every instance).',
    schema: int(1, 100000),
  },
  campaignBatchSize: {
    env: 'GATEHOUSE_CAMPAIGN_BATCH_SIZE',
    default: '1000',
    doc: 'Accounts a campaign worker handles in one transaction.',
    schema: int(1, 10000),
  },
  campaignWorkers: {
    env: 'GATEHOUSE_CAMPAIGN_WORKERS',
    default: '2',
    doc: 'Campaign batches each instance runs at once (PostgreSQL; SQLite runs one at a time whatever this says).',
    schema: int(1, 32),
  },
} as const satisfies Record<string, Setting>

/**
 * What the campaign worker takes from the configuration. `lanes` is GATEHOUSE_CAMPAIGN_WORKERS:
 * PostgreSQL runs that many at once, SQLite one.
 */
export type CampaignSettings = Pick<
  ConstructorParameters<typeof CampaignWorker>[0],
  'intervalMs' | 'batchSize' | 'notifyPerSecond' | 'lanes'
>

export const campaigns = section(
  'Campaigns',
  rows,
  (v: Values<typeof rows> & { readonly workerIntervalMs: number }): CampaignSettings => ({
    intervalMs: v.workerIntervalMs,
    batchSize: v.campaignBatchSize,
    notifyPerSecond: v.campaignNotifyPerSecond,
    lanes: v.campaignWorkers,
  }),
)
