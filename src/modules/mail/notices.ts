import type { Clock } from '../../kernel/clock.js'
import type { RequestContext } from '../../kernel/context.js'
import type { AccountRecord, AccountRepository } from '../accounts/ports.js'
import { messageLocale } from './locale.js'
import type { Outbox } from './ports.js'
import type { securityChanges } from './templates.js'

export type SecurityChange = keyof typeof securityChanges

/**
 * Queues a "this changed on your account" notice to every verified channel of the account: its
 * email address and its phone number. Returns the channels the outbound gate let through.
 */
export const queueSecurityNotice = async (
  outbox: Outbox,
  account: AccountRecord,
  change: SecurityChange,
  now: number,
  ctx?: Pick<RequestContext, 'locale'>,
): Promise<Array<'email' | 'sms'>> => {
  const locale = messageLocale(account.locale, ctx)
  const queued: Array<'email' | 'sms'> = []
  if (account.emailVerifiedAt !== null) {
    const verdict = await outbox.enqueue(
      {
        channel: 'email',
        recipient: account.email,
        template: 'security_change',
        payload: { username: account.username, change, ...locale },
        accountId: account.id,
      },
      now,
    )
    if (verdict.queued) queued.push('email')
  }
  if (account.phone !== null && account.phoneVerifiedAt !== null) {
    const verdict = await outbox.enqueue(
      {
        channel: 'sms',
        recipient: account.phone,
        template: 'security_change',
        payload: { change, ...locale },
        accountId: account.id,
      },
      now,
    )
    if (verdict.queued) queued.push('sms')
  }
  return queued
}

/**
 * Tells the holder, on every verified channel, that a factor or the recovery codes changed;
 * `notify` is told that messages were queued (the outbox worker delivers them at once).
 */
export const securityNotices =
  (deps: {
    accounts: Pick<AccountRepository, 'findById'>
    outbox: Outbox
    clock: Clock
    notify: () => void
  }) =>
  async (accountId: string, change: SecurityChange): Promise<void> => {
    const account = await deps.accounts.findById(accountId)
    if (!account) return
    await queueSecurityNotice(deps.outbox, account, change, deps.clock.now())
    deps.notify()
  }
