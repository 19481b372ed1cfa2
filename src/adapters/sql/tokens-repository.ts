import type { Kysely } from 'kysely'
import type { IssuedToken, LiveToken, OneTimeTokens, TokenPurpose } from '../../modules/tokens/ports.js'
import type { Database } from './schema.js'

export class SqlOneTimeTokens implements OneTimeTokens {
  constructor(private readonly db: Kysely<Database>) {}

  async issue(t: IssuedToken): Promise<void> {
    await this.db
      .insertInto('one_time_tokens')
      .values({
        id: t.id,
        token_hash: t.tokenHash,
        account_id: t.accountId,
        purpose: t.purpose,
        expires_at: t.expiresAt,
        used_at: null,
        created_at: t.createdAt,
        channel: t.channel ?? null,
      })
      .execute()
  }

  async peek(tokenHash: string, purpose: TokenPurpose, now: number): Promise<LiveToken | null> {
    const r = await this.db
      .selectFrom('one_time_tokens')
      .select(['account_id', 'attempts', 'channel', 'created_at'])
      .where('token_hash', '=', tokenHash)
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst()
    if (!r) return null
    return {
      accountId: r.account_id,
      attempts: r.attempts,
      channel: r.channel === 'email' || r.channel === 'sms' ? r.channel : null,
      createdAt: r.created_at,
    }
  }

  async takeAttempt(
    tokenHash: string,
    purpose: TokenPurpose,
    now: number,
    max: number,
  ): Promise<number | null> {
    const r = await this.db
      .updateTable('one_time_tokens')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('token_hash', '=', tokenHash)
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .where('attempts', '<', max)
      .returning('attempts')
      .executeTakeFirst()
    return r ? r.attempts : null
  }

  async recordFailedAttempt(tokenHash: string): Promise<number> {
    const r = await this.db
      .updateTable('one_time_tokens')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('token_hash', '=', tokenHash)
      .returning('attempts')
      .executeTakeFirst()
    return r?.attempts ?? 0
  }

  async newestLive(accountId: string, purpose: TokenPurpose, now: number): Promise<number | null> {
    const r = await this.db
      .selectFrom('one_time_tokens')
      .select((eb) => eb.fn.max('created_at').as('newest'))
      .where('account_id', '=', accountId)
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst()
    return r?.newest == null ? null : Number(r.newest)
  }

  async consume(tokenHash: string, purpose: TokenPurpose, now: number): Promise<string | null> {
    // One conditional UPDATE: the database serialises concurrent redemptions of a
    // row, and only the first still sees used_at IS NULL.
    const row = await this.db
      .updateTable('one_time_tokens')
      .set({ used_at: now })
      .where('token_hash', '=', tokenHash)
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returning('account_id')
      .executeTakeFirst()
    return row?.account_id ?? null
  }

  async revokeForAccount(accountId: string, now: number, purposes?: TokenPurpose[]): Promise<number> {
    let q = this.db
      .updateTable('one_time_tokens')
      .set({ used_at: now })
      .where('account_id', '=', accountId)
      .where('used_at', 'is', null)
    if (purposes && purposes.length > 0) q = q.where('purpose', 'in', purposes)
    const r = await q.executeTakeFirst()
    return Number(r.numUpdatedRows)
  }
}
