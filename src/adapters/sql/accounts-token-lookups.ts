import type { Kysely } from 'kysely'
import type { LiveTokenRef } from '../../modules/accounts/ports.js'
import type { TokenPurpose } from '../../modules/tokens/ports.js'
import type { Database } from './schema.js'

/* What the accounts module reads of the one-time tokens: when they were sent, the live one, whether a hash exists. */

export const tokenTimesSince = async (
  db: Kysely<Database>,
  id: string,
  purpose: TokenPurpose,
  since: number,
): Promise<number[]> => {
  const rows = await db
    .selectFrom('one_time_tokens')
    .select('created_at')
    .where('account_id', '=', id)
    .where('purpose', '=', purpose)
    .where('created_at', '>=', since)
    .execute()
  return rows.map((r) => Number(r.created_at))
}

export const newestLiveToken = async (
  db: Kysely<Database>,
  id: string,
  purpose: TokenPurpose,
  now: number,
): Promise<LiveTokenRef | null> => {
  const r = await db
    .selectFrom('one_time_tokens')
    .select(['token_hash', 'attempts'])
    .where('account_id', '=', id)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst()
  return r ? { tokenHash: r.token_hash, attempts: Number(r.attempts) } : null
}

export const tokenHashExists = async (db: Kysely<Database>, tokenHash: string): Promise<boolean> => {
  const r = await db
    .selectFrom('one_time_tokens')
    .select('id')
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst()
  return r !== undefined
}
