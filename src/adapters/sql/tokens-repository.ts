import type { Kysely } from 'kysely'
import type { IssuedToken, OneTimeTokens, TokenPurpose } from '../../modules/tokens/ports.js'
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
      })
      .execute()
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
