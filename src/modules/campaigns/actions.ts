import { createHash } from 'node:crypto'
import type { Locale } from '../../kernel/locale.js'
import { type NewSecurityEvent, noContext } from '../events/recorder.js'
import type { SecurityEventType } from '../events/vocabulary.js'
import { callingCodeOf, destinationOf } from '../mail/gate.js'
import { messageLocale } from '../mail/locale.js'
import type { LedgerMessage } from '../mail/ports.js'
import type { CampaignAction, CampaignRecord, NotifyParams } from './ports.js'

/*
 * What each campaign action does to the accounts of a batch (docs/campaigns.md, "Actions"). The
 * worker's batch claims the targets and marks them; everything in between is here. Every port is
 * bound to the batch's one transaction: a batch that rolls back changed, queued and recorded nothing.
 */

/** Set-based operations over the accounts of one batch, bound to the batch's transaction. */
export interface CampaignActionPorts {
  accounts: {
    /** The ids among `ids` of accounts that still exist (the others are skipped). */
    existing(ids: readonly string[]): Promise<string[]>
    /**
     * Marks them *password reset required*; an account already marked keeps its first time. Like the
     * two below, returns the ids among `ids` of the accounts that exist (and were marked), in order.
     */
    requirePasswordReset(ids: readonly string[], now: number): Promise<string[]>
    /** Flags them: from their next login, no second factor means a session that may only enrol one. */
    requireMfaEnrolment(ids: readonly string[], now: number): Promise<string[]>
    /** Turns their reset lock on (reset messages need a second-factor code first). */
    setResetLock(ids: readonly string[], now: number): Promise<string[]>
    /** The accounts among `ids` with a verified address for the channel, with that address. */
    reachable(
      ids: readonly string[],
      channel: NotifyParams['channel'],
    ): Promise<Array<{ id: string; username: string; address: string; locale?: Locale | null }>>
  }
  sessions: {
    /** Revokes their live sessions (those past their end open nothing and stay as they are); returns how many. */
    revokeLive(accountIds: readonly string[], now: number): Promise<number>
  }
  oidc: {
    /**
     * Ends the client's live grants of these accounts, with every code and token issued under them;
     * returns the accounts that had one.
     */
    revokeClientGrants(accountIds: readonly string[], clientId: string, now: number): Promise<string[]>
  }
  tokens: {
    /** Kills every outstanding one-time token (recovery, verification, lock links) and pending address change. */
    revokeOutstanding(accountIds: readonly string[], now: number): Promise<void>
  }
  notices: {
    /**
     * Queues the messages to the outbox, each under its dedupe key: a message whose key is already
     * there is not queued again. Returns the accounts a message was queued for.
     */
    queueOnce(messages: readonly LedgerMessage[], now: number): Promise<string[]>
  }
  events: {
    /** Records the events into the batch's transaction (counted and sent to webhooks once it commits). */
    recordMany(events: readonly NewSecurityEvent[]): Promise<void>
  }
}

/** What an action did to a batch: the accounts it changed (done), the others (skipped). */
export interface ActionResult {
  done: string[]
  skipped: string[]
  /** Live sessions it revoked. */
  sessionsRevoked: number
}

/** The security event each action records per account it changed. */
export const EVENT_OF: Record<CampaignAction, SecurityEventType> = {
  force_password_reset: 'campaign_password_reset_forced',
  revoke_sessions: 'campaign_sessions_revoked',
  require_mfa_enrollment: 'campaign_mfa_enrolment_required',
  reset_lock: 'campaign_reset_lock_set',
  notify: 'campaign_notice_queued',
  revoke_client: 'oidc_grants_revoked',
}

/**
 * The outbox dedupe key of a notice: one per account and message (incident, channel, subject and
 * text), whichever campaign queues it, so running the same notice again never sends it twice.
 */
export const noticeKey = (incidentId: string | null, n: NotifyParams): string =>
  createHash('sha256')
    .update(JSON.stringify([incidentId, n.channel, n.subject, n.text]))
    .digest('hex')
    .slice(0, 24)

/** The dedupe keys of a notice start with this; the account id follows. */
export const noticeKeyPrefix = (incidentId: string | null, n: NotifyParams): string =>
  `campaign:${noticeKey(incidentId, n)}:`

/**
 * Forced reset: the account is marked reset-required (no session opens until recovery sets a new
 * password), its sessions are revoked, and every outstanding one-time token and pending address
 * change dies. It sends nothing: a notify campaign tells the holders.
 */
