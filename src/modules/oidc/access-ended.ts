import type { RequestContext, SecurityEvent } from '../events/ports.js'
import type { SecurityEventType } from '../events/vocabulary.js'

/**
 * Ends an account's access to its applications: its grants (with every code and token issued under
 * them), its provider sessions, and a back-channel logout to each application that registered one.
 * The reason is a snake_case word kept in `oidc_grants_revoked`.
 */
export type OnAccessEnded = (accountId: string, reason: string, ctx: RequestContext) => Promise<void>

/**
 * The security events after which an account's applications must lose it too, with the reason
 * recorded: every place Gatehouse ends all of an account's sessions records one of these once its
 * change is kept (a rolled-back change records nothing, so ends nothing). A function of the details
 * where only some events of the type end access.
 */
export const ACCESS_ENDING_EVENTS: Partial<
  Record<SecurityEventType, string | ((details: Record<string, unknown>) => string | null)>
> = {
  // Incident campaigns (one event per account of a committed batch).
  campaign_password_reset_forced: 'password_reset_forced',
  campaign_sessions_revoked: 'sessions_revoked',
  // An operator's one-time password (`gatehouse accounts reset-password`) or role change.
  account_password_reset_by_operator: 'operator_password_reset',
  account_role_changed: 'role_changed',
  // Recovery completed: the new password ends every session.
  authn_password_reset_completed: 'password_reset',
  // The holder's "this wasn't me" (login notice) or the lock link of a password-changed message.
  account_locked: (d) => (d.via === 'login_notice' ? 'not_me' : 'account_locked'),
  // The holder's "sign out everywhere"; revoking one other session leaves applications alone.
  session_revoked: (d) => (d.all_but_current === true ? 'signed_out_everywhere' : null),
  // The holder changed the password: other sessions end (OWASP), and so do applications' grants.
  authn_password_change: 'password_changed',
  // A partner account's access revoked by an administrator or the access review.
  account_access_revoked: 'access_revoked',
  // Staff disabled the account (account administration).
  account_disabled: 'account_disabled',
  // A deletion was scheduled (the holder or staff): the account is disabled until it is purged.
  account_deletion_scheduled: 'account_deletion_scheduled',
}

/** The reason an event ends its account's access to applications, or null. */
export const accessEndingReason = (e: Pick<SecurityEvent, 'type' | 'details'>): string | null => {
  const rule = ACCESS_ENDING_EVENTS[e.type]
  if (rule === undefined) return null
  return typeof rule === 'string' ? rule : rule(e.details)
}

/**
 * A listener that tells applications of grants a revoke_client campaign ended (the batch deleted
 * them in its transaction; the logout tokens go once it committed).
 */
export const campaignRevocationListener =
  (tell: (accountId: string, clientIds: Set<string>, ctx: RequestContext) => Promise<void>) =>
  async (events: readonly SecurityEvent[]): Promise<void> => {
    for (const e of events) {
      if (e.type !== 'oidc_grants_revoked' || !e.accountId || e.details.campaign_id === undefined) continue
      const clients = Array.isArray(e.details.clients) ? e.details.clients : []
      const ids = new Set(clients.filter((c): c is string => typeof c === 'string'))
      if (ids.size > 0) await tell(e.accountId, ids, e.context)
    }
  }

/**
 * Which of these accounts hold anything live at the provider (a grant or a session): one query for
 * a whole batch of events, so that a campaign over millions of accounts asks once per batch, not
 * twice per account.
 */
export type AccountsWithAccess = (accountIds: readonly string[]) => Promise<ReadonlySet<string>>

/**
 * A listener of the event recorder (`EventRecorder.subscribe`) that ends the applications' access
 * of each account an access-ending event names. It runs once the event is kept: at once for events
 * recorded outside a transaction, right after the commit for the others (a campaign's worker waits
 * for it before its next batch). With `withAccess`, accounts that hold nothing at the provider are
 * passed over.
 */
export const accessEndedListener =
  (onAccessEnded: OnAccessEnded, withAccess?: AccountsWithAccess) =>
  async (events: readonly SecurityEvent[]): Promise<void> => {
    const todo = new Map<string, { accountId: string; reason: string; ctx: RequestContext }>()
    for (const e of events) {
      const reason = accessEndingReason(e)
      if (!reason || !e.accountId) continue
      const key = `${e.accountId}\u0000${reason}`
      if (!todo.has(key)) todo.set(key, { accountId: e.accountId, reason, ctx: e.context })
    }
    if (todo.size === 0) return
    const holders = withAccess
      ? await withAccess([...new Set([...todo.values()].map((t) => t.accountId))])
      : null
    for (const t of todo.values()) {
      if (holders && !holders.has(t.accountId)) continue
      await onAccessEnded(t.accountId, t.reason, t.ctx)
    }
  }
