import type { Kysely } from 'kysely'
import type { MfaChallenge, MfaChallengeRepository } from '../../modules/mfa/ports.js'
import type { Database } from './schema.js'

export class SqlMfaChallenges implements MfaChallengeRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(c: {
    id: string
    accountId: string
    expiresAt: number
    ip: string | null
    userAgent: string | null
    createdAt: number
  }): Promise<void> {
    await this.db
      .insertInto('mfa_challenges')
      .values({
        id: c.id,
        account_id: c.accountId,
        expires_at: c.expiresAt,
        used_at: null,
        ip: c.ip,
        user_agent: c.userAgent?.slice(0, 512) ?? null,
        created_at: c.createdAt,
      })
      .execute()
  }

  async takeAttempt(id: string, now: number, maxAttempts: number): Promise<MfaChallenge | null> {
    const r = await this.db
      .updateTable('mfa_challenges')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('id', '=', id)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .where('attempts', '<', maxAttempts)
      .returning(['id', 'account_id', 'attempts', 'expires_at'])
      .executeTakeFirst()
    return r
      ? { id: r.id, accountId: r.account_id, attempts: r.attempts, expiresAt: Number(r.expires_at) }
      : null
  }

  async deleteExpiredBefore(cutoff: number): Promise<number> {
    const r = await this.db.deleteFrom('mfa_challenges').where('expires_at', '<', cutoff).executeTakeFirst()
    return Number(r.numDeletedRows)
  }

  async peek(id: string, now: number, maxAttempts: number): Promise<MfaChallenge | null> {
    const r = await this.db
      .selectFrom('mfa_challenges')
      .select(['id', 'account_id', 'attempts', 'expires_at'])
      .where('id', '=', id)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .where('attempts', '<', maxAttempts)
      .executeTakeFirst()
    return r
      ? { id: r.id, accountId: r.account_id, attempts: r.attempts, expiresAt: Number(r.expires_at) }
      : null
  }

  async complete(id: string, now: number): Promise<boolean> {
    const r = await this.db
      .updateTable('mfa_challenges')
      .set({ used_at: now })
      .where('id', '=', id)
      .where('used_at', 'is', null)
      .executeTakeFirst()
    return Number(r.numUpdatedRows) === 1
  }
}
