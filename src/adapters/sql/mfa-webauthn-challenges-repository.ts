import type { Kysely } from 'kysely'
import type { WebauthnChallengeRepository, WebauthnPurpose } from '../../modules/mfa/ports.js'
import type { Database } from './schema.js'

export class SqlWebauthnChallenges implements WebauthnChallengeRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(c: {
    id: string
    accountId: string | null
    purpose: WebauthnPurpose
    challenge: string
    loginChallengeId: string | null
    expiresAt: number
    createdAt: number
  }): Promise<void> {
    await this.db
      .insertInto('webauthn_challenges')
      .values({
        id: c.id,
        account_id: c.accountId,
        purpose: c.purpose,
        challenge: c.challenge,
        login_challenge_id: c.loginChallengeId,
        expires_at: c.expiresAt,
        used_at: null,
        created_at: c.createdAt,
      })
      .execute()
  }

  async take(id: string, purpose: WebauthnPurpose, now: number) {
    const r = await this.db
      .updateTable('webauthn_challenges')
      .set({ used_at: now })
      .where('id', '=', id)
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returning(['challenge', 'account_id', 'login_challenge_id'])
      .executeTakeFirst()
    return r
      ? { challenge: r.challenge, accountId: r.account_id, loginChallengeId: r.login_challenge_id }
      : null
  }

  async deleteExpiredBefore(cutoff: number): Promise<number> {
    const r = await this.db
      .deleteFrom('webauthn_challenges')
      .where('expires_at', '<', cutoff)
      .executeTakeFirst()
    return Number(r.numDeletedRows)
  }
}
