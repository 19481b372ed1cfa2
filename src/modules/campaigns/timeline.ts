import type { TimelineEntry, TimelineSource } from '../incidents/timeline.js'
import type { CampaignRecord } from './ports.js'

/**
 * An incident's campaigns on its timeline: where each one stands (its counters as of now while it
 * runs or is paused), or how it ended. Their creation and every pause, resume and cancel come from
 * the audit log.
 */
export const campaignTimelineSource =
  (campaigns: (incidentId: string) => Promise<CampaignRecord[]>): TimelineSource =>
  async (incidentId) =>
    (await campaigns(incidentId)).map((c): TimelineEntry => {
      const counts = {
        campaign_id: c.id,
        action: c.action,
        status: c.status,
        total: c.total,
        done: c.done,
        failed: c.failed,
        skipped: c.skipped,
        sessions_revoked: c.sessionsRevoked,
      }
      return c.finishedAt === null
        ? { at: c.updatedAt, source: 'campaign', kind: 'campaign.progress', actor: null, details: counts }
        : { at: c.finishedAt, source: 'campaign', kind: `campaign.${c.status}`, actor: null, details: counts }
    })
