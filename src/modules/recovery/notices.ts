import type { AccountRecord } from '../accounts/ports.js'
import type { RequestContext } from '../events/ports.js'
import { messageLocale } from '../mail/locale.js'
import type { RecoveryChannel, RecoveryRepositories } from './ports.js'

/**
 * After a reset: a password-changed notice, with a link that locks the account ("this wasn't me"),
 * on every verified channel, and by email when the reset came by email (which proved the address).
 * Returns the channels told.
 */
export const queuePasswordChanged = async (
  tx: Pick<RecoveryRepositories, 'outbox'>,
  account: AccountRecord,
  resetByEmail: boolean,
  lockToken: string,
  now: number,
  ctx: Pick<RequestContext, 'locale'>,
): Promise<RecoveryChannel[]> => {
  const channels: RecoveryChannel[] = []
  const notice = {
    template: 'password_changed',
    payload: { username: account.username, lockToken, ...messageLocale(account.locale, ctx) },
  }
  if (account.emailVerifiedAt !== null || resetByEmail) {
    channels.push('email')
    await tx.outbox.enqueue(
      { channel: 'email', recipient: account.email, ...notice, accountId: account.id },
      now,
    )
  }
  if (account.phone && account.phoneVerifiedAt !== null) {
    channels.push('sms')
    await tx.outbox.enqueue(
      { channel: 'sms', recipient: account.phone, ...notice, accountId: account.id },
      now,
    )
  }
  return channels
}
