import type { Kysely } from 'kysely'
import { newId } from '../../kernel/tokens.js'
import type { RecoveryCodeRepository } from '../../modules/mfa/ports.js'
import type { Database } from './schema.js'

export class SqlRecoveryCodes implements RecoveryCodeRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async replace(accountId: string, hashes: string[], now: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('mfa_recovery_codes').where('account_id', '=', accountId).execute()
      if (hashes.length === 0) return
      await trx
        .insertInto('mfa_recovery_codes')
        .values(
          hashes.map((h) => ({
            id: newId(),
            account_id: accountId,
            code_hash: h,
            used_at: null,
            created_at: now,
          })),
        )
        .execute()
    })
  }

  async consume(accountId: string, hash: string, now: number): Promise<boolean> {
    const r = await this.db
      .updateTable('mfa_recovery_codes')
      .set({ used_at: now })
      .where('account_id', '=', accountId)
      .where('code_hash', '=', hash)
      .where('used_at', 'is', null)
      .executeTakeFirst()
    return Number(r.numUpdatedRows) === 1
  }

  async countUnused(accountId: string): Promise<number> {
    const r = await this.db
      .selectFrom('mfa_recovery_codes')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', '=', accountId)
      .where('used_at', 'is', null)
      .executeTakeFirstOrThrow()
    return Number(r.n)
  }
}
