import { parsePhoneNumberFromString } from 'libphonenumber-js/max'
import { DAY, HOUR, SECOND } from '../../kernel/clock.js'
import type { RateRule } from '../guard/ports.js'
import type {
  BudgetScope,
  Channel,
  ClaimedMessage,
  LedgerMessage,
  MessageKind,
  MessageLedger,
  Outbox,
  OutgoingMessage,
  QueueVerdict,
  TallyBucket,
  TallyScope,
} from './ports.js'
import { templateKinds } from './templates.js'

/** How many messages of one kind a destination, and an account, may receive per hour and per day. */
export interface KindBudget {
  hour?: number
  day: number
}

export type BudgetedKind = Exclude<MessageKind, 'webhook'>

export interface GateSettings {
  kinds: Record<BudgetedKind, KindBudget>
  /** Messages of every kind together that one destination may receive per day. */
  destinationPerDay: number
  sms: {
    /** Every SMS Gatehouse sends, together. */
    global: RateRule
    /** SMS to the numbers of one country calling code (`+44 …`). */
    perCountry: RateRule
  }
}

export interface GateHooks {
  queued?(channel: Channel, kind: MessageKind): void
  /** `stage`: refused when queued, or dropped at its second look before sending. */
  suppressed?(channel: Channel, kind: MessageKind, budget: BudgetScope, stage: 'queue' | 'send'): void
}

/** The kind of a template; throws for a template the registry does not know (a programming error). */
export const kindOf = (template: string, channel: Channel): MessageKind => {
  if (channel === 'webhook') return 'webhook'
  const kind = (templateKinds as Record<string, MessageKind | undefined>)[template]
  if (!kind) throw new Error(`the template "${template.slice(0, 40)}" has no message kind`)
  return kind
}

const GMAIL = new Set(['gmail.com', 'googlemail.com'])

/**
 * The destination budgets count by: an SMS number as stored (E.164), or an email address folded
 * so that the forms one mailbox answers to count as one — lower case throughout, no `+tag`, and
 * for Gmail no dots. It is a budget key only: mail still goes to the address as stored.
 */
export const destinationOf = (channel: Channel, recipient: string): string | null => {
  if (channel === 'webhook') return null
  if (channel === 'sms') return recipient
  const at = recipient.lastIndexOf('@')
  if (at < 0) return recipient.toLowerCase()
  let local = recipient.slice(0, at).toLowerCase()
  let domain = recipient.slice(at + 1).toLowerCase()
  const plus = local.indexOf('+')
  if (plus > 0) local = local.slice(0, plus)
  if (GMAIL.has(domain)) {
    local = local.replaceAll('.', '')
    domain = 'gmail.com'
  }
  return `${local}@${domain}`
}

/** The country calling code of an E.164 number (`+447700900123` → `44`), or `unknown`. */
export const callingCodeOf = (number: string): string =>
  parsePhoneNumberFromString(number)?.countryCallingCode ?? 'unknown'

interface Check {
  scope: TallyScope
  buckets: Array<TallyBucket & { limit: number; budget: BudgetScope }>
}

/**
 * The outbound gate: every mail and SMS, by every path, passes it. It budgets messages per
 * destination (the normalised address or number) and kind, per account and kind, per destination
 * across kinds, and SMS globally and per country calling code (against SMS pumping). A message over
 * a budget is not queued: the caller is told (`QueueVerdict`) and answers its own caller the same
 * way as for a queued one. The budgets are counted under locks on the destination and the account
 * (and, for SMS, the SMS budget), in the caller's transaction, and checked again when the message is
 * about to be sent (`recheck`), so that they hold however many requests race on however many
 * instances. Webhook messages pass without a budget.
 */
export class OutboundGate implements Outbox {
  constructor(
    private readonly ledger: MessageLedger,
    private readonly settings: GateSettings,
    private readonly hooks: GateHooks = {},
  ) {}