const forcePasswordReset = async (p: CampaignActionPorts, ids: string[], now: number) => {
  const done = await p.accounts.requirePasswordReset(ids, now)
  if (done.length === 0) return { done, sessionsRevoked: 0 }
  const sessionsRevoked = await p.sessions.revokeLive(done, now)
  await p.tokens.revokeOutstanding(done, now)
  return { done, sessionsRevoked }
}

/**
 * Applies one of the account actions to those of `ids` that still exist; returns them (done) and
 * the sessions revoked. The actions that mark the account learn which exist from that one update.
 */
const applyToAccounts = async (
  p: CampaignActionPorts,
  action: Exclude<CampaignAction, 'notify' | 'revoke_client'>,
  ids: string[],
  now: number,
): Promise<{ done: string[]; sessionsRevoked: number }> => {
  switch (action) {
    case 'force_password_reset':
      return forcePasswordReset(p, ids, now)
    case 'revoke_sessions': {
      const done = await p.accounts.existing(ids)
      return { done, sessionsRevoked: done.length > 0 ? await p.sessions.revokeLive(done, now) : 0 }
    }
    case 'require_mfa_enrollment':
      return { done: await p.accounts.requireMfaEnrolment(ids, now), sessionsRevoked: 0 }
    case 'reset_lock':
      return { done: await p.accounts.setResetLock(ids, now), sessionsRevoked: 0 }
  }
}

/**
 * Notify: the campaign's message to each account's verified address (or phone), with the notice's
 * dedupe key. Accounts without one, and accounts that already had this notice, are skipped. Recorded
 * as the outbound gate records messages (kind `campaign`, destination, region): its second look
 * before each send holds the campaign budget per destination.
 */
const notify = async (p: CampaignActionPorts, c: CampaignRecord, ids: string[], now: number) => {
  const n = c.params.notify
  if (!n) return []
  const reachable = await p.accounts.reachable(ids, n.channel)
  if (reachable.length === 0) return []
  const prefix = noticeKeyPrefix(c.incidentId, n)
  return p.notices.queueOnce(
    reachable.map(
      (a): LedgerMessage => ({
        channel: n.channel,
        recipient: a.address,
        template: 'campaign_notice',
        payload: { username: a.username, subject: n.subject, text: n.text, ...messageLocale(a.locale) },
        accountId: a.id,
        dedupeKey: `${prefix}${a.id}`,
        kind: 'campaign',
        destination: destinationOf(n.channel, a.address),
        region: n.channel === 'sms' ? callingCodeOf(a.address) : null,
      }),
    ),
    now,
  )
}

/** The event of each changed account: one details object and one context for the whole batch. */
const recordEvents = (p: CampaignActionPorts, c: CampaignRecord, done: string[]) => {
  if (done.length === 0) return Promise.resolve()
  const details =
    c.action === 'notify'
      ? { campaign_id: c.id, incident_id: c.incidentId, channel: c.params.notify?.channel }
      : c.action === 'revoke_client'
        ? {
            campaign_id: c.id,
            incident_id: c.incidentId,
            reason: 'client_revoked',
            clients: [c.params.revokeClient?.clientId],
          }
        : { campaign_id: c.id, incident_id: c.incidentId }
  const context = { ...noContext, requestId: `campaign:${c.id}` }
  return p.events.recordMany(
    done.map((accountId) => ({ type: EVENT_OF[c.action], accountId, context, details })),
  )
}

/**
 * Applies the campaign's action to a batch of targets and records the event of each account it
 * changed. Idempotent per account: run again, it changes nothing more (a required reset keeps its
 * first time, a revoked session stays revoked, a notice is queued once ever).
 */
export const runCampaignAction = async (
  p: CampaignActionPorts,
  c: CampaignRecord,
  ids: string[],
  now: number,
): Promise<ActionResult> => {
  let done: string[] = []
  let sessionsRevoked = 0
  if (c.action === 'notify') done = await notify(p, c, ids, now)
  else if (c.action === 'revoke_client') {
    const clientId = c.params.revokeClient?.clientId
    done = clientId ? await p.oidc.revokeClientGrants(ids, clientId, now) : []
  } else {
    ;({ done, sessionsRevoked } = await applyToAccounts(p, c.action, ids, now))
  }
  await recordEvents(p, c, done)
  const doneSet = new Set(done)
  return { done, skipped: ids.filter((a) => !doneSet.has(a)), sessionsRevoked }
}
