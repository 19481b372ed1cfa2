import type { Clock } from '../../kernel/clock.js'
import { AppError } from '../../kernel/errors.js'
import type { Notifier } from '../../kernel/notifier.js'
import { newId } from '../../kernel/tokens.js'
import type { AuditService } from '../audit/service.js'
import type { RequestContext } from '../events/ports.js'
import {
  type CampaignAction,
  type CampaignParams,
  type CampaignRecord,
  type CampaignRepository,
  type CampaignStatus,
  type DryRunCounts,
  type IncidentCampaignSummary,
  MAX_SELECTOR_IDS,
  type Selector,
} from './ports.js'

/** The window the rate of a campaign is measured over. */
export const RATE_WINDOW_MS = 30_000

export interface CampaignProgress {
  total: number
  done: number
  failed: number
  skipped: number
  /** Targets not handled yet. */
  pending: number
  /** Targets handled per second over the last 30 s (of a finished campaign: the 30 s before it finished). */
  rate: number
  /** Seconds to go at that rate; null when not running or nothing moved lately. */
  etaSeconds: number | null
}

export interface CampaignInput {
  incidentId?: string | undefined
  selector: Selector
  action: CampaignAction
  params: CampaignParams
}

/** The campaign's incident: the one named, or the one its selector selects from. */
const incidentOf = (input: CampaignInput): string | null =>
  input.incidentId ?? (input.selector.kind === 'incident' ? input.selector.incidentId : null)

/** Only `{{username}}` may appear between double braces in a notice. */
const PLACEHOLDER = /\{\{\s*([^}]*?)\s*\}\}/g

export const checkNotice = (params: CampaignParams, action: CampaignAction): void => {
  if ((action === 'revoke_client') !== (params.revokeClient !== undefined)) {
    throw new AppError('invalid_request', {
      detail: 'The revoke_client action, and it alone, takes params.client_id',
    })
  }
  if (action !== 'notify') {
    if (params.notify) {
      throw new AppError('invalid_request', { detail: 'params.notify belongs to the notify action only' })
    }
    return
  }
  const n = params.notify
  if (!n) throw new AppError('invalid_request', { detail: 'The notify action needs params.notify' })
  if (n.channel === 'email' && n.subject.trim() === '') {
    throw new AppError('invalid_request', { detail: 'An email notice needs a subject' })
  }
  for (const text of [n.subject, n.text]) {
    for (const m of text.matchAll(PLACEHOLDER)) {
      if (m[1] !== 'username') {
        throw new AppError('invalid_request', {
          detail: `Unknown placeholder {{${(m[1] ?? '').slice(0, 32)}}}: only {{username}} is filled in`,
        })
      }
    }
  }
}

/**
 * Campaigns: checks and creates them (targets materialised at once), answers dry runs and
 * progress, and moves them between running, paused and cancelled. Each change is audited
 * (`campaign.create|pause|resume|cancel`); the worker appends `campaign.complete`.
 */
export class CampaignsService {
  constructor(
    private readonly deps: {
      campaigns: CampaignRepository
      audit: AuditService
      clock: Clock
      /** Told when a campaign was created or resumed: the worker looks for work at once. */
      work: Notifier
    },
  ) {}