  async enqueue(message: OutgoingMessage, now: number): Promise<QueueVerdict> {
    const m = this.#describe(message)
    if (m.kind === 'webhook') {
      return (await this.ledger.insert(m, now)) ? { queued: true } : { queued: false, reason: 'duplicate' }
    }
    const verdict = await this.ledger.exclusive(this.#lockKeys(m), async (ledger): Promise<QueueVerdict> => {
      const duplicate = m.dedupeKey !== undefined && (await ledger.hasDedupeKey(m.dedupeKey))
      // Every budget is counted, also for a duplicate or once one is over: a message costs the
      // same statements whatever becomes of it (sign-up's two paths must not differ in time).
      let over: BudgetScope | null = null
      for (const check of this.#checks(m, now)) {
        const counts = await ledger.tally(check.scope, check.buckets)
        over ??= check.buckets.find((b, i) => (counts[i] ?? 0) >= b.limit)?.budget ?? null
      }
      if (duplicate) return { queued: false, reason: 'duplicate' }
      if (over) return { queued: false, reason: 'budget', budget: over }
      return (await ledger.insert(m, now)) ? { queued: true } : { queued: false, reason: 'duplicate' }
    })
    if (verdict.queued) this.hooks.queued?.(m.channel, m.kind)
    else if (verdict.reason === 'budget') this.hooks.suppressed?.(m.channel, m.kind, verdict.budget, 'queue')
    return verdict
  }

  async enqueueMany(messages: readonly OutgoingMessage[], now: number): Promise<number> {
    const described = messages.map((m) => this.#describe(m))
    const hooks = described.filter((m) => m.kind === 'webhook')
    let queued = hooks.length > 0 ? await this.ledger.insertMany(hooks, now) : 0
    for (const m of messages) {
      if (m.channel !== 'webhook' && (await this.enqueue(m, now)).queued) queued++
    }
    return queued
  }

  async rehearse(message: OutgoingMessage, now: number): Promise<void> {
    const m = this.#describe(message)
    if (m.kind === 'webhook') return
    await this.ledger.exclusive(this.#lockKeys(m), async (ledger) => {
      for (const check of this.#checks(m, now)) await ledger.tally(check.scope, check.buckets)
    })
  }

  /**
   * The second look, just before a claimed message is sent: the same budgets over what was sent (or
   * is being sent) since, other than this message. Messages queued past a budget by a path that does
   * not count at queue time (or by racing instances whose locks did not meet) stop here.
   */
  async recheck(claimed: ClaimedMessage, now: number): Promise<QueueVerdict> {
    const m: LedgerMessage = {
      ...claimed,
      kind: claimed.kind ?? kindOf(claimed.template, claimed.channel),
      destination: claimed.destination ?? destinationOf(claimed.channel, claimed.recipient),
      region:
        claimed.channel === 'sms' ? (claimed.region ?? callingCodeOf(claimed.recipient)) : claimed.region,
    }
    if (m.kind === 'webhook') return { queued: true }
    for (const check of this.#checks(m, now)) {
      const counts = await this.ledger.tallyDelivered(check.scope, check.buckets, now, claimed)
      const over = check.buckets.find((b, i) => (counts[i] ?? 0) >= b.limit)
      if (over) {
        this.hooks.suppressed?.(m.channel, m.kind, over.budget, 'send')
        return { queued: false, reason: 'budget', budget: over.budget }
      }
    }
    return { queued: true }
  }

  #describe(message: OutgoingMessage): LedgerMessage {
    const kind = kindOf(message.template, message.channel)
    return {
      ...message,
      kind,
      destination: destinationOf(message.channel, message.recipient),
      region: message.channel === 'sms' ? callingCodeOf(message.recipient) : null,
    }
  }

  #lockKeys(m: LedgerMessage): string[] {
    const keys = [`destination:${m.destination}`]
    if (m.accountId) keys.push(`account:${m.accountId}`)
    if (m.channel === 'sms') keys.push('sms')
    return keys
  }

  #checks(m: LedgerMessage, now: number): Check[] {
    const { kinds, destinationPerDay, sms } = this.settings
    const budget = kinds[m.kind as BudgetedKind]
    const perKind = (scope: BudgetScope) => [
      ...(budget.hour !== undefined
        ? [{ since: now - HOUR, kind: m.kind, limit: budget.hour, budget: scope }]
        : []),
      { since: now - DAY, kind: m.kind, limit: budget.day, budget: scope },
    ]
    const checks: Check[] = [
      {
        scope: { destination: m.destination! },
        buckets: [
          ...perKind('destination'),
          { since: now - DAY, limit: destinationPerDay, budget: 'destination_all' },
        ],
      },
    ]
    if (m.accountId) checks.push({ scope: { accountId: m.accountId }, buckets: perKind('account') })
    if (m.channel === 'sms') {
      checks.push({
        scope: { channel: 'sms' },
        buckets: [
          { since: now - sms.global.seconds * SECOND, limit: sms.global.points, budget: 'sms_global' },
          {
            since: now - sms.perCountry.seconds * SECOND,
            region: m.region ?? 'unknown',
            limit: sms.perCountry.points,
            budget: 'sms_country',
          },
        ],
      })
    }
    return checks
  }
}