  async #check(input: CampaignInput): Promise<void> {
    const { selector } = input
    if (selector.kind === 'accounts' && selector.ids.length > MAX_SELECTOR_IDS) {
      throw new AppError('invalid_request', { detail: `At most ${MAX_SELECTOR_IDS} account ids` })
    }
    if (selector.kind === 'incident') {
      if (input.incidentId && input.incidentId !== selector.incidentId) {
        throw new AppError('invalid_request', {
          detail: 'incident_id and selector.incident_id name different incidents',
        })
      }
      if (!(await this.deps.campaigns.incidentExists(selector.incidentId))) {
        throw new AppError('invalid_request', { detail: 'No incident has the id of selector.incident_id' })
      }
    }
    if (input.incidentId && !(await this.deps.campaigns.incidentExists(input.incidentId))) {
      throw new AppError('invalid_request', { detail: 'No incident has this incident_id' })
    }
    checkNotice(input.params, input.action)
  }

  /** Counts what the campaign would select and change; creates nothing. */
  async dryRun(input: CampaignInput): Promise<DryRunCounts> {
    await this.#check(input)
    return this.deps.campaigns.dryRun(
      input.selector,
      input.action,
      input.params,
      incidentOf(input),
      this.deps.clock.now(),
    )
  }

  async create(input: CampaignInput, actor: string, ctx: RequestContext): Promise<CampaignRecord> {
    await this.#check(input)
    const incidentId = incidentOf(input)
    const campaign = await this.deps.campaigns.create({
      id: newId(),
      incidentId,
      selector: input.selector,
      action: input.action,
      params: input.params,
      createdBy: actor,
      createdAt: this.deps.clock.now(),
    })
    await this.deps.audit.record(actor, ctx, 'campaign.create', `campaign:${campaign.id}`, {
      incident_id: campaign.incidentId,
      action: campaign.action,
      selector: describeSelector(campaign.selector),
      total: campaign.total,
    })
    this.deps.work.notify()
    return campaign
  }

  async get(id: string): Promise<CampaignRecord> {
    const c = await this.deps.campaigns.get(id)
    if (!c) throw new AppError('campaign_not_found')
    return c
  }

  /** What the campaigns of an incident did (for its report and timeline). */
  incidentSummary(incidentId: string): Promise<IncidentCampaignSummary> {
    return this.deps.campaigns.incidentSummary(incidentId)
  }

  list(filter: { incidentId?: string; status?: CampaignStatus }, limit: number): Promise<CampaignRecord[]> {
    return this.deps.campaigns.list(filter, limit)
  }

  /**
   * Counts and rate. A finished campaign's rate is measured over the 30 s before it finished, so it
   * stays what it was then instead of decaying toward 0 as time passes.
   */
  async progress(c: CampaignRecord): Promise<CampaignProgress> {
    const end = c.finishedAt ?? this.deps.clock.now()
    const since = Math.max(end - RATE_WINDOW_MS, c.createdAt)
    const handled = await this.deps.campaigns.handledSince(c.id, since)
    const seconds = Math.max((end - since) / 1000, 1)
    const rate = handled / seconds
    const pending = Math.max(c.total - c.done - c.failed - c.skipped, 0)
    return {
      total: c.total,
      done: c.done,
      failed: c.failed,
      skipped: c.skipped,
      pending,
      rate: Math.round(rate * 10) / 10,
      etaSeconds: c.status === 'running' && rate > 0 ? Math.ceil(pending / rate) : null,
    }
  }

  pause(id: string, actor: string, ctx: RequestContext) {
    return this.#move(id, ['running'], 'paused', 'campaign.pause', actor, ctx)
  }

  resume(id: string, actor: string, ctx: RequestContext) {
    return this.#move(id, ['paused'], 'running', 'campaign.resume', actor, ctx)
  }

  cancel(id: string, actor: string, ctx: RequestContext) {
    return this.#move(id, ['running', 'paused'], 'cancelled', 'campaign.cancel', actor, ctx)
  }

  /** Pausing a paused campaign (or resuming a running one) changes nothing and answers it as it is. */
  async #move(
    id: string,
    from: CampaignStatus[],
    to: CampaignStatus,
    action: string,
    actor: string,
    ctx: RequestContext,
  ): Promise<CampaignRecord> {
    const before = await this.get(id)
    if (before.status === to) return before
    if (!(await this.deps.campaigns.transition(id, from, to, this.deps.clock.now()))) {
      const now = await this.get(id)
      if (now.status === to) return now
      throw new AppError('campaign_finished', { detail: `The campaign is ${now.status}` })
    }
    const after = await this.get(id)
    await this.deps.audit.record(actor, ctx, action, `campaign:${id}`, {
      incident_id: after.incidentId,
      action: after.action,
      done: after.done,
      skipped: after.skipped,
      failed: after.failed,
      total: after.total,
    })
    if (to === 'running') this.deps.work.notify()
    return after
  }
}

/** The selector for audit details and listings: never the account ids themselves. */
export const describeSelector = (s: Selector): Record<string, unknown> => {
  switch (s.kind) {
    case 'incident':
      return { kind: 'incident', incident_id: s.incidentId, ...(s.fields ? { fields: s.fields } : {}) }
    case 'accounts':
      return { kind: 'accounts', count: s.ids.length }
    case 'saved':
      return { kind: 'saved', name: s.name }
    case 'oidc_client':
      return { kind: 'oidc_client', client_id: s.clientId }
  }
}
